import type { MessageSpec } from '../types.js';

const sigmoidStack = (init: string): string =>
  `model Deep {\n  input [64]\n  repeat 16 {\n    dense(64, activation: sigmoid, init: ${init})\n  }\n  dense(1)\n}\n`;

/** NN8xxx: warnings about training that is likely to go wrong, found before anything runs. */
export const lintMessages = {
  NN8001: {
    severity: 'warning',
    title: 'vanishing gradients',
    template: "gradients will likely vanish in model '{model}': their scale shrinks to about {estimate} from the output back to the first layer over {depth} weight layers (worst layer '{layer}': x{factor} each)",
    explanation: [
      'A signal-propagation estimate made before training. Back from the output, each weight layer multiplies the',
      "gradient's variance by Var(w) x fan_in (from its initializer) times the mean squared derivative of its",
      'activation for unit-variance inputs (relu 0.5, tanh 0.46, sigmoid 0.043); `batchnorm` and `layernorm` reset',
      'the scale to 1 and a `residual` block adds its identity path (1 + body). The square root of the product is',
      'the estimate; below 1e-4 the first layers will barely learn. Example: 16 sigmoid layers with',
      '`normal(std: 0.05)` and fan 64: each layer scales by sqrt(0.043 x 0.0025 x 64) = 0.083, 16 of them give ~5e-18.',
    ].join(' '),
    example: sigmoidStack('normal(std: 0.05)'),
    fix: 'Use `relu` with `he_normal`, add `batchnorm` after each layer, wrap layers in `residual`, or make the model shallower.',
  },
  NN8002: {
    severity: 'warning',
    title: 'exploding gradients',
    template: "gradients will likely explode in model '{model}': their scale grows to about {estimate} from the output back to the first layer over {depth} weight layers (worst layer '{layer}': x{factor} each)",
    explanation: 'The same estimate as NN8001 (see there), above 1e4: initial weights are too large for the depth, so the first steps will overshoot or overflow.',
    example: 'model Wide {\n  input [64]\n  repeat 12 {\n    dense(64, activation: relu, init: normal(std: 1))\n  }\n  dense(1)\n}\n',
    fix: 'Use a fan-scaled initializer (`he_normal` for relu, `xavier_uniform` for tanh/sigmoid), add normalization layers, or clip gradients.',
  },
  NN8003: {
    severity: 'warning',
    title: 'constant weight initialization',
    template: "weights of '{layer}' all start at the same value ('{init}'): every unit gets the same gradient and they stay identical",
    explanation: 'With every weight equal, all units of a layer compute the same output and receive the same update, so the layer behaves like one unit. Constant init is fine for biases.',
    example: 'model M {\n  input [4]\n  dense(8, init: zeros)\n  dense(1)\n}\n',
    fix: 'Use a random initializer (`xavier_uniform`, the default, or `he_normal` for relu); offered as a fix.',
  },
  NN8004: {
    severity: 'warning',
    title: 'initializer does not suit the activation',
    template: "'{init}' is meant for {meantFor} activations, but '{layer}' uses '{activation}'; '{suggested}' suits it",
    explanation: '`he_*` (Kaiming) init doubles the variance to make up for relu zeroing half its inputs; under sigmoid or tanh it saturates them. `xavier_*` (Glorot) keeps the variance for symmetric activations; under relu the signal halves at each layer. Only written initializers are checked (the default `xavier_uniform` is not).',
    example: 'model M {\n  input [4]\n  dense(8, activation: tanh, init: he_normal)\n}\n',
    fix: 'Use the suggested initializer of the same distribution (normal or uniform); offered as a fix.',
  },
  NN8005: {
    severity: 'warning',
    title: 'high dropout rate',
    template: 'dropout rate {rate} drops more than half of the units; was the keep-probability {keep} meant?',
    explanation: '`dropout(rate)` takes the DROP rate, as Keras and PyTorch do (TensorFlow 1 took the keep-probability). Rates above 0.5 are rare on purpose.',
    example: 'model M {\n  input [4]\n  dense(8)\n  dropout(0.8)\n}\n',
    fix: 'Write the drop rate (`dropout(0.2)` keeps 80%); offered as a fix.',
  },
  NN8006: {
    severity: 'warning',
    title: 'softmax applied twice',
    template: "'{second}' follows '{first}': the second one squashes probabilities that already sum to 1",
    explanation: 'Two softmax-like layers in a row compress the output toward uniform and shrink gradients.',
    example: 'model M {\n  input [4]\n  dense(3, activation: softmax)\n  softmax\n}\n',
    fix: 'Remove one of them.',
  },
  NN8007: {
    severity: 'warning',
    title: 'loss re-applies the final activation',
    template: "model '{model}' ends in '{activation}' and is trained with '{loss}': {reason}",
    explanation: 'Some losses apply their own normalization: `cross_entropy` applies log-softmax (fused with a final `softmax`, the normal case, which is NOT warned about), `binary_cross_entropy` works on one sigmoid probability or logit. A final `log_softmax` under `cross_entropy`, or a `softmax` under `binary_cross_entropy`, applies it twice or makes no sense.',
    example: 'model M {\n  input [4]\n  dense(3)\n  log_softmax\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: cross_entropy\n  optimizer: adam\n}\n',
    fix: 'End the model in `softmax` (or nothing) for `cross_entropy`, in `sigmoid` (or nothing) for `binary_cross_entropy`.',
  },
  NN8008: {
    severity: 'warning',
    title: 'large learning rate in a deep stack without clipping',
    template: "learning rate {lr} is large for '{optimizer}' in a {depth}-layer stack with no 'clip:' (above {limit})",
    explanation: 'Deep stacks amplify a large step; without clipping, one bad batch can blow the weights up. The limits are 0.1 for plain and momentum SGD, 0.01 for adaptive optimizers (1.0 for adadelta), for stacks of 8 or more weight layers.',
    example: 'model M {\n  input [8]\n  repeat 8 {\n    dense(8, activation: relu, init: he_normal)\n  }\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: sgd(0.5)\n}\n',
    fix: 'Lower the learning rate, add `clip: norm(1.0)`, or warm up with `schedule: cosine(warmup: 2)`.',
  },
  NN8009: {
    severity: 'warning',
    title: 'gd with mini-batches',
    template: "'gd' is full-batch gradient descent, but 'batch' is {batch}",
    explanation: '`gd(lr)` means one step per epoch over the whole training set. With a batch size it behaves like `sgd`.',
    example: 'model M {\n  input [4]\n  dense(1)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: gd(0.1)\n  batch: 16\n}\n',
    fix: 'Use `batch: full` (the default with `gd`), or `optimizer: sgd(lr)` for mini-batches.',
  },
} as const satisfies Record<string, MessageSpec>;
