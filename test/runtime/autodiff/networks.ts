/**
 * Random valid stacks of layers as autodiff graphs, for whole-network gradient checks.
 * A stack is drawn as a list of layer "choices" (plain integers) that `buildNetwork` interprets
 * against the current shape, so every drawn stack is valid by construction.
 */
import fc from 'fast-check';
import type { Graph, GraphLeaf, GraphNode } from '../../../src/runtime/autodiff/index.js';
import { ACTIVATION_NAMES, convAxis } from '../../../src/runtime/ops/index.js';
import type { ActivationName } from '../../../src/runtime/ops/index.js';
import { sizeOf } from '../../../src/runtime/tensor.js';

/** One drawn layer. */
export interface LayerChoice {
  readonly kind: number;
  readonly size: number;
  readonly kernel: number;
  readonly stride: number;
  readonly same: boolean;
  readonly act: number;
  readonly bias: boolean;
}

/** A drawn network: input shape, layers, loss, batch, and a seed for the leaf values. */
export interface NetworkChoice {
  readonly image: boolean;
  readonly batch: number;
  readonly layers: readonly LayerChoice[];
  readonly loss: number;
  readonly seed: number;
}

export const networkChoice: fc.Arbitrary<NetworkChoice> = fc.record({
  image: fc.boolean(),
  batch: fc.integer({ min: 2, max: 3 }),
  layers: fc.array(
    fc.record({
      kind: fc.nat(20), size: fc.integer({ min: 1, max: 4 }), kernel: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 2 }), same: fc.boolean(), act: fc.nat(20), bias: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  loss: fc.nat(5),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

/** Activations without a kink, safe to fuse where no margin check can see the pre-activation. */
const SMOOTH: readonly ActivationName[] = ['linear', 'tanh', 'sigmoid', 'gelu', 'silu', 'softplus'];

/** A small deterministic generator for leaf values (test-local, so tests do not depend on src/runtime/random). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The graph and its float64 leaf values. */
export interface Network {
  readonly graph: Graph;
  readonly leaves: Record<string, Float64Array>;
}

/** Interprets a drawn network into a graph (every node's shapes fit by construction). */
export function buildNetwork(choice: NetworkChoice): Network {
  const rand = lcg(choice.seed);
  const leaves: GraphLeaf[] = [];
  const values: Record<string, Float64Array> = {};
  const nodes: GraphNode[] = [];
  const B = choice.batch;
  const leaf = (name: string, shape: number[], fill: () => number): string => {
    leaves.push({ name, shape });
    values[name] = Float64Array.from({ length: sizeOf(shape) }, fill);
    return name;
  };
  const normal = () => (rand() + rand() + rand() - 1.5) * 1.4;
  let shape: number[] = choice.image ? [B, 1 + (choice.seed % 2), 5, 5] : [B, 3];
  let cur = leaf('x', shape, normal);
  const add = (node: Omit<GraphNode, 'name'>, out: number[]): void => {
    const name = `n${nodes.length}`;
    nodes.push({ ...node, name } as GraphNode);
    cur = name;
    shape = out;
  };
  const flatten = (): void => {
    if (shape.length === 2) return;
    const to = [B, sizeOf(shape.slice(1))];
    add({ op: 'reshape', attrs: { shape, to }, inputs: [cur] }, to);
  };
  const dense = (i: number, units: number, c: LayerChoice, activation: ActivationName): void => {
    const inF = shape[1];
    const w = leaf(`dense${i}.weight`, [units, inF], () => normal() / Math.sqrt(inF));
    const ins = [cur, w];
    if (c.bias) ins.push(leaf(`dense${i}.bias`, [units], normal));
    add({ op: 'linear', attrs: { batch: B, inFeatures: inF, outFeatures: units, bias: c.bias, activation, alpha: 0 }, inputs: ins }, [B, units]);
  };
  choice.layers.forEach((c, i) => {
    const smooth = SMOOTH[c.act % SMOOTH.length];
    const image = shape.length === 4;
    const kinds = image
      ? ['conv', 'maxpool', 'avgpool', 'flatten', 'activation', 'batchnorm', 'layernorm', 'dropout', 'residual']
      : ['dense', 'activation', 'batchnorm', 'layernorm', 'dropout', 'residual', 'softmax'];
    const kind = kinds[c.kind % kinds.length];
    const [, C, H, W] = shape;
    switch (kind) {
      case 'dense':
        return dense(i, c.size + 1, c, smooth);
      case 'conv': {
        const k = Math.min(c.kernel, H, W);
        const padding = c.same ? 'same' : 'valid';
        const oh = convAxis(H, k, c.stride, padding).out;
        const ow = convAxis(W, k, c.stride, padding).out;
        const w = leaf(`conv${i}.weight`, [c.size, C, k, k], () => normal() / Math.sqrt(C * k * k));
        const ins = [cur, w];
        if (c.bias) ins.push(leaf(`conv${i}.bias`, [c.size], normal));
        return add({
          op: 'conv2d',
          attrs: { batch: B, inChannels: C, height: H, width: W, outChannels: c.size, kernelH: k, kernelW: k, strideH: c.stride, strideW: c.stride, padding, bias: c.bias, activation: smooth, alpha: 0 },
          inputs: ins,
        }, [B, c.size, oh, ow]);
      }
      case 'maxpool':
      case 'avgpool': {
        const k = Math.min(2, H, W);
        const attrs = { batch: B, channels: C, height: H, width: W, kernelH: k, kernelW: k, strideH: k, strideW: k };
        return add({ op: kind === 'maxpool' ? 'maxpool2d' : 'avgpool2d', attrs, inputs: [cur] }, [B, C, Math.floor(H / k), Math.floor(W / k)]);
      }
      case 'flatten':
        return flatten();
      case 'activation': {
        const kindName = ACTIVATION_NAMES[c.act % ACTIVATION_NAMES.length];
        return add({ op: 'activation', attrs: { shape, kind: kindName, alpha: 0.1 * c.size }, inputs: [cur] }, shape);
      }
      case 'batchnorm': {
        const ch = shape[1];
        const ins = [cur, leaf(`bn${i}.weight`, [ch], () => 0.5 + rand()), leaf(`bn${i}.bias`, [ch], normal),
          leaf(`bn${i}.running_mean`, [ch], () => 0), leaf(`bn${i}.running_var`, [ch], () => 1)];
        return add({ op: 'batchnorm', attrs: { shape, eps: 1e-5, momentum: 0.1, training: c.bias }, inputs: ins }, shape);
      }
      case 'layernorm': {
        const sample = shape.slice(1);
        const ins = [cur, leaf(`ln${i}.weight`, sample, () => 0.5 + rand()), leaf(`ln${i}.bias`, sample, normal)];
        return add({ op: 'layernorm', attrs: { shape, eps: 1e-5 }, inputs: ins }, shape);
      }
      case 'dropout': {
        const u = leaf(`dropout${i}.uniform`, shape, rand);
        return add({ op: 'dropout', attrs: { shape, rate: 0.3, training: true }, inputs: [cur, u] }, shape);
      }
      case 'residual': {
        const skip = cur;
        const before = shape;
        if (image) {
          const w = leaf(`res${i}.weight`, [C, C, 3, 3], () => normal() / Math.sqrt(9 * C));
          add({
            op: 'conv2d',
            attrs: { batch: B, inChannels: C, height: H, width: W, outChannels: C, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padding: 'same', bias: false, activation: smooth, alpha: 0 },
            inputs: [cur, w],
          }, before);
        } else {
          dense(i, shape[1], c, smooth);
        }
        return add({ op: 'add', attrs: { shape: before }, inputs: [skip, cur] }, before);
      }
      case 'softmax':
        return add({ op: 'softmax', attrs: { batch: B, features: shape[1] }, inputs: [cur] }, shape);
    }
  });
  flatten();
  const F = shape[1];
  const losses = ['mse', 'cross_entropy', 'bce_logits', 'huber', 'bce', 'mae'] as const;
  const loss = losses[choice.loss % losses.length];
  if (loss === 'cross_entropy') {
    const y = leaf('labels', [B], () => Math.floor(rand() * F));
    add({ op: 'softmax_cross_entropy', attrs: { batch: B, classes: F }, inputs: [cur, y] }, [1]);
  } else if (loss === 'bce') {
    add({ op: 'activation', attrs: { shape, kind: 'sigmoid', alpha: 0 }, inputs: [cur] }, shape);
    const y = leaf('target', shape, rand);
    add({ op: 'bce', attrs: { batch: B, features: F }, inputs: [cur, y] }, [1]);
  } else {
    const y = leaf('target', shape, loss === 'bce_logits' ? rand : normal);
    const attrs = loss === 'huber' ? { batch: B, features: F, delta: 1 } : { batch: B, features: F };
    add({ op: loss, attrs, inputs: [cur, y] } as Omit<GraphNode, 'name'>, [1]);
  }
  return { graph: { leaves, nodes, output: cur }, leaves: values };
}
