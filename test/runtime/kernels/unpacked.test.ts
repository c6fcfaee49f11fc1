import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKernels } from '../../../src/runtime/kernels/index.js';
import type { Gemm } from '../../../src/runtime/kernels/index.js';
import { unpackedProduct } from '../../../src/runtime/kernels/unpacked.js';
import { RUNS } from '../arbitraries.js';

/** `n` values in [-4, 4] on a grid of 1/16: never vanishingly small, so a dropped term shows. */
function gridValues(n: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.integer({ min: -64, max: 64 }), { minLength: n, maxLength: n })
    .map((a) => Float64Array.from(a, (v) => v / 16));
}

/** Where element (i, p) of an `rows×cols` operand lies: row-major, or stored transposed. */
function strides(transposed: boolean, rows: number, cols: number, pad: number): [number, number] {
  return transposed ? [1, rows + pad] : [cols + pad, 1];
}

describe('unpacked register-blocked products', () => {
  it('equal the dot-product definition for every layout, edge width, leading dimension and offset', () => {
    const cases = fc.record({
      m: fc.integer({ min: 1, max: 13 }), n: fc.integer({ min: 1, max: 13 }), k: fc.integer({ min: 0, max: 40 }),
      aT: fc.boolean(), bT: fc.boolean(), padA: fc.nat(2), padB: fc.nat(2), padC: fc.nat(2),
      aOff: fc.nat(3), bOff: fc.nat(3), cOff: fc.nat(3), add: fc.boolean(),
    });
    fc.assert(
      fc.property(
        cases.chain((s) => {
          const [rsA, csA] = strides(s.aT, s.m, s.k, s.padA);
          const [rsB, csB] = strides(s.bT, s.k, s.n, s.padB);
          const ldc = s.n + s.padC;
          const sizeA = s.aOff + (s.aT ? (s.m + s.padA) * s.k : s.m * (s.k + s.padA));
          const sizeB = s.bOff + (s.bT ? (s.k + s.padB) * s.n : s.k * (s.n + s.padB));
          return fc.tuple(
            fc.constant({ ...s, rsA, csA, rsB, csB, ldc }),
            gridValues(sizeA), gridValues(sizeB), gridValues(s.cOff + s.m * ldc),
          );
        }),
        ([s, a, b, c0]) => {
          const c = c0.slice();
          unpackedProduct(s.m, s.n, s.k, a, s.aOff, s.rsA, s.csA, b, s.bOff, s.rsB, s.csB, c, s.cOff, s.ldc, s.add);
          for (let q = 0; q < c.length; q++) {
            const i = Math.floor((q - s.cOff) / s.ldc), j = (q - s.cOff) - i * s.ldc;
            if (q < s.cOff || j >= s.n) {
              expect(c[q]).toBe(c0[q]);
              continue;
            }
            let want = s.add ? c0[q] : 0;
            for (let p = 0; p < s.k; p++) want += a[s.aOff + i * s.rsA + p * s.csA] * b[s.bOff + p * s.rsB + j * s.csB];
            expect(Math.abs(c[q] - want)).toBeLessThan(1e-12 * (1 + s.k));
          }
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  const k = createKernels('float64');
  const routes: [string, 'NN' | 'TN' | 'NT', Gemm, fc.Arbitrary<[number, number, number]>][] = [
    // deep enough products of a tiny depth: past the direct loop, at or below the unpacked depth
    ['A·B of a tiny depth', 'NN', k.gemmNN, fc.tuple(fc.integer({ min: 1, max: 19 }), fc.integer({ min: 1100, max: 1700 }), fc.integer({ min: 1, max: 16 }))],
    ['Aᵀ·B of a tiny depth', 'TN', k.gemmTN, fc.tuple(fc.integer({ min: 1100, max: 1700 }), fc.integer({ min: 1, max: 19 }), fc.integer({ min: 1, max: 16 }))],
    ['thin A·Bᵀ with few columns', 'NT', k.gemmNT, fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 700, max: 1600 }))],
    ['thin A·Bᵀ with few rows', 'NT', k.gemmNT, fc.tuple(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 700, max: 1600 }))],
  ];

  it.each(routes)('serve the gemm for %s, matching the definition', (_name, kind, gemm, shape) => {
    fc.assert(
      fc.property(shape, fc.boolean(), fc.integer({ min: 1, max: 1000 }), ([m, n, kk], accumulate, seed) => {
        const a = Float64Array.from({ length: m * kk }, (_, i) => Math.sin(seed + i * 0.7));
        const b = Float64Array.from({ length: kk * n }, (_, i) => Math.cos(seed + i * 0.3));
        const c = Float64Array.from({ length: m * n }, (_, i) => Math.sin(i));
        gemm(m, n, kk, a, 0, b, 0, c, 0, accumulate, new Float64Array(k.packSize(m, n, kk)), 0);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let want = accumulate ? Math.sin(i * n + j) : 0;
            for (let p = 0; p < kk; p++) {
              const av = kind === 'TN' ? a[p * m + i] : a[i * kk + p];
              const bv = kind === 'NT' ? b[j * kk + p] : b[p * n + j];
              want += av * bv;
            }
            expect(Math.abs(c[i * n + j] - want)).toBeLessThan(1e-11 * (1 + kk));
          }
        }
      }),
      { numRuns: 8 },
    );
  });
});
