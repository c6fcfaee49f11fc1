/**
 * Reading a train block's data for a run: load, hold out the test and validation splits,
 * normalize with the training split's statistics. Node (reads files).
 */
import { createRng } from '../runtime/random.js';
import { applyNormalization, fitNormalization, splitDataset, type Dataset, type NormalizationStats } from './data/index.js';
import { loadDataSource } from './data/files.js';
import { dataSourceOf, labelSpecFor, type TrainingTarget } from './setup.js';

/** The random streams of a run, forked from `createRng(seed)`: one per purpose, so none disturbs another. */
export const randomStreams = { shuffle: 2, validationSplit: 3, testSplit: 4 } as const;

/** A run's data, normalized. */
export interface PreparedData {
  readonly train: Dataset;
  readonly validation: Dataset | null;
  /** The held-out test split (`--test-split`), or null. */
  readonly test: Dataset | null;
  readonly normalization: NormalizationStats;
  readonly classes?: readonly string[];
}

/**
 * Loads `data:` (paths against `baseDir`, the .nn file's folder), holds out `testFraction` of it
 * first when given (stratified, seeded), then the validation split or file, and normalizes all
 * of them with statistics fitted on the training split (or `normalization`, when resuming).
 */
export function prepareTrainingData(target: TrainingTarget, baseDir: string, seed: number, testFraction: number | undefined, normalization?: NormalizationStats): PreparedData {
  const { train: block, model } = target;
  const inputShape = model.inputShape ?? undefined;
  const options = { labels: labelSpecFor(target), ...(inputShape ? { inputShape } : {}) };
  let data = loadDataSource(dataSourceOf(block.data!), baseDir, options);
  const root = createRng(seed);
  let test: Dataset | null = null;
  if (testFraction !== undefined) {
    const rng = root.fork(randomStreams.testSplit);
    const split = splitDataset(data, testFraction, () => rng.uniform());
    data = split.train;
    test = split.validation;
  }
  let validation: Dataset | null = null;
  if (block.validation?.builtin === 'split') {
    const rng = root.fork(randomStreams.validationSplit);
    const split = splitDataset(data, Number(block.validation.args['fraction']), () => rng.uniform());
    data = split.train;
    validation = split.validation;
  } else if (block.validation) {
    const labels = labelSpecFor(target, data.classes);
    validation = loadDataSource(dataSourceOf(block.validation), baseDir, { ...options, labels });
  }
  const stats = normalization ?? fitNormalization(block.normalize, data);
  return {
    train: applyNormalization(stats, data),
    validation: validation && applyNormalization(stats, validation),
    test: test && applyNormalization(stats, test),
    normalization: stats,
    ...(data.classes ? { classes: data.classes } : {}),
  };
}
