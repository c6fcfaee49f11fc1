import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { calculateFans, calculateGain, errorFunction as erf, inverseErrorFunction as erfinv, initialize, INITIALIZERS, isInitName, resolveInitArgs, type InitName } from '../../src/runtime/init.js';
import { createRng } from '../../src/runtime/random.js';

describe('fans and gains as torch.nn.init', () => {
  it.each([
    [[10, 4], 4, 10],
    [[8, 3, 5, 5], 75, 200],
    [[6, 2, 3], 6, 18],
    [[1, 1], 1, 1],
  ])('a weight of shape %j has fan_in %i and fan_out %i', (shape, fanIn, fanOut) => {
    expect(calculateFans(shape)).toEqual({ fanIn, fanOut });
  });

  it('refuses fans for tensors of fewer than 2 dimensions, like torch', () => {
    expect(() => calculateFans([5])).toThrow(RangeError);
    expect(() => initialize('he_normal', {}, [5], new Float32Array(5), 0, createRng(1))).toThrow(RangeError);
    expect(() => initialize('orthogonal', {}, [5], new Float32Array(5), 0, createRng(1))).toThrow(RangeError);
  });

  it.each([
    ['linear', undefined, 1],
    ['conv2d', undefined, 1],
    ['sigmoid', undefined, 1],
    ['tanh', undefined, 5 / 3],
    ['relu', undefined, Math.sqrt(2)],
    ['leaky_relu', undefined, Math.sqrt(2 / (1 + 0.01 ** 2))],
    ['leaky_relu', 0.2, Math.sqrt(2 / 1.04)],
    ['selu', undefined, 0.75],
  ] as const)('calculate_gain(%s, %s) is %d', (name, param, gain) => {
    expect(calculateGain(name, param)).toBeCloseTo(gain, 15);
  });
});

describe('errorFunction (erf) and inverseErrorFunction (erfinv)', () => {
  it.each([
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [2.9, 0.9999589021219005],
    [3.5, 0.9999992569016276],
    [-1.3, -0.9340079449406524],
  ])('erf(%d) matches Python math.erf to 1e-14', (x, y) => {
    expect(Math.abs(erf(x) - y)).toBeLessThan(1e-14);
  });

  it.each([
    [-0.9, -1.1630871536766743],
    [-0.5, -0.4769362762044699],
    [0.1, 0.08885599049425769],
    [0.7, 0.7328690779592169],
    [0.95, 1.385903824349678],
    [0.999, 2.3267537655135153],
  ])('erfinv(%d) matches torch.erfinv in float64 to 1e-13', (y, x) => {
    expect(Math.abs(erfinv(y) - x)).toBeLessThan(1e-13);
  });

  it('inverts erf', () => {
    fc.assert(
      fc.property(fc.double({ min: -4, max: 4, noNaN: true }), (x) => {
        expect(Math.abs(erfinv(erf(x)) - x)).toBeLessThan(1e-9 * Math.max(1, Math.abs(x) ** 3));
      }),
    );
  });
});

/** Sample mean, variance, min and max of `n` draws of `name(args)` on `shape`. */
function moments(name: InitName, args: object, shape: number[], seed: number) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  initialize(name, args, shape, out, 0, createRng(seed));
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of out) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / n;
  let sq = 0;
  for (const v of out) sq += (v - mean) * (v - mean);
  return { n, mean, variance: sq / n, min, max };
}

/** The expected distribution of each random initializer: mean, std, uniform bound or truncation. */
type Expectation = { mean: number; std: number; kind: 'normal' | 'uniform' | 'truncated'; bound?: number };

const shapeArb = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 })).map(([o, i]) => [o, i]),
  fc.tuple(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 5 })).map(([o, i, k]) => [o, i, k, k]),
).filter((s) => s.reduce((a, b) => a * b, 1) >= 2000);

