/** Shape-preserving ops: activation, softmax, log_softmax, add, dropout, reshape. */
import { sizeOf, type FloatArray } from '../tensor.js';
import { ACTIVATIONS } from './activations.js';
import type {
  ActivationAttrs, AddAttrs, DropoutAttrs, OpSpec, ReshapeAttrs, SoftmaxAttrs,
} from './types.js';

const none = (): number => 0;

/** An elementwise activation of any shape. */
export const activation: OpSpec<ActivationAttrs> = {
  inputs: (a) => [{ name: 'x', shape: a.shape, differentiable: true }],
  outputShape: (a) => a.shape,
  savedSize: none,
  scratchSize: none,
  forward(a, [x], y) {
    ACTIVATIONS[a.kind].forward(x, y, sizeOf(a.shape), a.alpha);
  },
  backward(a, [x], y, gy, [gx]) {
    if (gx) ACTIVATIONS[a.kind].backward(x, y, gy, gx, sizeOf(a.shape), a.alpha, true);
  },
};

const softmaxInputs = (a: SoftmaxAttrs) => [{ name: 'x', shape: [a.batch, a.features], differentiable: true }];
const softmaxShape = (a: SoftmaxAttrs) => [a.batch, a.features];

/** The largest of `x[o .. o+f)`: the shift that keeps softmax and log-softmax from overflowing. */
function rowMax(x: FloatArray, o: number, f: number): number {
  let m = -Infinity;
  for (let j = 0; j < f; j++) if (x[o + j]! > m) m = x[o + j]!;
  return m;
}

/** Softmax of each row, shifted by the row's maximum for stability. */
export const softmax: OpSpec<SoftmaxAttrs> = {
  inputs: softmaxInputs,
  outputShape: softmaxShape,
  savedSize: none,
  scratchSize: none,
  forward(a, [x], y) {
    const f = a.features;
    for (let r = 0; r < a.batch; r++) {
      const o = r * f;
      const m = rowMax(x, o, f);
      let s = 0;
      for (let j = 0; j < f; j++) {
        const e = Math.exp(x[o + j] - m);
        y[o + j] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let j = 0; j < f; j++) y[o + j] *= inv;
    }
  },
  backward(a, _x, y, gy, [gx]) {
    if (!gx) return;
    const f = a.features;
    for (let r = 0; r < a.batch; r++) {
      const o = r * f;
      let dot = 0;
      for (let j = 0; j < f; j++) dot += gy[o + j] * y[o + j];
      for (let j = 0; j < f; j++) gx[o + j] += y[o + j] * (gy[o + j] - dot);
    }
  },
};

/** `x - max - log(sum(exp(x - max)))` of each row. */
export const logSoftmax: OpSpec<SoftmaxAttrs> = {
  inputs: softmaxInputs,
  outputShape: softmaxShape,
  savedSize: none,
  scratchSize: none,
  forward(a, [x], y) {
    const f = a.features;
    for (let r = 0; r < a.batch; r++) {
      const o = r * f;
      const m = rowMax(x, o, f);
      let s = 0;
      for (let j = 0; j < f; j++) s += Math.exp(x[o + j] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < f; j++) y[o + j] = x[o + j] - lse;
    }
  },
  backward(a, _x, y, gy, [gx]) {
    if (!gx) return;
    const f = a.features;
    for (let r = 0; r < a.batch; r++) {
      const o = r * f;
      let s = 0;
      for (let j = 0; j < f; j++) s += gy[o + j];
      for (let j = 0; j < f; j++) gx[o + j] += gy[o + j] - Math.exp(y[o + j]) * s;
    }
  },
};

/** `a + b` (residual connections). */
export const add: OpSpec<AddAttrs> = {
  inputs: (a) => [
    { name: 'a', shape: a.shape, differentiable: true },
    { name: 'b', shape: a.shape, differentiable: true },
  ],
  outputShape: (a) => a.shape,
  savedSize: none,
  scratchSize: none,
  forward(a, [x, z], y) {
    const n = sizeOf(a.shape);
    for (let i = 0; i < n; i++) y[i] = x[i] + z[i];
  },
  backward(a, _inputs, _y, gy, [ga, gb]) {
    const n = sizeOf(a.shape);
    if (ga) for (let i = 0; i < n; i++) ga[i] += gy[i];
    if (gb) for (let i = 0; i < n; i++) gb[i] += gy[i];
  },
};

/** Inverted dropout driven by caller-filled uniforms (see `DropoutAttrs`). */
export const dropout: OpSpec<DropoutAttrs> = {
  inputs: (a) => [
    { name: 'x', shape: a.shape, differentiable: true },
    { name: 'uniform', shape: a.shape, differentiable: false },
  ],
  outputShape: (a) => a.shape,
  savedSize: none,
  scratchSize: none,
  forward(a, [x, u], y) {
    const n = sizeOf(a.shape);
    if (!a.training || a.rate === 0) {
      for (let i = 0; i < n; i++) y[i] = x[i];
      return;
    }
    // rate 1 drops everything (as PyTorch) instead of scaling by infinity
    const scale = a.rate < 1 ? 1 / (1 - a.rate) : 0;
    for (let i = 0; i < n; i++) y[i] = u[i] >= a.rate ? x[i] * scale : 0;
  },
  backward(a, [, u], _y, gy, [gx]) {
    if (!gx) return;
    const n = sizeOf(a.shape);
    if (!a.training || a.rate === 0) {
      for (let i = 0; i < n; i++) gx[i] += gy[i];
      return;
    }
    const scale = a.rate < 1 ? 1 / (1 - a.rate) : 0;
    for (let i = 0; i < n; i++) if (u[i] >= a.rate) gx[i] += gy[i] * scale;
  },
};

/** A copy into another shape of the same size (flatten, reshape). */
export const reshape: OpSpec<ReshapeAttrs> = {
  inputs: (a) => [{ name: 'x', shape: a.shape, differentiable: true }],
  outputShape: (a) => a.to,
  savedSize: none,
  scratchSize: none,
  forward(_a, [x], y) {
    y.set(x);
  },
  backward(a, _x, _y, gy, [gx]) {
    if (!gx) return;
    const n = sizeOf(a.shape);
    for (let i = 0; i < n; i++) gx[i] += gy[i];
  },
};
