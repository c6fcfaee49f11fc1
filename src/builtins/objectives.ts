import type { Shape } from '../checker/types.js';
import { trainExample } from './training.js';
import type { DataSpec, EarlyStopSpec, LossSpec, MetricSpec, ParamSpec } from './types.js';

export type LossName = 'mse' | 'mae' | 'huber' | 'binary_cross_entropy' | 'cross_entropy';
export type MetricName = 'accuracy' | 'mse' | 'mae';
export type DataName = 'csv' | 'json' | 'idx' | 'split';
export type EarlyStopName = 'patience';

const fmt = (s: Shape): string => `[${s.join(', ')}]`;

function classifierExample(loss: string, units: number, last: string): string {
  return `model M {\n  input [4]\n  dense(${units}${last})\n}\n\ntrain M {\n  data: csv("data.csv", label: "y")\n  loss: ${loss}\n  optimizer: adam\n}\n`;
}

function regression<N extends LossName>(name: N, params: readonly ParamSpec[], summary: string, doc: string, use: string): LossSpec<N> {
  return {
    kind: 'loss',
    name,
    aliases: [],
    params,
    positional: params.length,
    summary,
    doc,
    example: trainExample('loss', use).replace('  loss: mse\n', ''),
    fitsOutput: () => null,
    reapplies: {},
  };
}

/** Loss functions; each is the mean over the batch. */
export const losses: { readonly [K in LossName]: LossSpec<K> } = {
  mse: regression('mse', [], 'Mean squared error.', 'mean((y - t)^2) over all outputs, as `nn.MSELoss()`.', 'mse'),
  mae: regression('mae', [], 'Mean absolute error.', 'mean(|y - t|) over all outputs, as `nn.L1Loss()`.', 'mae'),
  huber: regression(
    'huber',
    [{ name: 'delta', type: 'number', default: 1.0, minExclusive: 0, doc: 'Where the loss turns from quadratic to linear.' }],
    'Huber loss.',
    'Quadratic below `delta`, linear above, as `nn.HuberLoss(delta)`.',
    'huber(delta: 0.5)',
  ),
  binary_cross_entropy: {
    kind: 'loss',
    name: 'binary_cross_entropy',
    aliases: ['bce'],
    params: [],
    positional: 0,
    summary: 'Binary cross-entropy for one output in [0, 1].',
    doc: 'Labels are 0 or 1. On probabilities when the model ends in `sigmoid` (`nn.BCELoss`), otherwise on logits (`nn.BCEWithLogitsLoss`). Needs exactly one output.',
    example: classifierExample('binary_cross_entropy', 1, ', activation: sigmoid'),
    fitsOutput: (out) => (out.length === 1 && out[0] === 1 ? null : `binary_cross_entropy needs one output ([1]), the model gives ${fmt(out)}`),
    reapplies: {
      softmax: 'softmax over one unit is always 1; use sigmoid for a binary output',
      log_softmax: 'binary_cross_entropy expects probabilities or logits, not log-probabilities',
    },
  },
  cross_entropy: {
    kind: 'loss',
    name: 'cross_entropy',
    aliases: ['categorical_cross_entropy'],
    params: [],
    positional: 0,
    summary: 'Cross-entropy over classes, with integer class labels.',
    doc: 'As `nn.CrossEntropyLoss()`: labels are class indices 0..K-1. A model ending in `softmax` is fused into a stable log-softmax; otherwise its outputs are logits. Needs a flat output of at least 2 classes.',
    example: classifierExample('cross_entropy', 3, ', activation: softmax'),
    fitsOutput: (out) => {
      if (out.length !== 1) return `cross_entropy needs a flat output of class scores, the model gives ${fmt(out)}`;
      if ((out[0] ?? 0) < 2) return `cross_entropy needs at least 2 classes, the model gives ${fmt(out)}; use binary_cross_entropy for one output`;
      return null;
    },
    reapplies: {
      log_softmax: 'cross_entropy applies log_softmax itself, so the model\'s log_softmax runs twice',
      sigmoid: 'cross_entropy applies softmax to the sigmoid outputs',
    },
  },
};

