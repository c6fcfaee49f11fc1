import type { Shape } from '../checker/types.js';
import type { Args, LayerSpec, ParamSpec, ShapeResult, TensorSpec } from './types.js';

/** Every layer name (activations are separate but usable as layers too). */
export type LayerName = 'dense' | 'conv2d' | 'maxpool2d' | 'avgpool2d' | 'flatten' | 'reshape' | 'dropout' | 'batchnorm' | 'layernorm';

/** Reads a numeric argument (the checker guarantees the type before shape rules run). */
export function numArg(args: Args, name: string): number {
  const v = args[name];
  return typeof v === 'number' ? v : NaN;
}

/** Reads a `size2` argument, normalized by the checker to `[h, w]`. */
export function pairArg(args: Args, name: string): [number, number] {
  const v = args[name];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  return [NaN, NaN];
}

const product = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
const fmt = (shape: Shape): string => `[${shape.join(', ')}]`;
const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });

function needFlat(layer: string, input: Shape): ShapeResult | null {
  if (input.length === 1) return null;
  return { ok: false, code: 'NN3004', args: { layer, shape: fmt(input), size: product(input) } };
}

function needChw(layer: string, input: Shape): ShapeResult | null {
  if (input.length === 3) return null;
  return { ok: false, code: 'NN3005', args: { layer, shape: fmt(input) } };
}

/** Shared `dense`/`conv2d` parameters after their own leading ones. */
const weightedParams: readonly ParamSpec[] = [
  { name: 'activation', type: 'activation', default: 'linear', doc: 'Activation applied to the output (default none, i.e. `linear`).' },
  { name: 'init', type: 'initializer', default: 'xavier_uniform', doc: 'Initializer of the weight.' },
  { name: 'bias_init', type: 'initializer', default: 'zeros', doc: 'Initializer of the bias.' },
  { name: 'bias', type: 'boolean', default: true, doc: 'Whether the layer has a bias.' },
  { name: 'regularizer', type: 'regularizer', default: null, doc: 'Penalty on this layer\'s weight, added to the loss.' },
];

function weightAndBias(weightShape: Shape, biasLen: number, fanIn: number, fanOut: number, args: Args): TensorSpec[] {
  const tensors: TensorSpec[] = [
    { role: 'weight', shape: weightShape, trainable: true, regularizable: true, init: { param: 'init' }, regularizerParam: 'regularizer', fanIn, fanOut },
  ];
  if (args['bias'] !== false) {
    tensors.push({ role: 'bias', shape: [biasLen], trainable: true, regularizable: false, init: { param: 'bias_init' }, fanIn, fanOut });
  }
  return tensors;
}

/** Conv/pool output length along one axis (PyTorch floor semantics; `same` documented in docs/reference.md). */
function convLength(n: number, k: number, s: number, padding: string): number {
  if (padding === 'same') return Math.ceil(n / s);
  return Math.floor((n - k) / s) + 1;
}

function pool<N extends 'maxpool2d' | 'avgpool2d'>(name: N, what: string): LayerSpec<N> {
  return {
    kind: 'layer',
    name,
    aliases: [],
    positional: 2,
    params: [
      { name: 'size', type: 'size2', required: true, min: 1, doc: 'Window size: a number or `[h, w]`.' },
      { name: 'stride', type: 'size2', default: { sameAs: 'size' }, min: 1, doc: 'Step between windows (default: the window size).' },
    ],
    summary: `2-D ${what} pooling over each channel of a CHW input.`,
    doc: `Takes the ${what} of each \`size\` window of each channel, moving by \`stride\` (default: the window size, as PyTorch's \`${name === 'maxpool2d' ? 'MaxPool2d' : 'AvgPool2d'}\`). No padding; the output length per axis is floor((n - size) / stride) + 1.`,
    example: `model M {\n  input [1, 28, 28]\n  ${name}(2)\n}\n`,
    weighted: false,
    normalizes: false,
    shape: (input, args) => {
      const bad = needChw(name, input);
      if (bad) return bad;
      const [kh, kw] = pairArg(args, 'size');
      const [sh, sw] = pairArg(args, 'stride');
      const [c, h, w] = input as [number, number, number];
      if (kh > h || kw > w) return { ok: false, code: 'NN3006', args: { layer: name, kernel: fmt([kh, kw]), shape: fmt(input) } };
      return ok([c, convLength(h, kh, sh, 'valid'), convLength(w, kw, sw, 'valid')]);
    },
    tensors: () => [],
  };
}

