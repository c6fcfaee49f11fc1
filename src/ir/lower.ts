/**
 * Lowering: a checked model (valid only) and its train block become an IR graph in training
 * mode, unoptimized: activations are separate nodes, cross-entropy on a final softmax is written
 * as `softmax_cross_entropy(log_softmax(logits))`, dropout and batchnorm are in training mode.
 * The passes in `src/passes/` then fuse, specialize for inference and clean up.
 */
import type { ArgValue, BuiltinRef, CheckedModel, CheckedNode, CheckedTrain } from '../checker/types.js';
import type { ActivationName } from '../runtime/ops/activations.js';
import type { OpAttrs, OpName } from '../runtime/ops/types.js';
import { sizeOf } from '../runtime/tensor.js';
import { refArgs, type IrGraph, type IrNode, type IrParam, type IrValue, type IrValueKind } from './types.js';

/** Options of lowering. */
export interface LowerOptions {
  /** The batch capacity: the first dimension of every batched value. */
  readonly batchCapacity: number;
}

function pair(v: ArgValue | undefined): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  throw new Error(`lowering: expected a size, got ${JSON.stringify(v)}`);
}

function isRef(v: ArgValue | undefined): v is BuiltinRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: ArgValue | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** Builds the graph; values and nodes get consecutive ids. */
class Builder {
  readonly values: IrValue[] = [];
  readonly nodes: IrNode[] = [];
  readonly layers: string[] = [];
  readonly reluOutputs: { layer: string; value: number }[] = [];
  readonly paramValues = new Map<string, number>();
  constructor(readonly b: number) {}

  value(kind: IrValueKind, sample: readonly number[] | null, layer: string, param?: string): number {
    const id = this.values.length;
    const shape = sample === null ? [1] : [this.b, ...sample];
    this.values.push(param === undefined ? { id, kind, shape, batched: sample !== null, layer } : { id, kind, shape, batched: false, layer, param });
    return id;
  }

  paramValue(name: string, layer: string, shape: readonly number[], trainable: boolean): number {
    const id = this.values.length;
    this.values.push({ id, kind: trainable ? 'param' : 'buffer', shape: [...shape], batched: false, layer, param: name });
    this.paramValues.set(name, id);
    return id;
  }

  node<K extends OpName>(op: K, attrs: OpAttrs[K], inputs: number[], sample: readonly number[] | null, layer: string): number {
    const output = this.value('activation', sample, layer);
    this.nodes.push({ id: this.nodes.length, op, attrs, inputs, output, layer } as IrNode);
    return output;
  }

  sample(v: number): number[] {
    return this.values[v].shape.slice(1);
  }

  /** An activation by name over value `x` (softmax-like ones become their own ops). */
  activation(name: string, alpha: number, x: number, layer: string): number {
    const s = this.sample(x);
    if (name === 'linear') return x;
    if (name === 'softmax' || name === 'log_softmax') {
      return this.node(name, { batch: this.b, features: sizeOf(s) }, [x], s, layer);
    }
    const out = this.node('activation', { shape: [this.b, ...s], kind: name as ActivationName, alpha }, [x], s, layer);
    if (name === 'relu') this.reluOutputs.push({ layer, value: out });
    return out;
  }
}

function paramsOf(b: Builder, node: CheckedNode & { type: 'layer' }): number[] {
  return node.params.map((p) => b.paramValue(p.name, node.name, p.shape, p.trainable));
}

function lowerLayer(b: Builder, layer: CheckedNode & { type: 'layer' }, x: number): number {
  const name = layer.name;
  if (!b.layers.includes(name)) b.layers.push(name);
  const inS = b.sample(x);
  const out = layer.outputShape ?? [];
  const a = layer.args;
  const ps = paramsOf(b, layer);
  const act = isRef(a['activation']) ? a['activation'] : null;
  const fused = (y: number): number => (act ? b.activation(act.builtin, num(act.args['alpha'], 0), y, name) : y);
  switch (layer.kind === 'activation' ? 'activation' : layer.builtin) {
    case 'activation':
      return b.activation(layer.builtin, num(a['alpha'], 0), x, name);
    case 'dense': {
      const bias = a['bias'] !== false;
      const y = b.node('linear', {
        batch: b.b, inFeatures: sizeOf(inS), outFeatures: sizeOf(out), bias, activation: 'linear', alpha: 0,
      }, [x, ...ps], out, name);
      return fused(y);
    }
    case 'conv2d': {
      const [kernelH, kernelW] = pair(a['kernel']);
      const [strideH, strideW] = pair(a['stride']);
      const y = b.node('conv2d', {
        batch: b.b, inChannels: inS[0], height: inS[1], width: inS[2], outChannels: out[0],
        kernelH, kernelW, strideH, strideW, padding: a['padding'] === 'same' ? 'same' : 'valid',
        bias: a['bias'] !== false, activation: 'linear', alpha: 0,
      }, [x, ...ps], out, name);
      return fused(y);
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const [kernelH, kernelW] = pair(a['size']);
      const [strideH, strideW] = pair(a['stride']);
      const attrs = { batch: b.b, channels: inS[0], height: inS[1], width: inS[2], kernelH, kernelW, strideH, strideW };
      return b.node(layer.builtin === 'maxpool2d' ? 'maxpool2d' : 'avgpool2d', attrs, [x], out, name);
    }
    case 'flatten':
    case 'reshape':
      return b.node('reshape', { shape: [b.b, ...inS], to: [b.b, ...out] }, [x], out, name);
    case 'dropout': {
      const u = b.value('noise', inS, name);
      return b.node('dropout', { shape: [b.b, ...inS], rate: num(a['rate'], 0), training: true }, [x, u], out, name);
    }
    case 'batchnorm':
      return b.node('batchnorm', {
        shape: [b.b, ...inS], eps: num(a['eps'], 1e-5), momentum: num(a['momentum'], 0.1), training: true,
      }, [x, ...ps], out, name);
    case 'layernorm':
      return b.node('layernorm', { shape: [b.b, ...inS], eps: num(a['eps'], 1e-5) }, [x, ...ps], out, name);
    default:
      throw new Error(`lowering: no lowering for layer ${layer.builtin}`);
  }
}

