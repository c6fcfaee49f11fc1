import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createRng, rngFromState, rngStateFromArray, rngStateToArray } from '../../src/runtime/random.js';

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: number[], total: number): number {
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + ((c - expected) * (c - expected)) / expected, 0);
}

describe('PCG32 generator', () => {
  it('reproduces the published pcg32-demo outputs for initstate 42, initseq 54', () => {
    const rng = createRng(42, 54);
    const got = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(got).toEqual([0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]);
  });

  it('matches a big-integer transcription of pcg32_srandom_r for seeds above 2^32 and negative seeds', () => {
    // Values printed by a Python transcription of the reference C code (arbitrary-precision ints).
    const big = createRng(2 ** 40 + 7, 3);
    expect(Array.from({ length: 5 }, () => big.nextUint32())).toEqual([
      76675741, 3301988133, 2284996480, 649867358, 3469606507,
    ]);
    const neg = createRng(-5);
    expect(Array.from({ length: 3 }, () => neg.nextUint32())).toEqual([596843232, 3725120361, 514057470]);
  });

  it('gives the same draws for the same seed and different draws for different seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        const c = createRng(seed + 1);
        const da = Array.from({ length: 8 }, () => a.uniform());
        expect(Array.from({ length: 8 }, () => b.uniform())).toEqual(da);
        expect(Array.from({ length: 8 }, () => c.uniform())).not.toEqual(da);
      }),
      { numRuns: 50 },
    );
  });

  it('draws uniform values in [0, 1) that pass a chi-square test over 100 buckets', () => {
    const rng = createRng(7);
    const counts = new Array<number>(100).fill(0);
    const n = 200_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      counts[Math.floor(u * 100)]++;
    }
    expect(outside).toBe(0);
    // 99 degrees of freedom: the 0.999 quantile is 148.2.
    expect(chiSquare(counts, n)).toBeLessThan(148.2);
  });

  it('draws integers below n without bias (chi-square over n buckets, n not a power of two)', () => {
    const rng = createRng(11);
    for (const n of [3, 7, 10, 1000]) {
      const counts = new Array<number>(n).fill(0);
      const total = n * 200;
      for (let i = 0; i < total; i++) counts[rng.intBelow(n)]++;
      // Wilson-Hilferty approximation of the 0.9999 chi-square quantile.
      const df = n - 1;
      const z = 3.719;
      const q = df * Math.pow(1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df)), 3);
      expect(chiSquare(counts, total)).toBeLessThan(q);
    }
    expect(() => rng.intBelow(0)).toThrow(RangeError);
  });

  it('covers the full range of intBelow(2^32) and intBelow(1) is always 0', () => {
    const rng = createRng(5);
    for (let i = 0; i < 100; i++) expect(rng.intBelow(1)).toBe(0);
    let max = 0;
    for (let i = 0; i < 1000; i++) max = Math.max(max, rng.intBelow(2 ** 32));
    expect(max).toBeGreaterThan(2 ** 31);
  });

  it('draws standard normals with mean 0, variance 1 and normal tail frequencies', () => {
    const rng = createRng(3);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // P(|Z| > 2) = 0.0455003
    const p = 0.0455003;
    expect(Math.abs(beyond2 / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('shuffles into a permutation, each of the 6 orders of 3 items about equally often', () => {
    const rng = createRng(9);
    const counts = new Map<string, number>();
    const total = 60_000;
    for (let i = 0; i < total; i++) {
      const idx = Int32Array.from([0, 1, 2]);
      rng.shuffle(idx);
      const key = Array.from(idx).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // 5 degrees of freedom: the 0.9999 quantile is 25.7.
    expect(chiSquare([...counts.values()], total)).toBeLessThan(25.7);
  });

  it('keeps every element when shuffling arrays of any length', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), fc.nat(), (items, seed) => {
        const copy = items.slice();
        createRng(seed).shuffle(copy);
        expect(copy.slice().sort((a, b) => a - b)).toEqual(items.slice().sort((a, b) => a - b));
      }),
    );
  });

  it('continues bit-identically after a state save and restore, including a pending normal spare', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 20 }), (seed, warm) => {
        const rng = createRng(seed);
        for (let i = 0; i < warm; i++) rng.uniform();
        rng.normal(); // leaves a spare pending
        const saved = JSON.parse(JSON.stringify(rng.getState()));
        const expected = [rng.normal(), rng.normal(), rng.uniform(), rng.nextUint32(), rng.intBelow(17)];
        const resumed = rngFromState(saved);
        expect([resumed.normal(), resumed.normal(), resumed.uniform(), resumed.nextUint32(), resumed.intBelow(17)]).toEqual(expected);
        const fromArray = rngFromState(rngStateFromArray(rngStateToArray(saved)));
        expect([fromArray.normal(), fromArray.normal(), fromArray.uniform()]).toEqual(expected.slice(0, 3));
        const overwritten = createRng(seed + 1);
        overwritten.setState(saved);
        expect(overwritten.normal()).toBe(expected[0]);
      }),
      { numRuns: 50 },
    );
  });

  it('forks independent streams that do not advance the parent and differ from each other', () => {
    const parent = createRng(42);
    const before = parent.getState();
    const init = parent.fork(0);
    const dropout = parent.fork(1);
    expect(parent.getState()).toEqual(before);
    const a = Array.from({ length: 16 }, () => init.nextUint32());
    const b = Array.from({ length: 16 }, () => dropout.nextUint32());
    expect(a).not.toEqual(b);
    // Drawing from the dropout stream never changes the init stream.
    const init2 = createRng(42).fork(0);
    expect(Array.from({ length: 16 }, () => init2.nextUint32())).toEqual(a);
    // Streams look uncorrelated: sign agreement of centred draws is near one half.
    const x = createRng(1).fork(0);
    const y = createRng(1).fork(1);
    let agree = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (x.uniform() < 0.5 === y.uniform() < 0.5) agree++;
    expect(Math.abs(agree / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });
});