const cases: Array<[InitName, object, (fanIn: number, fanOut: number) => Expectation]> = [
  ['normal', { mean: 0.3, std: 0.2 }, () => ({ mean: 0.3, std: 0.2, kind: 'normal' })],
  ['uniform', { low: -0.1, high: 0.3 }, () => ({ mean: 0.1, std: 0.4 / Math.sqrt(12), kind: 'uniform', bound: 0.2 })],
  // Truncation at ±2σ leaves variance σ²(1 − 4φ(2)/(Φ(2) − Φ(−2))) = 0.7737413σ².
  ['truncated_normal', { mean: -1, std: 0.5 }, () => ({ mean: -1, std: 0.5 * Math.sqrt(0.7737413), kind: 'truncated', bound: 1 })],
  ['xavier_normal', { gain: 2 }, (fi, fo) => ({ mean: 0, std: 2 * Math.sqrt(2 / (fi + fo)), kind: 'normal' })],
  ['xavier_uniform', {}, (fi, fo) => ({ mean: 0, std: Math.sqrt(2 / (fi + fo)), kind: 'uniform', bound: Math.sqrt(6 / (fi + fo)) })],
  ['he_normal', {}, (fi) => ({ mean: 0, std: Math.sqrt(2 / fi), kind: 'normal' })],
  ['he_uniform', {}, (fi) => ({ mean: 0, std: Math.sqrt(2 / fi), kind: 'uniform', bound: Math.sqrt(6 / fi) })],
  ['lecun_normal', {}, (fi) => ({ mean: 0, std: 1 / Math.sqrt(fi), kind: 'normal' })],
  ['lecun_uniform', {}, (fi) => ({ mean: 0, std: 1 / Math.sqrt(fi), kind: 'uniform', bound: Math.sqrt(3 / fi) })],
];

