import type { MessageSpec } from '../types.js';

/** NN5xxx: the `train` block. */
export const trainingMessages = {
  NN5001: {
    severity: 'error',
    title: 'missing train key',
    template: "train block for '{model}' needs '{key}'",
    explanation: 'A `train` block needs `data:`, `loss:` and `optimizer:`; everything else has a default (see docs/reference.md).',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n}\n',
    fix: 'Add the key, e.g. `optimizer: adam`.',
  },
  NN5002: {
    severity: 'error',
    title: 'unknown train key',
    template: "unknown train key '{key}'{suggestion}",
    explanation: 'The contract makes an unknown key an error, so a typo never silently falls back to a default.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: adam\n  epoch: 5\n}\n',
    fix: 'Use one of the keys listed in docs/reference.md (the nearest one is offered as a fix).',
  },
  NN5003: {
    severity: 'error',
    title: 'duplicate train key',
    template: "train key '{key}' is given more than once",
    explanation: 'Each key appears at most once; the first one is used.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: adam\n  epochs: 5\n  epochs: 6\n}\n',
    fix: 'Remove one of them.',
  },
  NN5004: {
    severity: 'error',
    title: 'wrong train value',
    template: "'{key}' expects {expected}, got {actual}",
    explanation: 'Each train key takes one kind of value: a built-in of one family, an integer, a boolean, or one of a few words.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: adam\n  epochs: 2.5\n}\n',
    fix: 'Give a value of the expected kind.',
  },
  NN5005: {
    severity: 'error',
    title: 'data source in the wrong place',
    template: "'{source}' cannot be used for '{key}'",
    explanation: '`split(fraction)` holds out part of the training data, so it only makes sense as `validation:`.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: split(0.5)\n  loss: mse\n  optimizer: adam\n}\n',
    fix: 'Read training data from a file (`csv`, `json`, `idx`) and use `split` for `validation:`.',
  },
  NN5006: {
    severity: 'error',
    title: 'needs validation data',
    template: "'{what}' watches the validation loss, but the train block has no 'validation:'",
    explanation: '`early_stop: patience(n)` and `schedule: reduce_on_plateau` act on the validation loss computed after each epoch.',
    example:
      'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: adam\n  early_stop: patience(3)\n}\n',
    fix: 'Add `validation: split(0.1)` (or a validation file).',
  },
} as const satisfies Record<string, MessageSpec>;
