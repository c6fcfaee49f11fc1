/**
 * Weight regularizers with Keras' definitions, on the flat buffers: `l2(a)` adds a·Σw² to the
 * loss (gradient 2a·w), `l1(a)` adds a·Σ|w| (subgradient a·sign(w), 0 at w = 0), `l1_l2(l1, l2)`
 * both. Each call returns the penalty and ADDS the gradient (+=) for the given segments.
 */
import type { FlatSegment } from './clip.js';
import type { FloatArray } from './tensor.js';

/** a·Σ|w| over the segments; grads += a·sign(w). */
export function l1Penalty(params: FloatArray, grads: FloatArray, segments: readonly FlatSegment[], a: number): number {
  let sum = 0;
  for (const s of segments) {
    for (let i = s.offset, end = s.offset + s.length; i < end; i++) {
      const w = params[i];
      if (w > 0) {
        sum += w;
        grads[i] += a;
      } else if (w < 0) {
        sum -= w;
        grads[i] -= a;
      }
    }
  }
  return a * sum;
}

/** a·Σw² over the segments; grads += 2a·w. */
export function l2Penalty(params: FloatArray, grads: FloatArray, segments: readonly FlatSegment[], a: number): number {
  let sum = 0;
  const twoA = 2 * a;
  for (const s of segments) {
    for (let i = s.offset, end = s.offset + s.length; i < end; i++) {
      const w = params[i];
      sum += w * w;
      grads[i] += twoA * w;
    }
  }
  return a * sum;
}

/** Arguments of each regularizer, keyed by the contract's name. */
export interface RegularizerArgs {
  l1: { readonly a: number };
  l2: { readonly a: number };
  l1_l2: { readonly l1: number; readonly l2: number };
}

/** Every regularizer of the contract. */
export type RegularizerName = keyof RegularizerArgs;

/** One regularizer: its defaults (`null` = required) and its penalty-and-gradient pass. */
export interface RegularizerSpec<A> {
  readonly defaults: { readonly [K in keyof A]: A[K] | null };
  apply(args: A, params: FloatArray, grads: FloatArray, segments: readonly FlatSegment[]): number;
}

/** The regularizer table (l1_l2 defaults to 0 for both, as Keras' L1L2). */
export const REGULARIZERS: { readonly [N in RegularizerName]: RegularizerSpec<RegularizerArgs[N]> } = {
  l1: { defaults: { a: null }, apply: (r, p, g, s) => l1Penalty(p, g, s, r.a) },
  l2: { defaults: { a: null }, apply: (r, p, g, s) => l2Penalty(p, g, s, r.a) },
  l1_l2: {
    defaults: { l1: 0, l2: 0 },
    apply: (r, p, g, s) => (r.l1 !== 0 ? l1Penalty(p, g, s, r.l1) : 0) + (r.l2 !== 0 ? l2Penalty(p, g, s, r.l2) : 0),
  },
};

/**
 * Applies regularizer `name(args)` to the parameters of `segments`: returns the penalty to add to
 * the training loss and adds its gradient into `grads`.
 */
export function regularize<N extends RegularizerName>(
  name: N,
  args: RegularizerArgs[N],
  params: FloatArray,
  grads: FloatArray,
  segments: readonly FlatSegment[],
): number {
  return (REGULARIZERS[name] as RegularizerSpec<RegularizerArgs[N]>).apply(args, params, grads, segments);
}
