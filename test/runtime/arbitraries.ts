/** fast-check arbitraries shared by the runtime tests: float64 inputs kept off kinks. */
import fc from 'fast-check';

/** `n` values in [-range, range]. */
export function values(n: number, range = 2): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.double({ min: -range, max: range, noNaN: true }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a));
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

/** `n` values in [lo, hi]. */
export function between(n: number, lo: number, hi: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a));
}

/** `n` integer labels in [0, classes), stored as floats. */
export function labels(n: number, classes: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a));
}

/** Number of runs per property: small, so the whole folder stays in seconds on a shared machine. */
export const RUNS = 25;
