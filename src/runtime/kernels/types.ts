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

/** The activations a dense epilogue computes. */
export type DenseActivation = 'linear' | 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid';

/** Every `DenseActivation`, in a fixed order. */
export const DENSE_ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid'];

/**
 * The forward epilogue of a dense product over the `rows×cols` block at `y[yOff…]`, in place:
 * `v = y + bias` per row (`bias` holds `cols` values from `biasOff`; `null` for none), written to
 * `saved` first when given (the pre-activation `leaky_relu`'s derivative needs), then
 * `y = act(v)`. `alpha` is leaky_relu's slope (ignored by the others).
 */
export type DenseForward = (
  act: DenseActivation, rows: number, cols: number,
  y: FloatArray, yOff: number,
  bias: FloatArray | null, biasOff: number,
  saved: FloatArray | null, savedOff: number,
  alpha: number,
) => void;

/**
 * The backward epilogue of a dense product: `dz = dz · act'(from)` in place over the `rows×cols`
 * block at `dz[dzOff…]` (`from` is the output `y`, or the pre-activation for `leaky_relu`; unread,
 * and may be `null`, for `linear`), then the bias gradient: the column sums of the new `dz`,
 * accumulated row by row in the array's precision, assigned to `gb[gbOff…]` when `assignBias`
 * and added to it otherwise (`gb` `null`: no bias).
 */
export type DenseBackward = (
  act: DenseActivation, rows: number, cols: number,
  dz: FloatArray, dzOff: number,
  from: FloatArray | null, fromOff: number,
  gb: FloatArray | null, gbOff: number,
  assignBias: boolean,
  alpha: number,
) => void;

/**
 * A dense layer's forward product with its epilogue fused into the write-out:
 * `y[m×n] = act(x[m×k]·w[n×k]ᵀ + bias)`, the pre-activation written to `saved` when given (as
 * `DenseForward`), for a table whose product can apply the epilogue to each tile as it stores it.
 * The same numbers as `gemmNT` (assigning) followed by `denseForward`. `pack` as for `Gemm`.
 */
export type DenseProduct = (
  act: DenseActivation, m: number, n: number, k: number,
  x: FloatArray, xOff: number,
  w: FloatArray, wOff: number,
  y: FloatArray, yOff: number,
  bias: FloatArray | null, biasOff: number,
  saved: FloatArray | null, savedOff: number,
  alpha: number,
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
  /**
   * Optional fast dense epilogues (the WebAssembly table has them; plans use their own loops
   * where a table does not). Plain functions: callers may call them detached from the table.
   */
  readonly denseForward?: DenseForward;
  readonly denseBackward?: DenseBackward;
  /** Optional fused forward product (the WebAssembly table has it, with `denseForward`). */
  readonly denseProduct?: DenseProduct;
}