/** The layer table: a missing entry for a `LayerName` is a compile error. */
export const layers: { readonly [K in LayerName]: LayerSpec<K> } = {
  dense: {
    kind: 'layer',
    name: 'dense',
    aliases: [],
    positional: 1,
    params: [{ name: 'units', type: 'integer', required: true, min: 1, doc: 'Number of outputs.' }, ...weightedParams],
    summary: 'Fully connected layer: y = x W^T + b.',
    doc: 'A fully connected layer, as PyTorch\'s `nn.Linear(in, units)`: its weight is `[units, in]`. The input must be flat (a shape of one axis); put `flatten` before it after convolutions.',
    example: 'model M {\n  input [4]\n  dense(8, activation: relu, init: he_normal)\n}\n',
    weighted: true,
    normalizes: false,
    shape: (input, args) => needFlat('dense', input) ?? ok([numArg(args, 'units')]),
    shapeWithoutInput: (args) => [numArg(args, 'units')],
    tensors: (input, args) => {
      const units = numArg(args, 'units');
      const fanIn = input[0] ?? 0;
      return weightAndBias([units, fanIn], units, fanIn, units, args);
    },
  },
  conv2d: {
    kind: 'layer',
    name: 'conv2d',
    aliases: [],
    positional: 2,
    params: [
      { name: 'filters', type: 'integer', required: true, min: 1, doc: 'Number of output channels.' },
      { name: 'kernel', type: 'size2', required: true, min: 1, doc: 'Kernel size: a number or `[h, w]`.' },
      { name: 'stride', type: 'size2', default: 1, min: 1, doc: 'Step of the kernel: a number or `[h, w]`.' },
      { name: 'padding', type: 'enum', default: 'valid', values: ['valid', 'same'], doc: '`valid` (no padding) or `same` (output length ceil(n / stride)).' },
      ...weightedParams,
    ],
    summary: '2-D convolution over a CHW input.',
    doc: 'A 2-D convolution, as PyTorch\'s `nn.Conv2d`: input `[C, H, W]`, weight `[filters, C, kh, kw]`. With `padding: valid` the output length is floor((n - k) / stride) + 1. With `padding: same` and stride 1 the output keeps the input size, as PyTorch\'s `padding=\'same\'`; with stride > 1 it is ceil(n / stride), as TensorFlow/Keras `same` (extra padding at the bottom/right).',
    example: 'model M {\n  input [1, 28, 28]\n  conv2d(8, 3, padding: same, activation: relu)\n}\n',
    weighted: true,
    normalizes: false,
    shape: (input, args) => {
      const bad = needChw('conv2d', input);
      if (bad) return bad;
      const [kh, kw] = pairArg(args, 'kernel');
      const [sh, sw] = pairArg(args, 'stride');
      const padding = String(args['padding']);
      const [, h, w] = input as [number, number, number];
      if (padding !== 'same' && (kh > h || kw > w)) {
        return { ok: false, code: 'NN3006', args: { layer: 'conv2d', kernel: fmt([kh, kw]), shape: fmt(input) } };
      }
      return ok([numArg(args, 'filters'), convLength(h, kh, sh, padding), convLength(w, kw, sw, padding)]);
    },
    tensors: (input, args) => {
      const filters = numArg(args, 'filters');
      const [kh, kw] = pairArg(args, 'kernel');
      const c = input[0] ?? 0;
      return weightAndBias([filters, c, kh, kw], filters, c * kh * kw, filters * kh * kw, args);
    },
  },
  maxpool2d: pool('maxpool2d', 'maximum'),
  avgpool2d: pool('avgpool2d', 'average'),
  flatten: {
    kind: 'layer',
    name: 'flatten',
    aliases: [],
    positional: 0,
    params: [],
    summary: 'Flattens one sample to one axis (row-major).',
    doc: 'Reshapes `[C, H, W]` (or any shape) to `[C * H * W]`, in row-major order as PyTorch\'s `nn.Flatten()`.',
    example: 'model M {\n  input [2, 3, 3]\n  flatten\n  dense(1)\n}\n',
    weighted: false,
    normalizes: false,
    shape: (input) => ok([product(input)]),
    tensors: () => [],
  },
  reshape: {
    kind: 'layer',
    name: 'reshape',
    aliases: [],
    positional: 1,
    params: [{ name: 'shape', type: 'shape', required: true, doc: 'The new shape of one sample; must hold the same number of elements. One dimension may be -1: inferred.' }],
    summary: 'Changes the shape of one sample, keeping its elements in row-major order.',
    doc: 'Reshapes one sample to `shape` (row-major, no batch dimension). The element counts must match; one dimension may be written `-1` and is then inferred from the input, as in PyTorch (`reshape([1, -1, 28])` on `[784]` gives `[1, 28, 28]`).',
    example: 'model M {\n  input [784]\n  reshape([1, 28, 28])\n  conv2d(4, 3)\n  reshape([4, -1])\n}\n',
    weighted: false,
    normalizes: false,
    shape: (input, args) => {
      const written = (Array.isArray(args['shape']) ? args['shape'] : []) as number[];
      const known = product(written.filter((d) => d !== -1));
      const size = product(input);
      const target = written.includes(-1) && known > 0 && size % known === 0 ? written.map((d) => (d === -1 ? size / known : d)) : written;
      if (target.includes(-1) || product(target) !== size) {
        return { ok: false, code: 'NN3007', args: { from: fmt(input), to: fmt(written), fromSize: size, toSize: target.includes(-1) ? `a multiple of ${known}` : product(target) } };
      }
      return ok(target);
    },
    shapeWithoutInput: (args) => (Array.isArray(args['shape']) && !(args['shape'] as number[]).includes(-1) ? (args['shape'] as number[]) : null),
    tensors: () => [],
  },
  dropout: {
    kind: 'layer',
    name: 'dropout',
    aliases: [],
    positional: 1,
    params: [{ name: 'rate', type: 'number', required: true, min: 0, maxExclusive: 1, doc: 'Fraction of units set to zero during training (the DROP rate).' }],
    summary: 'Randomly zeroes a fraction `rate` of units during training.',
    doc: 'During training each unit is zeroed with probability `rate` and the rest are scaled by 1 / (1 - rate) (inverted dropout, as PyTorch and Keras); in evaluation it does nothing.',
    example: 'model M {\n  input [16]\n  dropout(0.2)\n}\n',
    weighted: false,
    normalizes: false,
    dropoutParam: 'rate',
    shape: (input) => ok(input),
    tensors: () => [],
  },
  batchnorm: {
    kind: 'layer',
    name: 'batchnorm',
    aliases: [],
    positional: 0,
    params: [
      { name: 'momentum', type: 'number', default: 0.1, min: 0, max: 1, doc: 'Weight of the new batch in the running statistics (PyTorch convention).' },
      { name: 'eps', type: 'number', default: 1e-5, minExclusive: 0, doc: 'Added to the variance before the square root.' },
    ],
    summary: 'Batch normalization per feature (flat input) or per channel (CHW input).',
    doc: 'Normalizes with the batch statistics in training and the running statistics in evaluation, as PyTorch\'s `BatchNorm1d` on flat inputs and `BatchNorm2d` on CHW inputs. Parameters `weight` (gamma, ones) and `bias` (beta, zeros) and buffers `running_mean` (zeros) and `running_var` (ones), all of length C = the first axis. Running statistics are not trainable.',
    example: 'model M {\n  input [8]\n  dense(8)\n  batchnorm\n  relu\n}\n',
    weighted: false,
    normalizes: true,
    shape: (input) => ok(input),
    tensors: (input) => {
      const c = input[0] ?? 0;
      const t = (role: TensorSpec['role'], fixed: string, trainable: boolean): TensorSpec => ({
        role,
        shape: [c],
        trainable,
        regularizable: false,
        init: { fixed },
        fanIn: c,
        fanOut: c,
      });
      return [t('weight', 'ones', true), t('bias', 'zeros', true), t('running_mean', 'zeros', false), t('running_var', 'ones', false)];
    },
  },
  layernorm: {
    kind: 'layer',
    name: 'layernorm',
    aliases: [],
    positional: 0,
    params: [{ name: 'eps', type: 'number', default: 1e-5, minExclusive: 0, doc: 'Added to the variance before the square root.' }],
    summary: 'Layer normalization over the whole sample.',
    doc: 'Normalizes each sample over all its elements, then scales and shifts by `weight` (ones) and `bias` (zeros) of the whole sample shape, as PyTorch\'s `nn.LayerNorm(sample_shape)`.',
    example: 'model M {\n  input [8]\n  layernorm\n}\n',
    weighted: false,
    normalizes: true,
    shape: (input) => ok(input),
    tensors: (input) => {
      const n = product(input);
      return [
        { role: 'weight', shape: input, trainable: true, regularizable: false, init: { fixed: 'ones' }, fanIn: n, fanOut: n },
        { role: 'bias', shape: input, trainable: true, regularizable: false, init: { fixed: 'zeros' }, fanIn: n, fanOut: n },
      ];
    },
  },
};
