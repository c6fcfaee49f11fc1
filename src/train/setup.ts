/**
 * What `nn train`, `nn eval` and `nn predict` share: choosing the model and train block of a
 * checked file, reading its data as the loss says, and turning data sets into plan samples.
 */
import type { FrontEndResult } from '../compiler.js';
import { finalActivation, type BuiltinRef, type CheckedModel, type CheckedTrain } from '../checker/index.js';
import type { Dataset, LabelSpec } from './data/index.js';
import type { DataSource } from './data/files.js';
import type { MetricName, MetricTarget } from './metrics.js';
import type { Samples } from './loop.js';

/** A model and the train block that trains it. */
export interface TrainingTarget {
  readonly model: CheckedModel;
  readonly train: CheckedTrain;
}

/** Why a file has no single training target (the caller turns it into a UserError). */
export class TargetError extends Error {}

/**
 * The train block to use: the one for `--model` if given, else the file's only train block.
 * Throws TargetError naming the choices.
 */
export function selectTarget(front: FrontEndResult, file: string, wanted: string | undefined): TrainingTarget {
  const { models, trains } = front.checked.program;
  const names = trains.map((t) => t.model);
  let train: CheckedTrain | undefined;
  if (wanted !== undefined) {
    train = trains.find((t) => t.model === wanted);
    if (!train) {
      const known = models.some((m) => m.name === wanted);
      throw new TargetError(
        known
          ? `${file}: model '${wanted}' has no train block; add 'train ${wanted} { data: ..., loss: ..., optimizer: ... }'`
          : `${file}: no model '${wanted}' (models: ${models.map((m) => m.name).join(', ') || 'none'})`,
      );
    }
  } else if (trains.length === 1) {
    train = trains[0];
  } else if (trains.length === 0) {
    throw new TargetError(`${file}: no train block; add 'train MODEL { data: ..., loss: ..., optimizer: ... }'`);
  } else {
    throw new TargetError(`${file}: several train blocks (${names.join(', ')}); choose one with --model`);
  }
  const model = models.find((m) => m.name === train!.model);
  if (!model) throw new TargetError(`${file}: train block names an unknown model '${train!.model}'`);
  return { model, train: train! };
}

const product = (shape: readonly number[] | null): number => (shape ?? []).reduce((a, b) => a * b, 1);

/** How labels are read for this train block's loss (`classes` from a weights file, if known). */
export function labelSpecFor(target: TrainingTarget, classes?: readonly string[]): LabelSpec {
  const outputs = product(target.model.outputShape);
  const loss = target.train.loss?.builtin;
  if (loss === 'cross_entropy') return { kind: 'class', outputs, ...(classes ? { classes } : {}) };
  if (loss === 'binary_cross_entropy') return { kind: 'binary', ...(classes ? { classes } : {}) };
  return { kind: 'value', outputs };
}

/** How the metrics read the model's outputs. */
export function metricTargetFor(target: TrainingTarget): MetricTarget {
  const spec = labelSpecFor(target);
  return {
    labelKind: spec.kind === 'none' ? 'value' : spec.kind,
    outputSize: product(target.model.outputShape),
    binaryLogits: finalActivation(target.model) !== 'sigmoid',
  };
}

/** The train block's metric names, in order. */
export function metricNames(train: CheckedTrain): MetricName[] {
  return train.metrics.map((m) => m.builtin as MetricName);
}

/** A `csv(...)`, `json(...)` or `idx(...)` reference as a loader's `DataSource`. */
export function dataSourceOf(ref: BuiltinRef): DataSource {
  const s = (k: string): string => String(ref.args[k]);
  if (ref.builtin === 'csv') return { kind: 'csv', path: s('path'), label: s('label') };
  if (ref.builtin === 'json') return { kind: 'json', path: s('path') };
  return { kind: 'idx', images: s('images'), labels: s('labels') };
}

/**
 * A data file named on the command line (`--data`, `--input`), read like the train block's
 * `data:`: `.json` files as `json(...)`, `IMAGES,LABELS` as `idx(...)` when the block reads IDX,
 * anything else as CSV with the block's label column.
 */
export function commandLineSource(path: string, train: CheckedTrain): DataSource {
  const data = train.data ? dataSourceOf(train.data) : null;
  if (/\.json$/i.test(path)) return { kind: 'json', path };
  if (data?.kind === 'idx' && path.includes(',')) {
    const [images, labels] = path.split(',');
    return { kind: 'idx', images: images!, labels: labels! };
  }
  return { kind: 'csv', path, ...(data?.kind === 'csv' && data.label !== undefined ? { label: data.label } : {}) };
}

/** The plan's view of a data set. */
export function toSamples(data: Dataset): Samples {
  return { x: data.x, y: data.y, n: data.n };
}

/** The base learning rate: the optimizer's `lr` argument. */
export function baseLearningRate(train: CheckedTrain): number {
  const lr = train.optimizer?.args['lr'];
  return typeof lr === 'number' ? lr : 0.001;
}
