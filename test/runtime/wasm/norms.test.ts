import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm, PLAIN_CLIP_KERNELS } from '../../../src/runtime/clip.js';
import { layerSquaredSums, layerSquaredSumsFloats, NORM_KERNEL_FLOATS, normKernels } from '../../../src/runtime/wasm/norms.js';
import { RUNS } from '../arbitraries.js';
import { testArena, type Arena } from './arena.js';

const kernels = (): Arena => testArena(1);

const f32 = (range: number) => fc.double({ min: -range, max: range, noNaN: true }).map(Math.fround);

describe('clipping loops in WebAssembly SIMD', () => {
  const segment = fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.record({
      data: fc.array(f32(3), { minLength: n, maxLength: n }),
      offset: fc.integer({ min: 0, max: n - 1 }),
    }).chain(({ data, offset }) => fc.record({ data: fc.constant(data), offset: fc.constant(offset), length: fc.integer({ min: 0, max: n - offset }) })),
  );

  it('sums squares as the plain loop does, to float64 rounding, over any range', () => {
    const k = kernels();
    const nk = normKernels(k, (n) => k.alloc(n));
    fc.assert(
      fc.property(segment, ({ data, offset, length }) => {
        const buf = k.alloc(data.length);
        buf.set(data);
        const want = PLAIN_CLIP_KERNELS.sumSquares(buf, offset, length);
        // every square is exact in float64; only the additions round (≤ 2⁻⁵³ each, ≤ 40 of them)
        expect(Math.abs(nk.sumSquares(buf, offset, length) - want)).toBeLessThanOrEqual(want * 40 * 2 ** -53);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('scales any range by the factor rounded to float32, leaving the rest untouched', () => {
    const k = kernels();
    const nk = normKernels(k, (n) => k.alloc(n));
    fc.assert(
      fc.property(segment, fc.double({ min: 0, max: 1, noNaN: true }), ({ data, offset, length }, factor) => {
        const buf = k.alloc(data.length);
        buf.set(data);
        nk.scale(buf, offset, length, factor);
        const f = Math.fround(factor);
        data.forEach((x, i) => expect(buf[i]).toBe(i >= offset && i < offset + length ? Math.fround(x * f) : x));
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('runs the plain loops on arrays outside its memory and on float64 arrays', () => {
    const k = kernels();
    const nk = normKernels(k, (n) => k.alloc(n));
    const f64 = Float64Array.of(1, 2, 3), f32a = Float32Array.of(1, 2, 3);
    expect(nk.sumSquares(f64, 0, 3)).toBe(14);
    expect(nk.sumSquares(f32a, 1, 2)).toBe(13);
    nk.scale(f64, 0, 3, 0.1);
    expect(Array.from(f64)).toEqual([0.1, 0.2, 0.30000000000000004]);
    // a table without a memory gets the plain loops, and still the same share of its allocator
    let taken = 0;
    expect(normKernels({}, (n) => new Float32Array((taken += n)))).toBe(PLAIN_CLIP_KERNELS);
    expect(taken).toBe(NORM_KERNEL_FLOATS);
  });

  it('clips by the global norm as the plain loops do, to float32 rounding', () => {
    const k = kernels();
    const nk = normKernels(k, (n) => k.alloc(n));
    const data = Array.from({ length: 37 }, (_, i) => Math.fround(Math.sin(i) * 3));
    const a = k.alloc(37), b = Float32Array.from(data);
    a.set(data);
    const segs = [{ offset: 0, length: 10 }, { offset: 12, length: 25 }];
    const ta = clipByGlobalNorm(a, 1, segs, nk), tb = clipByGlobalNorm(b, 1, segs);
    expect(Math.abs(ta - tb)).toBeLessThanOrEqual(1e-15 * tb);
    a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThanOrEqual(2 ** -23 * Math.abs(b[i])));
    // the gap (10, 11) is not part of any segment and keeps its values
    expect([a[10], a[11]]).toEqual([data[10], data[11]]);
  });

  it('writes every layer\'s sum of squares in one call, as the plain loop sums to float64 rounding', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 1000 }), (lengths, seed) => {
        const k = kernels();
        const total = lengths.reduce((a, b) => a + b, 0);
        const g = k.alloc(total + 1);
        g.forEach((_, i) => (g[i] = Math.fround(Math.sin(seed + i) * 3)));
        const segments = lengths.map((len, i) => [1 + lengths.slice(0, i).reduce((a, b) => a + b, 0), len] as const);
        const sums = layerSquaredSums(k, (n) => k.alloc(n), g.subarray(0, total + 1), segments);
        const out = new Float64Array(lengths.length);
        sums?.(out);
        segments.forEach(([o, len], i) => {
          const want = PLAIN_CLIP_KERNELS.sumSquares(g, o, len);
          expect(Math.abs(out[i] - want)).toBeLessThanOrEqual(want * 40 * 2 ** -53);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('has no layer sums for gradients outside its memory, and takes its cells from the allocator anyway', () => {
    const k = kernels();
    let taken = 0;
    const alloc = (n: number) => ((taken += n), k.alloc(n));
    expect(layerSquaredSums(k, alloc, new Float32Array(8), [[0, 8]])).toBeNull();
    expect(taken).toBe(layerSquaredSumsFloats(1));
    expect(layerSquaredSumsFloats(3)).toBe(8);
  });
});
