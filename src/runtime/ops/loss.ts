/** Losses: the mean over the batch (and over features for the elementwise ones); output `[1]`. */
import type { FloatArray } from '../tensor.js';
import type { HuberAttrs, InputSpec, LossAttrs, OpSpec, SoftmaxCrossEntropyAttrs } from './types.js';

const none = (): number => 0;
const scalar = (): number[] => [1];

const pairInputs = (a: LossAttrs): InputSpec[] => [
  { name: 'x', shape: [a.batch, a.features], differentiable: true },
  { name: 'target', shape: [a.batch, a.features], differentiable: false },
];

/**
 * An elementwise loss `mean(f(p, t))` from its term `f` and the term's derivative in `p`.
 * Each returned op inlines its own pair of functions (no shared hot call site).
 */
function elementwiseLoss<A extends LossAttrs>(
  term: (p: number, t: number, a: A) => number,
  dterm: (p: number, t: number, a: A) => number,
): OpSpec<A> {
  return {
    inputs: pairInputs,
    outputShape: scalar,
    savedSize: none,
    scratchSize: none,
    forward(a, [p, t], y) {
      const n = a.batch * a.features;
      let s = 0;
      for (let i = 0; i < n; i++) s += term(p[i], t[i], a);
      y[0] = s / n;
    },
    backward(a, [p, t], _y, gy, [gp]) {
      if (!gp) return;
      const n = a.batch * a.features;
      const g = gy[0] / n;
      for (let i = 0; i < n; i++) gp[i] += g * dterm(p[i], t[i], a);
    },
  };
}

/** Mean squared error. */
export const mse = elementwiseLoss<LossAttrs>(
  (p, t) => (p - t) * (p - t),
  (p, t) => 2 * (p - t),
);

/** Mean absolute error; the subgradient at p = t is 0. */
export const mae = elementwiseLoss<LossAttrs>(
  (p, t) => Math.abs(p - t),
  (p, t) => Math.sign(p - t),
);

/** `torch.nn.HuberLoss(delta)`: quadratic within delta, linear beyond. */
export const huber = elementwiseLoss<HuberAttrs>(
  (p, t, a) => {
    const d = Math.abs(p - t);
    return d <= a.delta ? 0.5 * d * d : a.delta * (d - 0.5 * a.delta);
  },
  (p, t, a) => {
    const d = p - t;
    return Math.abs(d) <= a.delta ? d : a.delta * Math.sign(d);
  },
);

/** Binary cross-entropy on probabilities; logs clamped to >= -100 and the gradient's denominator to >= 1e-12, as PyTorch. */
export const bce = elementwiseLoss<LossAttrs>(
  (p, t) => -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log1p(-p), -100)),
  (p, t) => (p - t) / Math.max((1 - p) * p, 1e-12),
);

/** Binary cross-entropy on logits in the stable form `max(x,0) - x·t + log(1 + exp(-|x|))`. */
export const bceLogits = elementwiseLoss<LossAttrs>(
  (x, t) => Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x))),
  (x, t) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))) - t,
);

function logSumExp(x: FloatArray, o: number, c: number): number {
  let m = -Infinity;
  for (let j = 0; j < c; j++) if (x[o + j] > m) m = x[o + j];
  let s = 0;
  for (let j = 0; j < c; j++) s += Math.exp(x[o + j] - m);
  return m + Math.log(s);
}

/** Softmax fused with cross-entropy on integer labels; the gradient is `(softmax - onehot)/B`. */
export const softmaxCrossEntropy: OpSpec<SoftmaxCrossEntropyAttrs> = {
  inputs: (a) => [
    { name: 'x', shape: [a.batch, a.classes], differentiable: true },
    { name: 'labels', shape: [a.batch], differentiable: false },
  ],
  outputShape: scalar,
  savedSize: none,
  scratchSize: none,
  forward(a, [x, labels], y) {
    let s = 0;
    for (let i = 0; i < a.batch; i++) {
      const o = i * a.classes;
      s += logSumExp(x, o, a.classes) - x[o + labels[i]];
    }
    y[0] = s / a.batch;
  },
  backward(a, [x, labels], _y, gy, [gx]) {
    if (!gx) return;
    const g = gy[0] / a.batch;
    for (let i = 0; i < a.batch; i++) {
      const o = i * a.classes;
      const lse = logSumExp(x, o, a.classes);
      for (let j = 0; j < a.classes; j++) gx[o + j] += g * Math.exp(x[o + j] - lse);
      gx[o + labels[i]] -= g;
    }
  },
};
