/**
 * For every op: an arbitrary of (call, float64 inputs) with random shapes and inputs kept off the
 * op's kinks. A mapped type makes an op without a case a compile error.
 */
import fc from 'fast-check';
import { ACTIVATION_NAMES, convAxis, createDefaultOps } from '../../../src/runtime/ops/index.js';
import type { ActivationName, OpAttrs, OpCall, OpName, OpSpec } from '../../../src/runtime/ops/index.js';
import { sizeOf } from '../../../src/runtime/tensor.js';
import { between, distinct, labels, offZero, values } from '../arbitraries.js';

/** One sample for a gradient check. */
export interface OpCase {
  readonly call: OpCall;
  readonly inputs: Float64Array[];
}

const dim = (max: number) => fc.integer({ min: 1, max });

const fusedActivation = fc.record({
  activation: fc.constantFrom<ActivationName>(...ACTIVATION_NAMES),
  alpha: fc.double({ min: 0.05, max: 2, noNaN: true }),
});

const KINKED = new Set<ActivationName>(['relu', 'leaky_relu', 'elu', 'selu', 'softsign']);
const plain = createDefaultOps('float64');

/** False when a fused activation not smooth at 0 sees a pre-activation within 0.01 of it. */
function offKinks(c: OpCase): boolean {
  if (c.call.op !== 'linear' && c.call.op !== 'conv2d') return true;
  if (!KINKED.has(c.call.attrs.activation)) return true;
  const call = { op: c.call.op, attrs: { ...c.call.attrs, activation: 'linear' } } as OpCall;
  const spec = plain[call.op] as OpSpec<unknown>;
  const z = new Float64Array(sizeOf(spec.outputShape(call.attrs)));
  const ws = { saved: new Float64Array(spec.savedSize(call.attrs)), scratch: new Float64Array(spec.scratchSize(call.attrs)) };
  spec.forward(call.attrs, c.inputs, z, ws);
  return z.every((v) => Math.abs(v) >= 0.01);
}

function make<K extends OpName>(op: K, attrs: OpAttrs[K], inputs: Float64Array[]): OpCase {
  return { call: { op, attrs } as OpCall, inputs };
}

const poolCase = (op: 'maxpool2d' | 'avgpool2d') =>
  fc
    .record({
      batch: dim(2), channels: dim(2), kernelH: dim(3), kernelW: dim(3),
      strideH: dim(2), strideW: dim(2), extraH: fc.nat(3), extraW: fc.nat(3),
    })
    .chain((r) => {
      const attrs = {
        batch: r.batch, channels: r.channels, height: r.kernelH + r.extraH, width: r.kernelW + r.extraW,
        kernelH: r.kernelH, kernelW: r.kernelW, strideH: r.strideH, strideW: r.strideW,
      };
      const n = attrs.batch * attrs.channels * attrs.height * attrs.width;
      return (op === 'maxpool2d' ? distinct(n) : values(n)).map((x) => make(op, attrs, [x]));
    });

const lossPair = (op: 'mse' | 'mae' | 'bce' | 'bce_logits') =>
  fc.record({ batch: dim(3), features: dim(4) }).chain((attrs) => {
    const n = attrs.batch * attrs.features;
    switch (op) {
      case 'mse':
      case 'bce_logits':
        return fc.tuple(values(n, 3), between(n, 0, 1)).map(([p, t]) => make(op, attrs, [p, t]));
      case 'mae':
        return fc.tuple(offZero(n), values(n)).map(([d, t]) => make(op, attrs, [d.map((v, i) => v + t[i]), t]));
      case 'bce':
        return fc.tuple(between(n, 0.05, 0.95), between(n, 0, 1)).map(([p, t]) => make(op, attrs, [p, t]));
    }
  });

