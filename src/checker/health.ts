import { activationGain2, findBuiltin, type ActivationSpec, type InitializerSpec, type LayerSpec, type OptimizerSpec } from '../builtins/index.js';
import type { DiagnosticSink } from '../diagnostics/index.js';
import { replaceFix } from './context.js';
import { flattenLayers } from './model.js';
import type { BuiltinRef, CheckedLayer, CheckedModel, CheckedNode, CheckedTrain } from './types.js';

/** Below this the gradient-scale estimate warns "vanishing" (NN8001). */
export const vanishingThreshold = 1e-4;
/** Above this it warns "exploding" (NN8002). */
export const explodingThreshold = 1e4;
/** Weight layers from which a large learning rate without clipping is warned about (NN8008). */
export const deepStackDepth = 8;

/** The result of the signal-propagation estimate. */
export interface GradientEstimate {
  /** Approximate ratio of the gradient's scale at the first layer to its scale at the output. */
  readonly scale: number;
  /** Number of weight layers (dense, conv2d). */
  readonly depth: number;
  /** The weight layer whose own factor (init x activation) is furthest from 1. */
  readonly worst: { readonly layer: string; readonly factor: number } | null;
}

const isRef = (v: unknown): v is BuiltinRef => typeof v === 'object' && v !== null && !Array.isArray(v) && 'builtin' in v;
const layerSpec = (l: CheckedLayer): LayerSpec | undefined => (l.kind === 'layer' ? (findBuiltin(l.builtin, ['layer']) as LayerSpec) : undefined);
const activationSpec = (name: string): ActivationSpec => findBuiltin(name, ['activation']) as ActivationSpec;

/**
 * Estimates how the gradient's scale changes from the output back to the first layer: each weight
 * layer multiplies the gradient variance by Var(w) x fan_in times its activation's mean squared
 * derivative (`activationGain2`), normalization layers reset it to 1, and a residual block
 * multiplies it by (1 + body). The estimate is the square root of the product. Returns null
 * when a shape is unknown (the model has errors) or there is no weight layer. Layers with a
 * constant init count as 1 (their problem is symmetry, reported separately as NN8003).
 */
export function estimateGradientScale(model: CheckedModel): GradientEstimate | null {
  if (!model.valid) return null;
  const factors: { layer: string; f2: number }[] = [];
  const s2 = walk(model.nodes, factors);
  if (factors.length === 0) return null;
  let worst: GradientEstimate['worst'] = null;
  for (const f of factors) {
    const factor = Math.sqrt(f.f2);
    if (!worst || Math.abs(Math.log(factor)) > Math.abs(Math.log(worst.factor))) worst = { layer: f.layer, factor };
  }
  return { scale: Math.sqrt(s2), depth: factors.length, worst };
}

function walk(nodes: readonly CheckedNode[], factors: { layer: string; f2: number }[]): number {
  let s2 = 1;
  let last: { layer: string; f2: number } | null = null;
  for (const node of nodes) {
    if (node.type === 'residual') {
      s2 *= 1 + walk(node.body, factors);
      last = null;
      continue;
    }
    const spec = layerSpec(node);
    if (spec?.normalizes) {
      s2 = 1;
      last = null;
    } else if (spec?.weighted) {
      const weight = node.params.find((p) => p.role === 'weight');
      const init = weight ? (findBuiltin(weight.init.builtin, ['initializer']) as InitializerSpec) : undefined;
      // Constant inits have variance 0; NN8003 reports them, the estimate treats them as neutral.
      let f2 = weight && init && !init.constant ? init.variance(weight.fanIn, weight.fanOut, weight.init.args) * weight.fanIn : 1;
      const act = node.args['activation'];
      if (isRef(act)) f2 *= activationGain2(activationSpec(act.builtin), act.args);
      last = { layer: node.name, f2 };
      factors.push(last);
      s2 *= f2;
    } else if (node.kind === 'activation') {
      const g2 = activationGain2(activationSpec(node.builtin), node.args);
      s2 *= g2;
      if (last) last.f2 *= g2;
    }
  }
  return s2;
}

const sci = (x: number): string => (x === 0 ? '0' : x.toExponential(1));

/** The activation applied right after a weight layer: its own `activation:`, else a following activation layer. */
function activationAfter(layers: readonly CheckedLayer[], i: number): string {
  const own = layers[i]!.args['activation'];
  if (isRef(own) && own.builtin !== 'linear') return own.builtin;
  const next = layers[i + 1];
  return next && next.kind === 'activation' ? next.builtin : 'linear';
}

/** The activation a model's output ends in (`linear` when the last weight layer has none). */
export function finalActivation(model: CheckedModel): string {
  let act = 'linear';
  for (const node of model.nodes) {
    if (node.type === 'residual') act = 'linear';
    else if (node.kind === 'activation') act = node.builtin === 'linear' ? act : node.builtin;
    else {
      const spec = layerSpec(node);
      if (spec?.weighted) act = isRef(node.args['activation']) ? (node.args['activation'] as BuiltinRef).builtin : 'linear';
      else if (spec?.normalizes) act = 'linear';
    }
  }
  return act;
}