describe('random initializers over large draws', () => {
  it.each(cases)('%s matches its mean, variance and bounds for random fan sizes', (name, args, expect_) => {
    fc.assert(
      fc.property(shapeArb, fc.nat(), (shape, seed) => {
        const { fanIn, fanOut } = calculateFans(shape);
        const e = expect_(fanIn, fanOut);
        const m = moments(name, args, shape, seed);
        const z = 5; // a 5-sigma band: a false alarm about once in 1.7 million
        expect(Math.abs(m.mean - e.mean)).toBeLessThan((z * e.std) / Math.sqrt(m.n));
        // Var(s²) ≈ (μ4 − σ⁴)/n: 2σ⁴ for a normal, 0.8σ⁴ for a uniform, less than 2σ⁴ truncated.
        const excess = e.kind === 'uniform' ? 0.8 : 2;
        expect(Math.abs(m.variance - e.std ** 2)).toBeLessThan(z * e.std ** 2 * Math.sqrt(excess / m.n) + 1e-12);
        if (e.bound !== undefined) {
          const centre = e.mean;
          expect(m.min).toBeGreaterThanOrEqual(centre - e.bound);
          expect(m.max).toBeLessThanOrEqual(centre + e.bound);
          // With >= 2000 draws the extremes come close to the bounds.
          expect(m.max).toBeGreaterThan(centre + 0.9 * e.bound);
          expect(m.min).toBeLessThan(centre - 0.9 * e.bound);
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('deterministic initializers and the entry point', () => {
  it('fills zeros, ones and constants without touching the rest of the buffer', () => {
    const out = new Float32Array(10).fill(7);
    initialize('zeros', {}, [2, 2], out, 1, createRng(0));
    initialize('ones', {}, [3], out, 5, createRng(0));
    initialize('constant', { value: -2.5 }, [1, 1], out, 9, createRng(0));
    expect(Array.from(out)).toEqual([7, 0, 0, 0, 0, 1, 1, 1, 7, -2.5]);
    expect(() => initialize('constant', {}, [1], out, 0, createRng(0))).toThrow(/value/);
    expect(() => initialize('zeros', {}, [4], out, 8, createRng(0))).toThrow(RangeError);
  });

  it('has an entry with defaults for every initializer of the contract', () => {
    expect(Object.keys(INITIALIZERS).sort()).toEqual(
      ['constant', 'he_normal', 'he_uniform', 'lecun_normal', 'lecun_uniform', 'normal', 'ones', 'orthogonal', 'truncated_normal', 'uniform', 'xavier_normal', 'xavier_uniform', 'zeros'].sort(),
    );
    expect(resolveInitArgs('normal', {})).toEqual({ mean: 0, std: 0.05 });
    expect(resolveInitArgs('uniform', {})).toEqual({ low: -0.05, high: 0.05 });
    expect(resolveInitArgs('truncated_normal', {})).toEqual({ mean: 0, std: 0.05 });
    expect(resolveInitArgs('orthogonal', {})).toEqual({ gain: 1 });
    expect(isInitName('xavier_uniform')).toBe(true);
    expect(isInitName('glorot_uniform')).toBe(false);
  });

  it('gives the same values for the same seed and different values for different streams', () => {
    for (const name of ['normal', 'he_uniform', 'truncated_normal', 'orthogonal'] as const) {
      const a = new Float32Array(60);
      const b = new Float32Array(60);
      const c = new Float32Array(60);
      initialize(name, {}, [6, 10], a, 0, createRng(42).fork(0));
      initialize(name, {}, [6, 10], b, 0, createRng(42).fork(0));
      initialize(name, {}, [6, 10], c, 0, createRng(42).fork(1));
      expect(Array.from(b)).toEqual(Array.from(a));
      expect(Array.from(c)).not.toEqual(Array.from(a));
    }
  });
});

describe('orthogonal as torch.nn.init.orthogonal_', () => {
  const dims = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }));

  it('gives Qᵀ Q = gain² I (columns if rows >= cols, else rows) for conv and dense shapes', () => {
    fc.assert(
      fc.property(dims, fc.double({ min: 0.1, max: 3, noNaN: true }), fc.nat(), ([rows, inCh, k], gain, seed) => {
        const shape = k === 1 ? [rows, inCh * 3] : [rows, inCh, k, k];
        const cols = shape.slice(1).reduce((a, b) => a * b, 1);
        const w = new Float64Array(rows * cols);
        initialize('orthogonal', { gain }, shape, w, 0, createRng(seed));
        const tall = rows >= cols;
        const r = tall ? cols : rows;
        for (let a = 0; a < r; a++) {
          for (let b = 0; b < r; b++) {
            let dot = 0;
            if (tall) for (let i = 0; i < rows; i++) dot += w[i * cols + a] * w[i * cols + b];
            else for (let j = 0; j < cols; j++) dot += w[a * cols + j] * w[b * cols + j];
            expect(Math.abs(dot - (a === b ? gain * gain : 0))).toBeLessThan(1e-12 * gain * gain * Math.max(rows, cols));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is the QR factor with a positive diagonal of R computed from the same normal draws', () => {
    // torch: A ~ N(0,1) of [rows, cols] (transposed when rows < cols) = QR, W = Q·sign(diag R).
    // That factor is unique, so Wᵀ A must be upper triangular with a positive diagonal.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(), (rows, cols, seed) => {
        const w = new Float64Array(rows * cols);
        initialize('orthogonal', {}, [rows, cols], w, 0, createRng(seed));
        const rng = createRng(seed);
        const a = Array.from({ length: rows * cols }, () => rng.normal());
        const tall = rows >= cols;
        const m = tall ? rows : cols;
        const n = tall ? cols : rows;
        const A = (i: number, j: number) => (tall ? a[i * cols + j] : a[j * cols + i]);
        const Q = (i: number, j: number) => (tall ? w[i * cols + j] : w[j * cols + i]);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let rij = 0;
            for (let k = 0; k < m; k++) rij += Q(k, i) * A(k, j);
            if (i > j) expect(Math.abs(rij)).toBeLessThan(1e-10);
            if (i === j) expect(rij).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
