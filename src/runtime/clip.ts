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

/**
 * L2 norm of `buf[offset .. offset + length)`, accumulated in float64 in four running sums
 * (one would wait on each add's latency: twice as slow).
 */
export function l2Norm(buf: FloatArray, offset = 0, length = buf.length - offset): number {
  const end = offset + length;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, i = offset;
  for (; i + 4 <= end; i += 4) {
    const g0 = buf[i], g1 = buf[i + 1], g2 = buf[i + 2], g3 = buf[i + 3];
    a0 += g0 * g0; a1 += g1 * g1; a2 += g2 * g2; a3 += g3 * g3;
  }
  for (; i < end; i++) a0 += buf[i] * buf[i];
  return Math.sqrt((a0 + a1) + (a2 + a3));
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
 * @returns the total norm before clipping
 */
export function clipByGlobalNorm(grads: FloatArray, maxNorm: number, segments?: readonly FlatSegment[]): number {
  const total = new Float64Array(1);
  clipGlobalNorm(grads, maxNorm, segments, total);
  return total[0]!;
}

/**
 * `clipByGlobalNorm` returning nothing (the total norm into `out[0]` when given): what a
 * training step runs, since a fresh double returned from, or passed to, a call V8 does not
 * inline is boxed, 16 bytes per step.
 */
function clipGlobalNorm(grads: FloatArray, maxNorm: number, segments: readonly FlatSegment[] | undefined, out: Float64Array | null): void {
  let ss = 0;
  if (segments === undefined) {
    const n = l2Norm(grads);
    ss = n * n;
  } else {
    for (const s of segments) {
      const n = l2Norm(grads, s.offset, s.length);
      ss += n * n;
    }
  }
  const total = Math.sqrt(ss);
  if (out !== null) out[0] = total;
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    if (segments === undefined) {
      for (let i = 0, n = grads.length; i < n; i++) grads[i] *= coef;
    } else {
      for (const s of segments) for (let i = s.offset, end = s.offset + s.length; i < end; i++) grads[i] *= coef;
    }
  }
}

/**
 * Keras `clipnorm` / tf.clip_by_norm per tensor: g ← g · m / max(‖g‖, m) for each segment on its
 * own (skipped when ‖g‖ ≤ m, where the factor is exactly 1).
 */
export function clipByParamNorm(grads: FloatArray, maxNorm: number, segments: readonly FlatSegment[]): void {
  for (const s of segments) {
    const norm = l2Norm(grads, s.offset, s.length);
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
  apply(args: A, grads: FloatArray, segments: readonly FlatSegment[]): void;
}

/** The clip table. */
export const CLIPPERS: { readonly [N in ClipName]: ClipSpec<ClipArgs[N]> } = {
  value: { defaults: { v: null }, apply: (a, g) => clipByValue(g, a.v) },
  norm: { defaults: { m: null }, apply: (a, g, segments) => clipGlobalNorm(g, a.m, segments, null) },
  param_norm: { defaults: { m: null }, apply: (a, g, segments) => clipByParamNorm(g, a.m, segments) },
};

/**
 * Applies clip rule `name(args)` to the gradients of `segments` (value clipping touches the whole
 * buffer). Returns nothing: the caller measures norms it wants to report before calling.
 */
export function clip<N extends ClipName>(name: N, args: ClipArgs[N], grads: FloatArray, segments: readonly FlatSegment[]): void {
  (CLIPPERS[name] as ClipSpec<ClipArgs[N]>).apply(args, grads, segments);
}
