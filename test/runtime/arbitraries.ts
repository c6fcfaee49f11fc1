/** fast-check arbitraries shared by the runtime tests: float64 inputs kept off kinks. */
import fc from 'fast-check';

/** Steps of a value's range on each side of 0. */
const STEPS = 2 ** 20;

/**
 * `n` values in [-range, range], spread evenly over the range (in steps of range/2^20, biased
 * towards 0 and the ends as fast-check biases integers). Not `fc.double`: it picks doubles
 * evenly by their bit patterns, so most have magnitudes far below 1e-100; products of such
 * inputs were then almost always within 0.01 of an activation's kink, and the kink filter of the
 * dense and conv2d cases retried for seconds, once for over ten minutes.
 */
export function values(n: number, range = 2): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.integer({ min: -STEPS, max: STEPS }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (i) => (i / STEPS) * range));
}

/** `n` values with |x| in [gap, range]: off a kink at 0 by far more than the finite-difference step. */
export function offZero(n: number, range = 2, gap = 0.01): fc.Arbitrary<Float64Array> {
  return values(n, range - gap).map((a) => a.map((x) => (x >= 0 ? x + gap : x - gap)));
}

/** `n` distinct values (pairwise at least 0.01 apart), so max-pooling windows have no ties. */
export function distinct(n: number): fc.Arbitrary<Float64Array> {
  return fc
    .uniqueArray(fc.integer({ min: -300, max: 300 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (v) => v / 100));
}

/** `n` values in [lo, hi], spread evenly (see `values`). */
export function between(n: number, lo: number, hi: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.integer({ min: 0, max: STEPS }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (i) => lo + ((hi - lo) * i) / STEPS));
}

/** `n` integer labels in [0, classes), stored as floats. */
export function labels(n: number, classes: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a));
}

/** Number of runs per property: small, so the whole folder stays in seconds on a shared machine. */
export const RUNS = 25;
