import type { BuiltinKind } from '../checker/types.js';

/** Every key a `train` block accepts. */
export type TrainKeyName =
  | 'data'
  | 'validation'
  | 'normalize'
  | 'loss'
  | 'optimizer'
  | 'schedule'
  | 'clip'
  | 'regularize'
  | 'metrics'
  | 'batch'
  | 'epochs'
  | 'shuffle'
  | 'seed'
  | 'early_stop';

/** What a key's value must be. */
export type TrainValue =
  | { readonly type: 'builtin'; readonly kind: BuiltinKind; readonly role?: 'data' | 'validation' }
  | { readonly type: 'builtin_list'; readonly kind: BuiltinKind }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'integer'; readonly min: number; readonly orFull?: boolean }
  | { readonly type: 'boolean' };

export interface TrainKeySpec {
  readonly name: TrainKeyName;
  readonly value: TrainValue;
  readonly required: boolean;
  /** The default as written in docs (`none`, `32`, `constant`). */
  readonly defaultText: string;
  readonly doc: string;
}

/** The `train` block's keys, in the order the docs list them. */
export const trainKeys: { readonly [K in TrainKeyName]: TrainKeySpec & { readonly name: K } } = {
  data: { name: 'data', value: { type: 'builtin', kind: 'data', role: 'data' }, required: true, defaultText: '(required)', doc: 'Training data: `csv(...)`, `json(...)` or `idx(...)`.' },
  validation: { name: 'validation', value: { type: 'builtin', kind: 'data', role: 'validation' }, required: false, defaultText: 'none', doc: 'Validation data: `split(fraction)` or another source.' },
  normalize: { name: 'normalize', value: { type: 'enum', values: ['standardize', 'minmax', 'none'] }, required: false, defaultText: 'none', doc: 'Feature scaling fitted on the training split.' },
  loss: { name: 'loss', value: { type: 'builtin', kind: 'loss' }, required: true, defaultText: '(required)', doc: 'The loss function.' },
  optimizer: { name: 'optimizer', value: { type: 'builtin', kind: 'optimizer' }, required: true, defaultText: '(required)', doc: 'The optimizer.' },
  schedule: { name: 'schedule', value: { type: 'builtin', kind: 'schedule' }, required: false, defaultText: 'constant', doc: 'Learning-rate schedule, stepped once per epoch.' },
  clip: { name: 'clip', value: { type: 'builtin', kind: 'clip' }, required: false, defaultText: 'none', doc: 'Gradient clipping.' },
  regularize: { name: 'regularize', value: { type: 'builtin', kind: 'regularizer' }, required: false, defaultText: 'none', doc: 'A penalty on every dense/conv weight.' },
  metrics: { name: 'metrics', value: { type: 'builtin_list', kind: 'metric' }, required: false, defaultText: '[]', doc: 'Metrics reported each epoch.' },
  batch: { name: 'batch', value: { type: 'integer', min: 1, orFull: true }, required: false, defaultText: '32 (`full` with `gd`)', doc: 'Batch size, or `full` for full-batch descent.' },
  epochs: { name: 'epochs', value: { type: 'integer', min: 1 }, required: false, defaultText: '10', doc: 'Number of passes over the training data.' },
  shuffle: { name: 'shuffle', value: { type: 'boolean' }, required: false, defaultText: 'true', doc: 'Shuffle the training rows each epoch (seeded).' },
  seed: { name: 'seed', value: { type: 'integer', min: 0 }, required: false, defaultText: '0', doc: 'Seed of every random choice: a run is repeatable.' },
  early_stop: { name: 'early_stop', value: { type: 'builtin', kind: 'early_stop' }, required: false, defaultText: 'none', doc: 'Stop when the validation loss stops improving.' },
};

/** Default values of the optional scalar keys. */
export const trainDefaults = { batch: 32, epochs: 10, shuffle: true, seed: 0, normalize: 'none' } as const;