function metric<N extends MetricName>(name: N, summary: string, doc: string): MetricSpec<N> {
  return { kind: 'metric', name, aliases: [], params: [], positional: 0, summary, doc, example: trainExample('metrics', `[${name}]`) };
}

/** Metrics reported per epoch (`metrics: [...]`). */
export const metrics: { readonly [K in MetricName]: MetricSpec<K> } = {
  accuracy: metric('accuracy', 'Fraction of correct predictions.', 'Argmax against the class label for several outputs; threshold 0.5 for one output.'),
  mse: metric('mse', 'Mean squared error.', 'mean((y - t)^2).'),
  mae: metric('mae', 'Mean absolute error.', 'mean(|y - t|).'),
};

const path = (name: string, doc: string): ParamSpec => ({ name, type: 'string', required: true, doc });

/** Data sources for `data:` and `validation:`. Relative paths resolve against the `.nn` file's folder. */
export const dataSources: { readonly [K in DataName]: DataSpec<K> } = {
  csv: {
    kind: 'data',
    name: 'csv',
    aliases: [],
    params: [path('path', 'The CSV file, with a header row.'), { name: 'label', type: 'string', required: true, doc: 'The label column; every other column is a feature, in file order.' }],
    positional: 1,
    summary: 'A CSV file with a header row.',
    doc: 'Features are all columns but `label`, in file order; a row fills the input shape row-major, so `[1, 28, 28]` takes 784 columns.',
    example: trainExample('validation', 'csv("valid.csv", label: "y")'),
    roles: ['data', 'validation'],
  },
  json: {
    kind: 'data',
    name: 'json',
    aliases: [],
    params: [path('path', 'The JSON file: an array of `{x: [...], y: ...}` records.')],
    positional: 1,
    summary: 'A JSON file of samples.',
    doc: 'An array of `{"x": [...], "y": label}` objects; `x` is filled into the input shape row-major.',
    example: trainExample('validation', 'json("valid.json")'),
    roles: ['data', 'validation'],
  },
  idx: {
    kind: 'data',
    name: 'idx',
    aliases: [],
    params: [path('images', 'The IDX images file (e.g. train-images-idx3-ubyte).'), path('labels', 'The IDX labels file.')],
    positional: 2,
    summary: 'A pair of IDX files (the MNIST format).',
    doc: 'Images and labels in the IDX format of MNIST; pixel bytes become numbers 0..255 (use `normalize:`).',
    example: trainExample('validation', 'idx("t10k-images.idx", "t10k-labels.idx")'),
    roles: ['data', 'validation'],
  },
  split: {
    kind: 'data',
    name: 'split',
    aliases: [],
    params: [{ name: 'fraction', type: 'number', required: true, minExclusive: 0, maxExclusive: 1, doc: 'Fraction of the training data held out.' }],
    positional: 1,
    summary: 'Holds out a fraction of the training data for validation.',
    doc: 'The last `fraction` of the rows (after a seeded shuffle when `shuffle: true`) become the validation set. Only for `validation:`.',
    example: trainExample('validation', 'split(0.1)'),
    roles: ['validation'],
  },
};

/** Early stopping (`early_stop:`). */
export const earlyStops: { readonly [K in EarlyStopName]: EarlyStopSpec<K> } = {
  patience: {
    kind: 'early_stop',
    name: 'patience',
    aliases: [],
    params: [{ name: 'n', type: 'integer', required: true, min: 1, doc: 'Epochs without validation-loss improvement before stopping.' }],
    positional: 1,
    summary: 'Stops when the validation loss has not improved for `n` epochs.',
    doc: 'Watches the validation loss (needs `validation:`) and restores the best weights when it stops.',
    example: trainExample('early_stop', 'patience(3)', ['  validation: split(0.2)']),
  },
};
