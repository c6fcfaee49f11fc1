import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKernels } from '../../../src/runtime/kernels/index.js';
import type { Gemm } from '../../../src/runtime/kernels/index.js';
import { RUNS, values } from '../arbitraries.js';

const k = createKernels('float64');

/** C = op(A)·op(B) by the definition, element (i, j) as a dot product. */
function reference(kind: 'NN' | 'TN' | 'NT', m: number, n: number, kk: number, a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < kk; p++) {
        const av = kind === 'TN' ? a[p * m + i] : a[i * kk + p];
        const bv = kind === 'NT' ? b[j * kk + p] : b[p * n + j];
        s += av * bv;
      }
      c[i * n + j] = s;
    }
  }
  return c;
}

const kinds: [string, 'NN' | 'TN' | 'NT', Gemm][] = [
  ['A·B', 'NN', k.gemmNN],
  ['Aᵀ·B', 'TN', k.gemmTN],
  ['A·Bᵀ', 'NT', k.gemmNT],
];

describe('blocked matrix products', () => {
  it.each(kinds)('%s equals the dot-product definition on random shapes, offsets and accumulation', (_n, kind, gemm) => {
    const shapes = fc.record({
      m: fc.integer({ min: 1, max: 70 }), n: fc.integer({ min: 1, max: 70 }), k: fc.integer({ min: 0, max: 300 }),
      aOff: fc.nat(3), bOff: fc.nat(3), cOff: fc.nat(3), accumulate: fc.boolean(),
    });
    fc.assert(
      fc.property(
        shapes.chain((s) => fc.tuple(fc.constant(s), values(s.m * s.k + s.aOff), values(s.k * s.n + s.bOff), values(s.m * s.n + s.cOff))),
        ([s, a, b, c0]) => {
          const c = c0.slice();
          const pack = new Float64Array(k.packSize(s.m, s.n, s.k) + 5).fill(Number.NaN);
          gemm(s.m, s.n, s.k, a, s.aOff, b, s.bOff, c, s.cOff, s.accumulate, pack, 5);
          const want = reference(kind, s.m, s.n, s.k, a.subarray(s.aOff), b.subarray(s.bOff));
          expect(Array.from(c.subarray(0, s.cOff))).toEqual(Array.from(c0.subarray(0, s.cOff)));
          let worst = 0;
          for (let i = 0; i < want.length; i++) {
            const expected = want[i] + (s.accumulate ? c0[s.cOff + i] : 0);
            worst = Math.max(worst, Math.abs(c[s.cOff + i] - expected) / (1 + Math.abs(expected)));
          }
          expect(worst).toBeLessThan(1e-9);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each([
    // 30×1030×17 and 67×1029×260 cross a column block on the packed path (the shapes of a tiny
    // depth or a thin A·Bᵀ take the unpacked tiles)
    [1, 1, 1], [16, 16, 4], [4, 4, 1024], [3, 1030, 5], [67, 1029, 9], [130, 6, 520], [30, 1030, 17], [67, 1029, 260],
  ])('gives the definition on %i×%i×%i, across the direct-loop threshold and every block edge', (m, n, kk) => {
    const a = Float64Array.from({ length: m * kk }, (_, i) => Math.sin(i * 0.7));
    const b = Float64Array.from({ length: kk * n }, (_, i) => Math.cos(i * 0.3));
    for (const [, kind, gemm] of kinds) {
      const c = new Float64Array(m * n).fill(1);
      gemm(m, n, kk, a, 0, b, 0, c, 0, true, new Float64Array(k.packSize(m, n, kk)), 0);
      const want = reference(kind, m, n, kk, a, b);
      for (let i = 0; i < want.length; i++) expect(Math.abs(c[i] - 1 - want[i])).toBeLessThan(1e-9 * (1 + Math.abs(want[i])));
    }
  });

  it('computes in float32 to float32 precision', () => {
    const k32 = createKernels('float32');
    const m = 33, n = 17, kk = 513;
    const a = Float32Array.from({ length: m * kk }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: kk * n }, (_, i) => Math.cos(i));
    const c = new Float32Array(m * n);
    k32.gemmNN(m, n, kk, a, 0, b, 0, c, 0, false, new Float32Array(k32.packSize(m, n, kk)), 0);
    const want = reference('NN', m, n, kk, Float64Array.from(a), Float64Array.from(b));
    for (let i = 0; i < want.length; i++) expect(Math.abs(c[i] - want[i])).toBeLessThan(1e-4 * (1 + Math.abs(want[i])));
  });
});
