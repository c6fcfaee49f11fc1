/**
 * Layers as PyTorch code: one table entry per layer of the registry, giving the module to
 * register under the layer's name (layers with parameters) and the forward statements.
 */
import type { LayerName } from '../../builtins/layers.js';
import type { ArgValue, BuiltinRef, CheckedLayer } from '../../checker/types.js';
import { pyFloat, pyNumber, pyString, pyTuple } from '../python.js';
import { activationLines } from './activations.js';

/** What one layer contributes to `model.py`. */
export interface LayerCode {
  /** The constructor expression of the module registered as `L[name]`, when the layer has parameters. */
  readonly module?: string;
  /** Forward statements reading and assigning `x`; `self.L(name)` is written as `L[<name>]`. */
  readonly forward: readonly string[];
}

type Emit = (layer: CheckedLayer) => LayerCode;

/** `L["name"]`: the registered module, the name as an escaped string literal. */
export const moduleRef = (layer: CheckedLayer): string => `L[${pyString(layer.name)}]`;

const pair = (v: ArgValue | undefined): [number, number] =>
  typeof v === 'number' ? [v, v] : Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [NaN, NaN];

/** The `activation:` argument: a name or a resolved reference with its own arguments. */
export function fusedActivation(layer: CheckedLayer): { name: string; args: Readonly<Record<string, ArgValue>> } {
  const a = layer.args['activation'];
  if (typeof a === 'string') return { name: a, args: {} };
  if (a && typeof a === 'object' && !Array.isArray(a)) {
    const ref = a as BuiltinRef;
    return { name: ref.builtin, args: ref.args };
  }
  return { name: 'linear', args: {} };
}

const shapeOf = (layer: CheckedLayer, which: 'in' | 'out'): readonly number[] => {
  const s = which === 'in' ? layer.inputShape : layer.outputShape;
  if (!s) throw new Error(`export: layer ${layer.name} has an unknown shape`);
  return s;
};

/** `same` padding as TensorFlow/Keras: total = max((out - 1) * s + k - n, 0), the smaller half first. */
export function samePadding(n: number, k: number, s: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  const first = Math.floor(total / 2);
  return [first, total - first];
}

const pool = (kind: string): Emit => (layer) => {
  const [kh, kw] = pair(layer.args['size']);
  const [sh, sw] = pair(layer.args['stride']);
  return { forward: [`x = F.${kind}(x, kernel_size=${pyTuple([kh, kw])}, stride=${pyTuple([sh, sw])})`] };
};

/** The layer table: a missing entry for a `LayerName` is a compile error. */
export const torchLayers: { readonly [K in LayerName]: Emit } = {
  dense: (layer) => {
    const [inF] = shapeOf(layer, 'in');
    const act = fusedActivation(layer);
    return {
      module: `nn.Linear(${pyNumber(inF!)}, ${pyNumber(Number(layer.args['units']))}, bias=${layer.args['bias'] === false ? 'False' : 'True'})`,
      forward: [`x = ${moduleRef(layer)}(x)`, ...activationLines(act.name, act.args)],
    };
  },
  conv2d: (layer) => {
    const [c, h, w] = shapeOf(layer, 'in') as [number, number, number];
    const [kh, kw] = pair(layer.args['kernel']);
    const [sh, sw] = pair(layer.args['stride']);
    const act = fusedActivation(layer);
    const lines: string[] = [];
    let padding = '0';
    if (layer.args['padding'] === 'same') {
      const [top, bottom] = samePadding(h, kh, sh);
      const [left, right] = samePadding(w, kw, sw);
      // Symmetric padding fits Conv2d's own argument; TF's asymmetric `same` needs an explicit pad.
      if (top === bottom && left === right) padding = pyTuple([top, left]);
      else lines.push(`x = F.pad(x, ${pyTuple([left, right, top, bottom])})`);
    }
    const args = [
      pyNumber(c),
      pyNumber(Number(layer.args['filters'])),
      `kernel_size=${pyTuple([kh, kw])}`,
      `stride=${pyTuple([sh, sw])}`,
      `padding=${padding}`,
      `bias=${layer.args['bias'] === false ? 'False' : 'True'}`,
    ];
    return {
      module: `nn.Conv2d(${args.join(', ')})`,
      forward: [...lines, `x = ${moduleRef(layer)}(x)`, ...activationLines(act.name, act.args)],
    };
  },
  maxpool2d: pool('max_pool2d'),
  avgpool2d: pool('avg_pool2d'),
  flatten: () => ({ forward: ['x = x.flatten(1)'] }),
  reshape: (layer) => ({ forward: [`x = x.reshape((x.shape[0],) + ${pyTuple(shapeOf(layer, 'out'))})`] }),
  dropout: (layer) => ({ forward: [`x = F.dropout(x, p=${pyFloat(Number(layer.args['rate']))}, training=self.training)`] }),
  batchnorm: (layer) => {
    const input = shapeOf(layer, 'in');
    const cls = input.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
    return {
      module: `nn.${cls}(${pyNumber(input[0]!)}, eps=${pyFloat(Number(layer.args['eps']))}, momentum=${pyFloat(Number(layer.args['momentum']))})`,
      forward: [`x = ${moduleRef(layer)}(x)`],
    };
  },
  layernorm: (layer) => ({
    module: `nn.LayerNorm(${pyTuple(shapeOf(layer, 'in'))}, eps=${pyFloat(Number(layer.args['eps']))})`,
    forward: [`x = ${moduleRef(layer)}(x)`],
  }),
};

/** Whether `name` is a layer of the table. */
export function isTorchLayer(name: string): name is LayerName {
  return Object.prototype.hasOwnProperty.call(torchLayers, name);
}