/** Cases for every op. */
export const OP_CASES: { readonly [K in OpName]: fc.Arbitrary<OpCase> } = {
  linear: fc
    .record({ batch: dim(3), inFeatures: dim(5), outFeatures: dim(5), bias: fc.boolean(), act: fusedActivation })
    .chain(({ act, ...r }) => {
      const attrs = { ...r, ...act };
      const ins = [offZero(r.batch * r.inFeatures), offZero(r.outFeatures * r.inFeatures)];
      if (r.bias) ins.push(values(r.outFeatures));
      return fc.tuple(...ins).map((xs) => make('linear', attrs, xs)).filter(offKinks);
    }),
  conv2d: fc
    .record({
      batch: dim(2), inChannels: dim(2), outChannels: dim(3), kernelH: dim(3), kernelW: dim(3),
      strideH: dim(2), strideW: dim(2), extraH: fc.nat(3), extraW: fc.nat(3),
      padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'), bias: fc.boolean(), act: fusedActivation,
    })
    .chain(({ act, extraH, extraW, ...r }) => {
      const attrs = { ...r, ...act, height: r.kernelH + extraH, width: r.kernelW + extraW };
      const ins = [
        offZero(r.batch * r.inChannels * attrs.height * attrs.width),
        offZero(r.outChannels * r.inChannels * r.kernelH * r.kernelW),
      ];
      if (r.bias) ins.push(values(r.outChannels));
      return fc.tuple(...ins).map((xs) => make('conv2d', attrs, xs)).filter(offKinks);
    }),
  maxpool2d: poolCase('maxpool2d'),
  avgpool2d: poolCase('avgpool2d'),
  activation: fc
    .record({
      shape: fc.array(dim(3), { minLength: 1, maxLength: 3 }),
      kind: fc.constantFrom<ActivationName>(...ACTIVATION_NAMES),
      alpha: fc.double({ min: 0.05, max: 2, noNaN: true }),
    })
    .chain((attrs) => offZero(attrs.shape.reduce((a, b) => a * b, 1), 3).map((x) => make('activation', attrs, [x]))),
  softmax: fc.record({ batch: dim(3), features: dim(5) }).chain((a) => values(a.batch * a.features, 3).map((x) => make('softmax', a, [x]))),
  log_softmax: fc.record({ batch: dim(3), features: dim(5) }).chain((a) => values(a.batch * a.features, 3).map((x) => make('log_softmax', a, [x]))),
  add: fc.array(dim(3), { minLength: 1, maxLength: 3 }).chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc.tuple(values(n), values(n)).map(([a, b]) => make('add', { shape }, [a, b]));
  }),
  dropout: fc
    .record({ shape: fc.array(dim(3), { minLength: 1, maxLength: 3 }), rate: fc.double({ min: 0, max: 0.9, noNaN: true }), training: fc.boolean() })
    .chain((attrs) => {
      const n = attrs.shape.reduce((a, b) => a * b, 1);
      return fc.tuple(values(n), between(n, 0, 0.999)).map(([x, u]) => make('dropout', attrs, [x, u]));
    }),
  batchnorm: fc
    .record({ batch: fc.integer({ min: 2, max: 3 }), channels: dim(3), spatial: fc.constantFrom<number[]>([], [2, 2], [1, 3]), training: fc.boolean() })
    .chain((r) => {
      const shape = [r.batch, r.channels, ...r.spatial];
      const n = shape.reduce((a, b) => a * b, 1);
      const c = r.channels;
      return fc
        .tuple(values(n), between(c, 0.5, 2), values(c), values(c), between(c, 0.5, 2))
        .map((xs) => make('batchnorm', { shape, eps: 1e-5, momentum: 0.1, training: r.training }, xs));
    }),
  layernorm: fc.record({ batch: dim(3), sample: fc.array(dim(3), { minLength: 1, maxLength: 3 }) }).chain((r) => {
    const shape = [r.batch, ...r.sample];
    const d = r.sample.reduce((a, b) => a * b, 1);
    return fc
      .tuple(values(r.batch * d), between(d, 0.5, 2), values(d))
      .map((xs) => make('layernorm', { shape, eps: 1e-5 }, xs));
  }),
  reshape: fc.record({ batch: dim(3), a: dim(3), b: dim(3) }).chain((r) =>
    values(r.batch * r.a * r.b).map((x) => make('reshape', { shape: [r.batch, r.a, r.b], to: [r.batch, r.a * r.b] }, [x])),
  ),
  mse: lossPair('mse'),
  mae: lossPair('mae'),
  huber: fc
    .record({ batch: dim(3), features: dim(4), delta: fc.double({ min: 0.2, max: 2, noNaN: true }) })
    .chain((attrs) => {
      const n = attrs.batch * attrs.features;
      return fc.tuple(values(n, 3), values(n)).map(([p, t]) => {
        // keep |p - t| off delta
        const q = p.map((v, i) => (Math.abs(Math.abs(v - t[i]) - attrs.delta) < 0.01 ? v + 0.05 : v));
        return make('huber', attrs, [q, t]);
      });
    }),
  bce: lossPair('bce'),
  bce_logits: lossPair('bce_logits'),
  softmax_cross_entropy: fc.record({ batch: dim(3), classes: fc.integer({ min: 2, max: 5 }) }).chain((a) =>
    fc.tuple(values(a.batch * a.classes, 3), labels(a.batch, a.classes)).map((xs) => make('softmax_cross_entropy', a, xs)),
  ),
};

/** Output size along one conv axis, re-exported for value tables. */
export { convAxis };
