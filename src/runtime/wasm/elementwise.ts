/**
 * The elementwise members of the WebAssembly kernel table (dense bias and activation epilogues
 * and their backward), generated as their own module over the table's memory.
 */
import type { Kernels } from '../kernels/types.js';
import type { MemoryImport } from './module.js';

/** The optional, elementwise part of a kernel table. */
export type ElementwiseKernels = Omit<Kernels, 'gemmNN' | 'gemmTN' | 'gemmNT' | 'packSize'>;

/**
 * The elementwise kernels over `memory` (imported as `memoryImport` describes: shared when the
 * table runs threads). The table has none yet: plans then run their TypeScript loops.
 */
export function wasmElementwise(_memory: WebAssembly.Memory, _memoryImport: MemoryImport): ElementwiseKernels {
  return {};
}
