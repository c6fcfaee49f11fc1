import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { clip, clipByGlobalNorm, clipByParamNorm, clipByValue, l2Norm, CLIPPERS, type FlatSegment } from '../../src/runtime/clip.js';

const grads = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 40 });

/** Splits [0, n) into consecutive segments at the given cut points. */
function segmentsOf(n: number, cuts: number[]): FlatSegment[] {
  const points = [...new Set(cuts.map((c) => c % n))].filter((c) => c > 0).sort((a, b) => a - b);
  const bounds = [0, ...points, n];
  return bounds.slice(1).map((end, k) => ({ offset: bounds[k], length: end - bounds[k] }));
}

describe('clipping by value', () => {
  it.each([
    [[0.5, -2, 3, -0.1], 1, [0.5, -1, 1, -0.1]],
    [[0, 1, -1], 1, [0, 1, -1]],
    [[10, -10], 0.25, [0.25, -0.25]],
  ])('clips %j to ±%d giving %j', (g, v, want) => {
    const a = Float64Array.from(g);
    clipByValue(a, v);
    expect(Array.from(a)).toEqual(want);
  });

  it('leaves every element within [-v, v] and is idempotent', () => {
    fc.assert(
      fc.property(grads, fc.double({ min: 0.01, max: 50, noNaN: true }), (g, v) => {
        const a = Float64Array.from(g);
        clipByValue(a, v);
        a.forEach((x, i) => expect(x).toBe(Math.min(v, Math.max(-v, g[i]))));
        const b = a.slice();
        clipByValue(b, v);
        expect(Array.from(b)).toEqual(Array.from(a));
      }),
    );
  });
});

describe('clipping by global norm, as clip_grad_norm_', () => {
  it.each([
    // [gradients, max_norm, returned total norm, clipped gradients]
    [[3, 4], 1, 5, [3 / (5 + 1e-6), 4 / (5 + 1e-6)]],
    [[3, 4], 10, 5, [3, 4]],
    [[0, 0, 0], 1, 0, [0, 0, 0]],
    // at total == max_norm the 1e-6 still makes coef < 1, as in torch
    [[1, 1, 1, 1], 2, 2, [1, 1, 1, 1].map((x) => (x * 2) / (2 + 1e-6))],
  ])('clips %j to norm %d (total %d)', (g, m, total, want) => {
    const a = Float64Array.from(g);
    expect(clipByGlobalNorm(a, m)).toBeCloseTo(total, 14);
    a.forEach((x, i) => expect(x).toBeCloseTo(want[i], 14));
  });

  it('never leaves a norm above max_norm, keeps the direction, and returns the norm before clipping', () => {
    fc.assert(
      fc.property(grads, fc.double({ min: 0.01, max: 50, noNaN: true }), fc.array(fc.nat(), { maxLength: 5 }), (g, m, cuts) => {
        const a = Float64Array.from(g);
        const before = l2Norm(a);
        const segs = segmentsOf(a.length, cuts);
        expect(clipByGlobalNorm(a, m, segs)).toBeCloseTo(before, 10);
        expect(l2Norm(a)).toBeLessThanOrEqual(m + 1e-9);
        const scale = before > 0 ? l2Norm(a) / before : 1;
        a.forEach((x, i) => expect(x).toBeCloseTo(g[i] * scale, 9));
        if (before + 1e-6 <= m) expect(Array.from(a)).toEqual(g);
      }),
    );
  });

  it('only touches the given segments', () => {
    const a = Float64Array.of(3, 4, 100);
    const total = clipByGlobalNorm(a, 1, [{ offset: 0, length: 2 }]);
    expect(total).toBe(5);
    expect(a[2]).toBe(100);
  });
});

describe('clipping each tensor by its own norm, as Keras clipnorm', () => {
  it('scales each segment to norm m only when its norm exceeds m', () => {
    const a = Float64Array.of(3, 4, 0.3, 0.4, 0, 0);
    clipByParamNorm(a, 1, [
      { offset: 0, length: 2 },
      { offset: 2, length: 2 },
      { offset: 4, length: 2 },
    ]);
    expect(Array.from(a)).toEqual([(3 * 1) / 5, (4 * 1) / 5, 0.3, 0.4, 0, 0]);
  });

  it('leaves every segment with norm min(original, m) and its direction unchanged', () => {
    fc.assert(
      fc.property(grads, fc.double({ min: 0.01, max: 50, noNaN: true }), fc.array(fc.nat(), { maxLength: 5 }), (g, m, cuts) => {
        const a = Float64Array.from(g);
        const segs = segmentsOf(a.length, cuts);
        const before = segs.map((s) => l2Norm(a, s.offset, s.length));
        clipByParamNorm(a, m, segs);
        segs.forEach((s, k) => {
          const after = l2Norm(a, s.offset, s.length);
          expect(after).toBeCloseTo(Math.min(before[k], m), 9);
          for (let i = s.offset; i < s.offset + s.length; i++) {
            expect(a[i]).toBeCloseTo(before[k] > 0 ? (g[i] * after) / before[k] : g[i], 9);
          }
        });
      }),
    );
  });
});

describe('the clip table', () => {
  it('dispatches value, norm and param_norm by name', () => {
    expect(Object.keys(CLIPPERS).sort()).toEqual(['norm', 'param_norm', 'value']);
    const segs = [{ offset: 0, length: 2 }, { offset: 2, length: 1 }];
    const a = Float32Array.of(3, 4, 2);
    clip('value', { v: 2.5 }, a, segs);
    expect(Array.from(a)).toEqual([2.5, 2.5, 2]);
    const b = Float32Array.of(3, 4, 12);
    clip('norm', { m: 6.5 }, b, segs);
    expect(l2Norm(b)).toBeCloseTo(6.5, 5);
    const c = Float32Array.of(3, 4, 12);
    clip('param_norm', { m: 5 }, c, segs);
    expect(Array.from(c)).toEqual([3, 4, 5]);
  });
});
