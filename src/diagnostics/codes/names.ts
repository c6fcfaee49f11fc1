import type { MessageSpec } from '../types.js';

/** NN2xxx: names: unknown or duplicate constants, models, layers and built-ins. */
export const nameMessages = {
  NN2001: {
    severity: 'error',
    title: 'unknown layer',
    template: "unknown layer '{name}'{suggestion}",
    explanation: 'A model statement names neither a layer nor an activation of the built-ins registry. Layer names are case-sensitive.',
    example: 'model M {\n  input [4]\n  dense(8)\n  rleu\n}\n',
    fix: 'Correct the spelling (`relu`); `nn check` offers the nearest valid name as a fix. See docs/reference.md for every layer.',
  },
  NN2002: {
    severity: 'error',
    title: 'unknown built-in',
    template: "unknown {kind} '{name}'{suggestion}",
    explanation: 'An argument or `train` entry names a built-in that does not exist in the family the place expects (an initializer for `init:`, an optimizer for `optimizer:`, ...).',
    example: 'model M {\n  input [4]\n  dense(8, init: he_normall)\n}\n',
    fix: 'Use one of the names listed in docs/reference.md for that family; the nearest one is offered as a fix.',
  },
  NN2003: {
    severity: 'error',
    title: 'unknown constant',
    template: "unknown constant '{name}'{suggestion}",
    explanation: 'A number was expected, and the name is not a `let` constant of this file.',
    example: 'let hidden = 64\nmodel M {\n  input [4]\n  dense(hiden)\n}\n',
    fix: 'Define it with `let NAME = value`, or correct the spelling.',
  },
  NN2004: {
    severity: 'error',
    title: 'train block names an unknown model',
    template: "train block names unknown model '{name}'{suggestion}",
    explanation: 'A `train NAME { ... }` block must name a `model` of the same file.',
    example: 'model Net {\n  input [4]\n  dense(1)\n}\ntrain Nte {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: adam\n}\n',
    fix: 'Name an existing model (the nearest one is offered as a fix), or add the model.',
  },
  NN2005: {
    severity: 'error',
    title: 'duplicate constant',
    template: "constant '{name}' is defined more than once",
    explanation: 'Two `let` declarations have the same name; the first one is used.',
    example: 'let n = 4\nlet n = 8\nmodel M {\n  input [n]\n}\n',
    fix: 'Rename or remove one of them.',
  },
  NN2006: {
    severity: 'error',
    title: 'duplicate model',
    template: "model '{name}' is defined more than once",
    explanation: 'Two `model` blocks have the same name, so a `train` block or `--model` could not tell them apart.',
    example: 'model M {\n  input [4]\n}\nmodel M {\n  input [8]\n}\n',
    fix: 'Rename one of the models.',
  },
  NN2007: {
    severity: 'error',
    title: 'duplicate layer name',
    template: "layer name '{name}' is used more than once in model '{model}'",
    explanation:
      'Every layer of a model needs its own name, because weights are stored as `LAYER.weight`. A name comes from the `name:` label or is `KIND_N` (counting every layer of that kind, named or not). A label inside `repeat` gets the iteration number appended (`block` becomes `block_1`, `block_2`, ...), which can also collide.',
    example: 'model M {\n  input [4]\n  fc: dense(8)\n  fc: dense(2)\n}\n',
    fix: 'Rename one of the layers; avoid labels of the form `KIND_N` that clash with automatic names.',
  },
  NN2008: {
    severity: 'error',
    title: 'constant defined in terms of itself',
    template: "constant '{name}' depends on itself: {cycle}",
    explanation: '`let` constants may refer to each other in any order, but not in a cycle.',
    example: 'let a = b + 1\nlet b = a * 2\nmodel M {\n  input [a]\n}\n',
    fix: 'Give one of the constants in the cycle a value that does not depend on the others.',
  },
  NN2009: {
    severity: 'error',
    title: 'built-in of the wrong kind',
    template: "'{name}' is {actual}, not {expected}",
    explanation: 'The name exists in the registry, but in another family than the place expects (an activation given as `init:`, an optimizer used as a layer, ...).',
    example: 'model M {\n  input [4]\n  dense(8, init: relu)\n}\n',
    fix: 'Use a built-in of the expected family here (see docs/reference.md), or move the name where it belongs (`activation: relu`).',
  },
  NN2010: {
    severity: 'error',
    title: 'second train block for a model',
    template: "model '{name}' already has a train block",
    explanation: 'Each model has at most one `train` block, so `nn train --model M` knows which to run.',
    example:
      'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: adam\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mae\n  optimizer: adam\n}\n',
    fix: 'Merge the blocks, or copy the model under another name.',
  },
} as const satisfies Record<string, MessageSpec>;
