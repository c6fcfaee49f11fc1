/**
 * The default kernel tables. One table per dtype, each built from a fresh set of closures, so
 * the float64 gradient checks do not pollute the type feedback of the float32 training path.
 */
import type { DType } from '../tensor.js';
import { createGemmKernels } from './gemm.js';
import type { Kernels } from './types.js';

export type { Gemm, Kernels } from './types.js';
export { createGemmKernels, gemmPackSize } from './gemm.js';

/** The plain TypeScript kernels for one dtype (a new table per call). */
export function createKernels(_dtype: DType): Kernels {
  return createGemmKernels();
}
