/**
 * Gradient clipping on the flat gradient buffer, in place and without allocation:
 * `value(v)` (Keras clipvalue), `norm(m)` (torch.nn.utils.clip_grad_norm_), `param_norm(m)`
 * (Keras clipnorm, each tensor on its own).
 */

import type { FloatArray } from './tensor.js';

/** A parameter tensor's place in the flat buffers (the compiler's segments carry more fields). */
export interface FlatSegment {
  readonly offset: number;
  readonly length: number;
}

/** L2 norm of `buf[offset .. offset + length)`, accumulated in float64. */
export function l2Norm(buf: FloatArray, offset = 0, length = buf.length - offset): number {
  return Math.sqrt(sumSquares(buf, offset, length));
}

/** Σ buf[i]² over `[offset, offset + length)`, accumulated in float64 in index order. */
export function sumSquares(buf: FloatArray, offset: number, length: number): number {
  let ss = 0;
  for (let i = offset, end = offset + length; i < end; i++) ss += buf[i] * buf[i];
  return ss;
}

/**
 * The vector loops clipping runs on: the plain ones here, or faster ones over a kernel memory
 * (`normKernels` of the WebAssembly table, which sums in another order and scales in float32).
 */
export interface ClipKernels {
  /** Σ buf[i]² over `[offset, offset + length)`, in float64. */
  sumSquares(buf: FloatArray, offset: number, length: number): number;
  /** `buf[i] *= factor` over `[offset, offset + length)`. */
  scale(buf: FloatArray, offset: number, length: number, factor: number): void;
}

/** The plain loops: sums in index order, products in float64 rounded once. */
export const PLAIN_CLIP_KERNELS: ClipKernels = { sumSquares, scale: scaleInPlace };

function scaleInPlace(buf: FloatArray, offset: number, length: number, factor: number): void {
  for (let i = offset, end = offset + length; i < end; i++) buf[i] *= factor;
}

/** Clamps every element into [-v, v]. */
export function clipByValue(grads: FloatArray, v: number): void {
  for (let i = 0, n = grads.length; i < n; i++) {
    const g = grads[i];
    if (g > v) grads[i] = v;
    else if (g < -v) grads[i] = -v;
  }
}

/**
 * torch.nn.utils.clip_grad_norm_(parameters, max_norm) with norm_type 2: the total norm is the
 * L2 norm of the per-tensor norms (= the L2 norm of all elements); coef = max_norm /
 * (total + 1e-6), and the gradients are multiplied by coef only when coef < 1.
 * @param segments the tensors taking part; all of `grads` when omitted
 * @param k the loops to run the sums and the scaling on
 * @returns the total norm before clipping
 */
export function clipByGlobalNorm(
  grads: FloatArray, maxNorm: number, segments?: readonly FlatSegment[], k: ClipKernels = PLAIN_CLIP_KERNELS,
): number {
  const total = new Float64Array(1);
  clipGlobalNorm(grads, maxNorm, segments, k, total);
  return total[0]!;
}

/**
 * `clipByGlobalNorm` returning nothing (the total norm into `out[0]` when given): what a
 * training step runs, since a fresh double returned from, or passed to, a call V8 does not
 * inline is boxed, 16 bytes per step.
 */
function clipGlobalNorm(
  grads: FloatArray, maxNorm: number, segments: readonly FlatSegment[] | undefined, k: ClipKernels, out: Float64Array | null,
): void {
  let ss = 0;
  if (segments === undefined) {
    const n = Math.sqrt(k.sumSquares(grads, 0, grads.length));
    ss = n * n;
  } else {
    for (const s of segments) {
      const n = Math.sqrt(k.sumSquares(grads, s.offset, s.length));
      ss += n * n;
    }
  }
  const total = Math.sqrt(ss);
  if (out !== null) out[0] = total;
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    if (k === PLAIN_CLIP_KERNELS) {
      if (segments === undefined) scaleInPlace(grads, 0, grads.length, coef);
      else for (const s of segments) scaleInPlace(grads, s.offset, s.length, coef);
    } else if (segments === undefined) k.scale(grads, 0, grads.length, coef);
    else for (const s of segments) k.scale(grads, s.offset, s.length, coef);
  }
}

/**
 * Keras `clipnorm` / tf.clip_by_norm per tensor: g ← g · m / max(‖g‖, m) for each segment on its
 * own (skipped when ‖g‖ ≤ m, where the factor is exactly 1).
 */
export function clipByParamNorm(
  grads: FloatArray, maxNorm: number, segments: readonly FlatSegment[], k: ClipKernels = PLAIN_CLIP_KERNELS,
): void {
  for (const s of segments) {
    const norm = Math.sqrt(k.sumSquares(grads, s.offset, s.length));
    if (norm > maxNorm) {
      for (let i = s.offset, end = s.offset + s.length; i < end; i++) grads[i] = (grads[i] * maxNorm) / norm;
    }
  }
}

/** Arguments of each clip rule, keyed by the contract's name. */
export interface ClipArgs {
  value: { readonly v: number };
  norm: { readonly m: number };
  param_norm: { readonly m: number };
}

/** Every clip rule of the contract. */
export type ClipName = keyof ClipArgs;

/** One clip rule: its defaults (`null` = required) and its in-place application. */
export interface ClipSpec<A> {
  readonly defaults: { readonly [K in keyof A]: A[K] | null };
  apply(args: A, grads: FloatArray, segments: readonly FlatSegment[], k: ClipKernels): void;
}

/** The clip table. */
export const CLIPPERS: { readonly [N in ClipName]: ClipSpec<ClipArgs[N]> } = {
  value: { defaults: { v: null }, apply: (a, g) => clipByValue(g, a.v) },
  norm: { defaults: { m: null }, apply: (a, g, segments, k) => clipGlobalNorm(g, a.m, segments, k, null) },
  param_norm: { defaults: { m: null }, apply: (a, g, segments, k) => clipByParamNorm(g, a.m, segments, k) },
};

/**
 * Applies clip rule `name(args)` to the gradients of `segments` (value clipping touches the whole
 * buffer). Returns nothing: the caller measures norms it wants to report before calling.
 * @param k the loops the norm rules run on (default the plain ones)
 */
export function clip<N extends ClipName>(
  name: N, args: ClipArgs[N], grads: FloatArray, segments: readonly FlatSegment[], k: ClipKernels = PLAIN_CLIP_KERNELS,
): void {
  (CLIPPERS[name] as ClipSpec<ClipArgs[N]>).apply(args, grads, segments, k);
}
