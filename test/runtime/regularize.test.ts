import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { l1Penalty, l2Penalty, regularize, REGULARIZERS, type RegularizerName, type RegularizerArgs } from '../../src/runtime/regularize.js';

const all = (n: number) => [{ offset: 0, length: n }];

describe('regularizers with Keras definitions', () => {
  it.each([
    // [name, args, weights, penalty, gradient added to zeros]
    ['l2', { a: 0.1 }, [1, -2, 0], 0.1 * 5, [0.2, -0.4, 0]],
    ['l1', { a: 0.1 }, [1, -2, 0], 0.1 * 3, [0.1, -0.1, 0]],
    ['l1_l2', { l1: 0.5, l2: 0.25 }, [2, -1], 0.5 * 3 + 0.25 * 5, [0.5 + 1, -0.5 - 0.5]],
    ['l1_l2', { l1: 0, l2: 1 }, [3], 9, [6]],
  ] as const)('%s(%j) of %j is %d with gradient %j', (name, args, w, penalty, grad) => {
    const g = new Float64Array(w.length);
    const p = regularize(name as RegularizerName, args as RegularizerArgs[RegularizerName], Float64Array.from(w), g, all(w.length));
    expect(p).toBeCloseTo(penalty, 14);
    g.forEach((x, i) => expect(x).toBeCloseTo(grad[i], 14));
  });

  it('uses the subgradient 0 for |w| at w = 0', () => {
    const g = Float64Array.of(0.25, -0.5);
    expect(l1Penalty(Float64Array.of(0, -0), g, all(2), 3)).toBe(0);
    expect(Array.from(g)).toEqual([0.25, -0.5]);
  });

  it('adds to the existing gradient and only over the given segments', () => {
    const w = Float64Array.of(1, 2, 3, 4);
    const g = Float64Array.of(10, 10, 10, 10);
    const pen = l2Penalty(w, g, [{ offset: 1, length: 2 }], 0.5);
    expect(pen).toBe(0.5 * (4 + 9));
    expect(Array.from(g)).toEqual([10, 12, 13, 10]);
  });

  it('has gradients that match central finite differences of the penalty (off zero for l1)', () => {
    const weights = fc.array(
      fc.double({ min: -5, max: 5, noNaN: true }).filter((x) => Math.abs(x) > 1e-3),
      { minLength: 1, maxLength: 20 },
    );
    fc.assert(
      fc.property(weights, fc.double({ min: 1e-4, max: 2, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), (w, a, b) => {
        const p = Float64Array.from(w);
        const g = new Float64Array(w.length);
        regularize('l1_l2', { l1: a, l2: b }, p, g, all(w.length));
        const h = 1e-6;
        const penaltyAt = (q: Float64Array) => regularize('l1_l2', { l1: a, l2: b }, q, new Float64Array(q.length), all(q.length));
        for (let i = 0; i < w.length; i++) {
          const up = p.slice();
          up[i] += h;
          const down = p.slice();
          down[i] -= h;
          const fd = (penaltyAt(up) - penaltyAt(down)) / (2 * h);
          expect(Math.abs(fd - g[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(g[i])));
        }
      }),
    );
  });

  it('is additive over disjoint segments', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 20 }), fc.nat(), (w, cut) => {
        const k = 1 + (cut % (w.length - 1));
        const p = Float64Array.from(w);
        const whole = l2Penalty(p, new Float64Array(w.length), all(w.length), 0.3) + l1Penalty(p, new Float64Array(w.length), all(w.length), 0.2);
        const segs = [{ offset: 0, length: k }, { offset: k, length: w.length - k }];
        const split = l2Penalty(p, new Float64Array(w.length), segs, 0.3) + l1Penalty(p, new Float64Array(w.length), segs, 0.2);
        expect(split).toBeCloseTo(whole, 10);
      }),
    );
  });

  it('names l1, l2 and l1_l2 with their defaults', () => {
    expect(REGULARIZERS.l1.defaults).toEqual({ a: null });
    expect(REGULARIZERS.l2.defaults).toEqual({ a: null });
    expect(REGULARIZERS.l1_l2.defaults).toEqual({ l1: 0, l2: 0 });
  });
});
