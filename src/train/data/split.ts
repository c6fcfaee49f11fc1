import { DataError } from '../../io/data-error.js';
import { subsetDataset, type Dataset } from './dataset.js';

/** A uniform random number in [0, 1), e.g. the runtime's seeded generator. */
export type RandomSource = () => number;

/** The two sides of a validation split. Both keep file order. */
export interface SplitResult {
  readonly train: Dataset;
  readonly validation: Dataset;
  /** The sample indices (into the input) of each side, ascending. */
  readonly trainIndices: Int32Array;
  readonly validationIndices: Int32Array;
}

/**
 * `validation: split(fraction)`: holds out round(fraction * n) samples for validation. For
 * `class` and `binary` labels the split is stratified: each class gives its share, floor(f * count)
 * samples plus one more for the classes with the largest remainders (ties to the lower class
 * index) until the total is reached. The samples are chosen by a Fisher-Yates shuffle driven by
 * `random`, so a seeded source gives the same split every time. Both sides keep file order.
 */
export function splitDataset(data: Dataset, fraction: number, random: RandomSource): SplitResult {
  const total = Math.round(fraction * data.n);
  if (!(fraction > 0 && fraction < 1) || total < 1 || total >= data.n) {
    throw new DataError('NN6040', { file: data.sourceFile }, { fraction, n: data.n, train: data.n - total, validation: total });
  }
  const stratified = data.labelKind === 'class' || data.labelKind === 'binary';
  const groups = stratified ? groupByClass(data) : [Array.from({ length: data.n }, (_, i) => i)];
  const quotas = allocate(groups.map((g) => g.length), fraction, total);
  const held = new Uint8Array(data.n);
  groups.forEach((group, g) => {
    shuffleInPlace(group, random);
    for (let k = 0; k < quotas[g]!; k++) held[group[k]!] = 1;
  });
  const trainIndices = new Int32Array(data.n - total);
  const validationIndices = new Int32Array(total);
  let t = 0;
  let v = 0;
  for (let i = 0; i < data.n; i++) {
    if (held[i]) validationIndices[v++] = i;
    else trainIndices[t++] = i;
  }
  return { train: subsetDataset(data, trainIndices), validation: subsetDataset(data, validationIndices), trainIndices, validationIndices };
}

function groupByClass(data: Dataset): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < data.n; i++) {
    const c = data.y[i]!;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/** Largest-remainder allocation of `total` over groups in proportion to their sizes. */
function allocate(sizes: readonly number[], fraction: number, total: number): number[] {
  const quotas = sizes.map((s) => Math.floor(fraction * s));
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const order = sizes.map((s, g) => ({ g, rest: fraction * s - quotas[g]! })).sort((a, b) => b.rest - a.rest || a.g - b.g);
  for (let k = 0; left > 0; k = (k + 1) % order.length) {
    const { g } = order[k]!;
    if (quotas[g]! < sizes[g]!) {
      quotas[g]!++;
      left--;
    }
  }
  return quotas;
}

/** Fisher-Yates shuffle with `random` (values of exactly 1 are clamped). */
export function shuffleInPlace(items: number[], random: RandomSource): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}
