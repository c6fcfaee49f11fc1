import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/io/data-error.js';
import type { Dataset } from '../../../src/train/data/dataset.js';
import { applyNormalization, fitNormalization, normalizationFromJson, normalizationToJson } from '../../../src/train/data/normalize.js';
import { splitDataset } from '../../../src/train/data/split.js';

/** A small seeded generator (mulberry32) standing in for the runtime's RNG. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dataset(labels: number[], features = 1, kind: Dataset['labelKind'] = 'class'): Dataset {
  return {
    x: Float32Array.from({ length: labels.length * features }, (_, i) => i),
    y: Float32Array.from(labels),
    n: labels.length,
    sampleShape: [features],
    sampleSize: features,
    featureNames: Array.from({ length: features }, (_, j) => `f${j}`),
    labelName: 'y',
    labelKind: kind,
    labelSize: 1,
    sourceFile: 'd.csv',
  };
}

describe('splitDataset', () => {
  it('is stratified: every class gives its share, within one sample, and the total is round(f * n)', () => {
    const arb = fc.record({
      labels: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 200 }),
      fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(arb, ({ labels, fraction, seed }) => {
        const total = Math.round(fraction * labels.length);
        fc.pre(total >= 1 && total < labels.length);
        const s = splitDataset(dataset(labels), fraction, seeded(seed));
        expect(s.validation.n).toBe(total);
        expect(s.train.n + s.validation.n).toBe(labels.length);
        for (const c of new Set(labels)) {
          const count = labels.filter((l) => l === c).length;
          const held = Array.from(s.validation.y).filter((l) => l === c).length;
          expect(Math.abs(held - fraction * count)).toBeLessThan(1 + 1e-9);
        }
        const all = [...s.trainIndices, ...s.validationIndices].sort((a, b) => a - b);
        expect(all).toEqual(labels.map((_, i) => i));
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic for a seed, differs between seeds, and keeps file order on both sides', () => {
    const d = dataset(Array.from({ length: 100 }, (_, i) => i % 3));
    const a = splitDataset(d, 0.2, seeded(7));
    const b = splitDataset(d, 0.2, seeded(7));
    const c = splitDataset(d, 0.2, seeded(8));
    expect(Array.from(a.validationIndices)).toEqual(Array.from(b.validationIndices));
    expect(Array.from(a.validationIndices)).not.toEqual(Array.from(c.validationIndices));
    expect(Array.from(a.validationIndices)).toEqual(Array.from(a.validationIndices).sort((p, q) => p - q));
    expect(Array.from(a.validation.x)).toEqual(Array.from(a.validationIndices));
  });

  it('splits regression data without stratifying', () => {
    const s = splitDataset(dataset([0.1, 0.2, 0.3, 0.4, 0.5], 1, 'value'), 0.4, seeded(1));
    expect(s.validation.n).toBe(2);
  });

  it('refuses a split that leaves one side empty', () => {
    expect(() => splitDataset(dataset([0, 1]), 0.1, seeded(1))).toThrowError(DataError);
    try {
      splitDataset(dataset([0, 1]), 0.1, seeded(1));
    } catch (e) {
      expect((e as DataError).message).toBe('validation split 0.1 of 2 samples leaves 2 for training and 0 for validation; both need at least one');
    }
  });
});

describe('normalization', () => {
  const table = fc.integer({ min: 1, max: 4 }).chain((f) =>
    fc.record({ f: fc.constant(f), values: fc.array(fc.integer({ min: -1e6, max: 1e6 }).map((v) => v / 1000), { minLength: 2 * f, maxLength: 40 * f }) }),
  );
  const asData = (values: number[], f: number): Dataset => {
    const n = Math.floor(values.length / f);
    return { ...dataset(Array(n).fill(0), f), x: Float32Array.from(values.slice(0, n * f)) };
  };

  it('standardize gives mean 0 and population std 1 for every non-constant feature, and centres constant ones', () => {
    fc.assert(
      fc.property(table, ({ f, values }) => {
        const d = asData(values, f);
        const stats = fitNormalization('standardize', d);
        const out = applyNormalization(stats, d);
        for (let j = 0; j < f; j++) {
          const col = Array.from({ length: d.n }, (_, i) => out.x[i * f + j]!);
          const mean = col.reduce((a, b) => a + b, 0) / d.n;
          const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / d.n);
          if (stats.kind !== 'standardize') return;
          // float32 inputs carry a relative error of 2^-24, magnified by |x| / std after scaling
          const largest = Math.max(...Array.from({ length: d.n }, (_, i) => Math.abs(d.x[i * f + j]!)));
          const tolerance = 1e-4 + (8 * 2 ** -24 * largest) / (stats.std[j]! || 1);
          expect(Math.abs(mean)).toBeLessThan(tolerance);
          if (stats.std[j]! > 0) expect(Math.abs(std - 1)).toBeLessThan(tolerance);
          if (stats.kind === 'standardize' && stats.std[j] === 0) {
            expect(col).toEqual(Array.from({ length: d.n }, (_, i) => Math.fround(d.x[i * f + j]! - stats.mean[j]!)));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('uses the population standard deviation (divide by n)', () => {
    const stats = fitNormalization('standardize', { ...dataset([0, 0, 0, 0]), x: Float32Array.from([2, 4, 4, 6]) });
    expect(stats).toMatchObject({ kind: 'standardize' });
    if (stats.kind === 'standardize') expect([stats.mean[0], stats.std[0]]).toEqual([4, Math.fround(Math.sqrt(2))]);
  });

  it('minmax maps the training range to [0, 1] and a constant feature to 0', () => {
    const d = { ...dataset([0, 0, 0], 2), x: Float32Array.from([1, 5, 3, 5, 5, 5]) };
    const out = applyNormalization(fitNormalization('minmax', d), d);
    expect(Array.from(out.x)).toEqual([0, 0, 0.5, 0, 1, 0]);
  });

  it('round-trips its statistics through the JSON stored with the weights', () => {
    const d = { ...dataset([0, 0, 0], 2), x: Float32Array.from([0.1, 5, 3.3, 5, 5.7, 5]) };
    for (const kind of ['standardize', 'minmax', 'none'] as const) {
      const stats = fitNormalization(kind, d);
      expect(normalizationFromJson(normalizationToJson(stats), 'w.safetensors')).toEqual(stats);
    }
  });

  it('rejects statistics for a different number of features, and malformed statistics JSON', () => {
    const stats = fitNormalization('minmax', dataset([0, 0], 3));
    expect(() => applyNormalization(stats, dataset([0], 2))).toThrowError('the normalization statistics cover 3 features but the data has 2');
    expect(() => normalizationFromJson('{"kind":"standardize","mean":[1],"std":"x"}', 'w.safetensors')).toThrowError(`metadata entry 'nn.normalization' is not valid: "std" must be an array of numbers`);
  });
});