function lowerNodes(b: Builder, nodes: readonly CheckedNode[], x: number): number {
  let cur = x;
  for (const node of nodes) {
    if (node.type === 'layer') {
      cur = lowerLayer(b, node, cur);
    } else {
      const body = lowerNodes(b, node.body, cur);
      const s = b.sample(cur);
      const owner = b.values[body].layer;
      cur = b.node('add', { shape: [b.b, ...s] }, [cur, body], s, owner);
    }
  }
  return cur;
}

function flat(b: Builder, v: number, layer: string): number {
  const s = b.sample(v);
  return s.length === 1 ? v : b.node('reshape', { shape: [b.b, ...s], to: [b.b, sizeOf(s)] }, [v], [sizeOf(s)], layer);
}

/** Appends the data-loss node; returns the loss value, the target value and the target size. */
function lowerLoss(b: Builder, loss: BuiltinRef, output: number): { loss: number; target: number; targetSize: number } {
  const features = sizeOf(b.sample(output));
  const layer = b.values[output].layer;
  const producer = b.nodes.find((n) => n.output === output);
  switch (loss.builtin) {
    case 'cross_entropy': {
      const target = b.value('target', [], 'loss');
      let logits = flat(b, output, layer);
      if (producer?.op === 'softmax') {
        logits = b.node('log_softmax', { batch: b.b, features }, [producer.inputs[0]], [features], layer);
      }
      const l = b.node('softmax_cross_entropy', { batch: b.b, classes: features }, [logits, target], null, 'loss');
      return { loss: l, target, targetSize: 1 };
    }
    case 'binary_cross_entropy': {
      const target = b.value('target', [features], 'loss');
      const probs = producer?.op === 'activation' && producer.attrs.kind === 'sigmoid';
      const l = b.node(probs ? 'bce' : 'bce_logits', { batch: b.b, features }, [flat(b, output, layer), target], null, 'loss');
      return { loss: l, target, targetSize: features };
    }
    case 'mse':
    case 'mae':
    case 'huber': {
      const target = b.value('target', [features], 'loss');
      const p = flat(b, output, layer);
      const l = loss.builtin === 'huber'
        ? b.node('huber', { batch: b.b, features, delta: num(loss.args['delta'], 1) }, [p, target], null, 'loss')
        : b.node(loss.builtin, { batch: b.b, features }, [p, target], null, 'loss');
      return { loss: l, target, targetSize: features };
    }
    default:
      throw new Error(`lowering: no lowering for loss ${loss.builtin}`);
  }
}

function ruleOf(ref: BuiltinRef): { name: string; args: Record<string, number> } {
  return { name: ref.builtin, args: refArgs(ref) };
}

/**
 * Lowers a valid checked model and its train block to the training-mode IR graph.
 * Throws (an internal error) on a model with errors: the checker must have accepted it.
 */
export function lower(model: CheckedModel, train: CheckedTrain, options: LowerOptions): IrGraph {
  if (!model.valid || !model.inputShape || !model.outputShape) throw new Error(`lowering: model ${model.name} has errors`);
  if (!train.loss || !train.optimizer) throw new Error('lowering: the train block has no loss or optimizer');
  const b = new Builder(options.batchCapacity);
  const input = b.value('input', model.inputShape, 'input');
  const output = lowerNodes(b, model.nodes, input);
  const { loss, target, targetSize } = lowerLoss(b, train.loss, output);
  const global = train.regularize;
  const params: IrParam[] = model.params.map((p) => {
    const regularizers = [];
    if (p.regularizer) regularizers.push(ruleOf(p.regularizer));
    if (global && p.regularizable && p.trainable) regularizers.push(ruleOf(global));
    return {
      name: p.name, layer: p.layer, shape: p.shape, trainable: p.trainable,
      init: ruleOf(p.init), regularizers, value: b.paramValues.get(p.name) ?? -1,
    };
  });
  const optArgs: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(train.optimizer.args)) if (typeof v === 'number' || typeof v === 'boolean') optArgs[k] = v;
  return {
    model: model.name,
    mode: 'train',
    capacity: options.batchCapacity,
    inputShape: model.inputShape,
    outputShape: model.outputShape,
    targetSize,
    values: b.values,
    nodes: b.nodes,
    input,
    target,
    output,
    loss,
    params,
    layers: b.layers,
    reluOutputs: b.reluOutputs,
    training: {
      optimizer: { name: train.optimizer.builtin, args: optArgs },
      clip: train.clip ? ruleOf(train.clip) : null,
      loss: train.loss.builtin,
    },
  };
}
