import type { BuiltinKind } from '../checker/types.js';
import { activations, type ActivationName } from './activations.js';
import { layers, type LayerName } from './layers.js';
import { dataSources, earlyStops, losses, metrics, type DataName, type EarlyStopName, type LossName, type MetricName } from './objectives.js';
import { clips, optimizers, schedules, type ClipName, type OptimizerName, type ScheduleName } from './training.js';
import type { BuiltinSpec } from './types.js';
import { initializers, regularizers, type InitializerName, type RegularizerName } from './weights.js';

export * from './types.js';
export { activationGain2 } from './activations.js';
export { numArg, pairArg } from './layers.js';
export { trainKeys, trainDefaults, type TrainKeyName, type TrainKeySpec, type TrainValue } from './train-keys.js';
export type { ActivationName, LayerName, InitializerName, RegularizerName, OptimizerName, ScheduleName, ClipName, LossName, MetricName, DataName, EarlyStopName };

/**
 * THE built-ins registry: one table per kind, each keyed by a closed union of names. The checker,
 * `nn summary`, the docs generator, and later the editor and compiler read only this.
 */
export const registry = {
  layer: layers,
  activation: activations,
  initializer: initializers,
  regularizer: regularizers,
  clip: clips,
  optimizer: optimizers,
  schedule: schedules,
  loss: losses,
  metric: metrics,
  data: dataSources,
  early_stop: earlyStops,
} as const satisfies { readonly [K in BuiltinKind]: Readonly<Record<string, BuiltinSpec & { kind: K }>> };

/** Every built-in kind, in the order the docs list them. */
export const builtinKinds: readonly BuiltinKind[] = ['layer', 'activation', 'initializer', 'regularizer', 'clip', 'optimizer', 'schedule', 'loss', 'metric', 'data', 'early_stop'];

/** Every entry of one kind, in table order. */
export function builtinsOfKind(kind: BuiltinKind): readonly BuiltinSpec[] {
  return Object.values(registry[kind]) as BuiltinSpec[];
}

/** Every entry of every kind. */
export function allBuiltins(): readonly BuiltinSpec[] {
  return builtinKinds.flatMap(builtinsOfKind);
}

/**
 * Looks up a built-in by canonical name or alias among `kinds` (all kinds when omitted; the
 * first kind in the list wins when a name exists in several, e.g. `mse` is a loss and a metric).
 */
export function findBuiltin(name: string, kinds: readonly BuiltinKind[] = builtinKinds): BuiltinSpec | undefined {
  for (const kind of kinds) {
    const spec = nameIndex[kind].get(name);
    if (spec) return spec;
  }
  return undefined;
}

/** Canonical names and aliases of each kind, built once at load (immutable; lookups stay O(1)). */
const nameIndex: { readonly [K in BuiltinKind]: ReadonlyMap<string, BuiltinSpec> } = Object.freeze(
  Object.fromEntries(
    builtinKinds.map((kind) => [kind, new Map(builtinsOfKind(kind).flatMap((s) => [[s.name, s] as const, ...s.aliases.map((a) => [a, s] as const)]))]),
  ) as unknown as { [K in BuiltinKind]: ReadonlyMap<string, BuiltinSpec> },
);

/** Every name (canonical and alias) of the given kinds, for completion and "did you mean". */
export function builtinNames(kinds: readonly BuiltinKind[] = builtinKinds): string[] {
  return kinds.flatMap((k) => builtinsOfKind(k).flatMap((s) => [s.name, ...s.aliases]));
}

/**
 * Optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions, so
 * `rleu` -> `relu` is 1).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The candidate nearest to `name`, if close enough to be a plausible typo (distance at most
 * max(1, length / 3), or a case-insensitive match). Ties go to the earlier candidate.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const dist = c.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
