import { DataError } from '../../io/data-error.js';
import type { Dataset } from './dataset.js';

/** `normalize:` in a `train` block. */
export type NormalizationKind = 'standardize' | 'minmax' | 'none';

/**
 * Per-feature statistics of the training split: plain data, saved with the weights (as JSON in
 * the `nn.normalization` metadata entry) and applied unchanged to validation, eval and predict
 * data. Features are the elements of one sample (each pixel of an image is its own feature).
 */
export type NormalizationStats =
  | { readonly kind: 'none'; readonly features: number }
  | { readonly kind: 'standardize'; readonly mean: Float32Array; readonly std: Float32Array }
  | { readonly kind: 'minmax'; readonly min: Float32Array; readonly max: Float32Array };

/**
 * Computes the statistics of `data` (the training split only). `standardize`: the mean and the
 * POPULATION standard deviation (divide by n, as NumPy's default and scikit-learn's
 * StandardScaler), accumulated in float64 and stored as float32. `minmax`: each feature's
 * minimum and maximum.
 */
export function fitNormalization(kind: NormalizationKind, data: Dataset): NormalizationStats {
  const { n, sampleSize: f, x } = data;
  if (kind === 'none') return { kind, features: f };
  if (kind === 'minmax') {
    const min = new Float32Array(f).fill(Infinity);
    const max = new Float32Array(f).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        const v = x[i * f + j]!;
        if (v < min[j]!) min[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    }
    return { kind, min, max };
  }
  const sum = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) sum[j]! += x[i * f + j]!;
  const mean64 = sum.map((s) => s / n);
  const squares = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const d = x[i * f + j]! - mean64[j]!;
      squares[j]! += d * d;
    }
  }
  return { kind, mean: Float32Array.from(mean64), std: Float32Array.from(squares, (s) => Math.sqrt(s / n)) };
}

/** The number of features the statistics describe. */
export function normalizationFeatures(stats: NormalizationStats): number {
  return stats.kind === 'none' ? stats.features : stats.kind === 'standardize' ? stats.mean.length : stats.min.length;
}

/**
 * Applies the statistics to a data set and returns the normalized copy (`none`: the same
 * data). standardize: (x - mean) / std, or only x - mean where std is 0. minmax:
 * (x - min) / (max - min), or 0 where max equals min. Values outside the training range are
 * not clipped.
 */
export function applyNormalization(stats: NormalizationStats, data: Dataset): Dataset {
  const f = data.sampleSize;
  const expected = normalizationFeatures(stats);
  if (expected !== f) throw new DataError('NN6041', { file: data.sourceFile }, { expected, found: f });
  if (stats.kind === 'none') return data;
  const x = new Float32Array(data.x.length);
  const [shift, scale] = stats.kind === 'standardize' ? [stats.mean, stats.std] : [stats.min, rangeOf(stats.min, stats.max)];
  for (let i = 0; i < data.n; i++) {
    for (let j = 0; j < f; j++) {
      const s = scale[j]!;
      const centred = data.x[i * f + j]! - shift[j]!;
      x[i * f + j] = s === 0 ? (stats.kind === 'minmax' ? 0 : centred) : centred / s;
    }
  }
  return { ...data, x };
}

function rangeOf(min: Float32Array, max: Float32Array): Float64Array {
  return Float64Array.from(min, (lo, j) => max[j]! - lo);
}

/** The JSON text of the statistics, for the `nn.normalization` metadata entry. */
export function normalizationToJson(stats: NormalizationStats): string {
  if (stats.kind === 'none') return JSON.stringify(stats);
  if (stats.kind === 'standardize') return JSON.stringify({ kind: stats.kind, mean: [...stats.mean], std: [...stats.std] });
  return JSON.stringify({ kind: stats.kind, min: [...stats.min], max: [...stats.max] });
}

/**
 * Reads statistics written by `normalizationToJson`; anything else throws DataError NN6038
 * naming `file` and the metadata key.
 */
export function normalizationFromJson(text: string, file: string, key = 'nn.normalization'): NormalizationStats {
  const bad = (problem: string): never => {
    throw new DataError('NN6038', { file }, { key, problem });
  };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON (${(e as Error).message})`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const numbers = (name: string): Float32Array => {
    const a = o[name];
    if (!Array.isArray(a) || a.some((n) => typeof n !== 'number')) return bad(`"${name}" must be an array of numbers`);
    return Float32Array.from(a as number[]);
  };
  if (o['kind'] === 'none') {
    if (typeof o['features'] !== 'number' || !Number.isInteger(o['features'])) return bad('"features" must be an integer');
    return { kind: 'none', features: o['features'] };
  }
  const pair =
    o['kind'] === 'standardize' ? (['mean', 'std'] as const) : o['kind'] === 'minmax' ? (['min', 'max'] as const) : bad('"kind" must be "standardize", "minmax" or "none"');
  const a = numbers(pair[0]);
  const b = numbers(pair[1]);
  if (a.length !== b.length) bad(`"${pair[0]}" and "${pair[1]}" have different lengths`);
  return o['kind'] === 'standardize' ? { kind: 'standardize', mean: a, std: b } : { kind: 'minmax', min: a, max: b };
}
