/**
 * The default kernel tables. Note on dtypes: V8 shares type feedback between closures created
 * at one source site, so a fresh table per dtype does NOT isolate float32 from float64
 * (measured, 512³ A·B float32 best of 5 processes on a loaded machine: 4.6 GFLOP/s when the
 * process never ran float64, 3.6-3.7 after a float64 product on the same or another table).
 * Keep float64 gradient checks out of the training process (tests and `nn train` are separate).
 */
import type { DType } from '../tensor.js';
import { createGemmKernels } from './gemm.js';
import type { Kernels } from './types.js';

export type { Gemm, Kernels } from './types.js';
export { createGemmKernels, gemmPackSize } from './gemm.js';

/** The plain TypeScript kernels (a new table per call; the dtype is for future specialized tables). */
export function createKernels(_dtype: DType): Kernels {
  return createGemmKernels();
}
