import type { MessageSpec } from '../types.js';

/**
 * NN51xx: what the library's `compile()` needs beyond a valid program (band NN5xxx, training
 * setup). The checker never reports these: they depend on the call's options, so the CLI says
 * the same in its own words (`nn compile` usage errors) and test/index.test.ts produces them.
 */
export const compileMessages = {
  NN5101: {
    severity: 'error',
    title: 'nothing to compile',
    template: 'no train block to compile for {target}',
    explanation:
      'compile() builds a training plan from a model and its `train` block (loss, optimizer, batch). The program has no model with a train block, or not the model the `model` option names, so no plan came back.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\n// compile(text): no train block\n',
    fix: 'Add a `train M { ... }` block, or pass the name of a model that has one as the `model` option.',
  },
  NN5102: {
    severity: 'error',
    title: 'batch capacity needed',
    template: "'batch: full' needs the batch capacity to compile '{model}': pass batchCapacity",
    explanation:
      'A plan allocates every buffer once, for its largest batch. With `batch: full` that is the size of the data set, which compile() does not read (nn train and nn compile --batch get it from the data or the flag), so no plan came back.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: sgd(0.1)\n  batch: full\n}\n// compile(text) without batchCapacity\n',
    fix: 'Pass the number of training rows as `batchCapacity`, e.g. compile(text, { batchCapacity: 150 }).',
  },
} as const satisfies Record<string, MessageSpec>;