/** Model-level lints: gradient health, constant init, init/activation mismatch, dropout rate, double softmax. */
export function lintModel(sink: DiagnosticSink, model: CheckedModel): void {
  const estimate = estimateGradientScale(model);
  if (estimate && estimate.worst && (estimate.scale < vanishingThreshold || estimate.scale > explodingThreshold)) {
    sink.report(estimate.scale < vanishingThreshold ? 'NN8001' : 'NN8002', model.nameRange, {
      model: model.name,
      estimate: sci(estimate.scale),
      depth: estimate.depth,
      layer: estimate.worst.layer,
      factor: estimate.worst.factor.toPrecision(2),
    });
  }
  const layers = flattenLayers(model.nodes);
  // Layers unrolled from one `repeat` share their source; warn once per place.
  const reported = new Set<string>();
  const once = (code: string, range: { startOffset: number }): boolean => {
    const key = `${code}@${range.startOffset}`;
    if (reported.has(key)) return false;
    reported.add(key);
    return true;
  };
  let previousSoftmax: string | null = null;
  for (const [i, layer] of layers.entries()) {
    const spec = layerSpec(layer);
    const initRange = layer.argRanges['init'];
    const init = layer.args['init'];
    if (spec?.weighted && isRef(init) && initRange) {
      const initSpec = findBuiltin(init.builtin, ['initializer']) as InitializerSpec;
      if (initSpec.constant && once('NN8003', initRange)) {
        sink.report('NN8003', initRange, { layer: layer.name, init: init.builtin }, { fix: replaceFix("use 'xavier_uniform'", initRange, 'xavier_uniform') });
      }
      const activation = activationAfter(layers, i);
      const wants = activationSpec(activation).prefersInit;
      const mismatch = (initSpec.family === 'he' && wants === 'xavier') || (initSpec.family === 'xavier' && wants === 'he');
      const suggested = wants ? initSpec.counterparts[wants] : undefined;
      if (mismatch && suggested && once('NN8004', initRange)) {
        sink.report(
          'NN8004',
          initRange,
          { init: init.builtin, meantFor: initSpec.family === 'he' ? 'relu-like' : 'sigmoid/tanh-like', layer: layer.name, activation, suggested },
          { fix: replaceFix(`use '${suggested}'`, initRange, suggested) },
        );
      }
    }
    const rate = spec?.dropoutParam ? layer.args[spec.dropoutParam] : undefined;
    const rateRange = spec?.dropoutParam ? layer.argRanges[spec.dropoutParam] : undefined;
    if (typeof rate === 'number' && rate > 0.5 && rateRange && once('NN8005', rateRange)) {
      const keep = Number((1 - rate).toPrecision(6));
      sink.report('NN8005', rateRange, { rate, keep }, { fix: replaceFix(`use ${keep}`, rateRange, String(keep)) });
    }
    if (layer.kind === 'activation') {
      const act = activationSpec(layer.builtin);
      if (act.softmaxLike && previousSoftmax && once('NN8006', layer.range)) sink.report('NN8006', layer.range, { first: previousSoftmax, second: layer.builtin });
      if (act.softmaxLike) previousSoftmax = layer.builtin;
    } else if (spec?.weighted) {
      const own = layer.args['activation'];
      previousSoftmax = isRef(own) && activationSpec(own.builtin).softmaxLike ? own.builtin : null;
    } else if (spec?.normalizes) previousSoftmax = null;
  }
}

/** Train-level lints: a loss re-applying the final activation, a large lr in a deep stack without clipping. */
export function lintTrain(sink: DiagnosticSink, train: CheckedTrain, model: CheckedModel | undefined): void {
  if (!model || !model.valid) return;
  if (train.loss) {
    const final = finalActivation(model);
    const loss = findBuiltin(train.loss.builtin, ['loss']);
    const reason = loss && loss.kind === 'loss' ? loss.reapplies[final] : undefined;
    if (reason) sink.report('NN8007', train.loss.range, { model: model.name, activation: final, loss: train.loss.builtin, reason });
  }
  const depth = flattenLayers(model.nodes).filter((l) => layerSpec(l)?.weighted).length;
  const opt = train.optimizer;
  const lr = opt?.args['lr'];
  if (opt && typeof lr === 'number' && depth >= deepStackDepth && !train.clip) {
    const spec = findBuiltin(opt.builtin, ['optimizer']) as OptimizerSpec;
    if (lr > spec.largeLr) sink.report('NN8008', opt.range, { lr, optimizer: opt.builtin, depth, limit: spec.largeLr });
  }
}
