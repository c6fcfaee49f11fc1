/**
 * The kernel table: the low-level routines the ops are built on. A faster implementation
 * (WebAssembly SIMD, threads) provides another `Kernels` and the ops built from it with
 * `createOps(kernels)`; no caller changes.
 */
import type { FloatArray } from '../tensor.js';

/**
 * A row-major matrix product on dense operands at offsets: `C[m×n] (+)= op(A)·op(B)`, adding
 * into C when `accumulate`, else assigning. `pack` is scratch of at least `packSize(m, n, k)`
 * elements from `packOffset`, of the operands' dtype. Which operand is transposed depends on the routine:
 * - `gemmNN`: A is `[m×k]`, B is `[k×n]`;
 * - `gemmTN`: A is stored `[k×m]` (C = Aᵀ·B);
 * - `gemmNT`: B is stored `[n×k]` (C = A·Bᵀ).
 */
export type Gemm = (
  m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
  pack: FloatArray,
  packOffset: number,
) => void;

/** The routines every op implementation calls. */
export interface Kernels {
  readonly gemmNN: Gemm;
  readonly gemmTN: Gemm;
  readonly gemmNT: Gemm;
  /** Elements of `pack` a product of this size needs. */
  readonly packSize: (m: number, n: number, k: number) => number;
}
