import type { ActivationSpec, Args, InitFamily } from './types.js';

export type ActivationName =
  | 'linear'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'silu'
  | 'softplus'
  | 'softsign'
  | 'softmax'
  | 'log_softmax';

const alphaOf = (args: Args, fallback: number): number => (typeof args['alpha'] === 'number' ? args['alpha'] : fallback);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
/** Standard normal density and CDF (Abramowitz-Stegun erf), for gelu's derivative. */
const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
function Phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

interface Extra {
  readonly aliases?: readonly string[];
  readonly params?: ActivationSpec['params'];
  readonly derivative?: ActivationSpec['derivative'];
  readonly fixedGain2?: number;
  readonly torchGain?: ActivationSpec['torchGain'];
  readonly prefersInit?: InitFamily | null;
  readonly softmaxLike?: boolean;
}

function activation<N extends ActivationName>(name: N, summary: string, doc: string, extra: Extra): ActivationSpec<N> {
  const params = extra.params ?? [];
  return {
    kind: 'activation',
    name,
    aliases: extra.aliases ?? [],
    params,
    positional: params.length,
    summary,
    doc: `${doc} Usable as a layer (\`${name}\`) or as \`activation: ${name}\` of \`dense\`/\`conv2d\`.`,
    example: `model M {\n  input [4]\n  dense(3)\n  ${name}\n}\n`,
    ...(extra.derivative ? { derivative: extra.derivative } : {}),
    ...(extra.fixedGain2 !== undefined ? { fixedGain2: extra.fixedGain2 } : {}),
    torchGain: extra.torchGain ?? (() => 1),
    prefersInit: extra.prefersInit ?? null,
    softmaxLike: extra.softmaxLike ?? false,
    flatOnly: extra.softmaxLike ?? false,
  };
}

const alphaParam = (fallback: number, doc: string): ActivationSpec['params'] => [
  { name: 'alpha', type: 'number', default: fallback, min: 0, doc },
];

/** The activation table. */
export const activations: { readonly [K in ActivationName]: ActivationSpec<K> } = {
  linear: activation('linear', 'The identity: f(x) = x.', 'Leaves its input unchanged.', {
    aliases: ['identity'],
    derivative: () => 1,
  }),
  sigmoid: activation('sigmoid', 'Logistic function 1 / (1 + e^-x).', 'Squashes to (0, 1); its derivative is at most 0.25, so deep sigmoid stacks shrink gradients.', {
    derivative: (x) => sigmoid(x) * (1 - sigmoid(x)),
    prefersInit: 'xavier',
  }),
  tanh: activation('tanh', 'Hyperbolic tangent.', 'Squashes to (-1, 1), centred at 0.', {
    derivative: (x) => 1 - Math.tanh(x) ** 2,
    torchGain: () => 5 / 3,
    prefersInit: 'xavier',
  }),
  relu: activation('relu', 'Rectified linear unit max(0, x).', 'Zero for negative inputs, identity otherwise.', {
    derivative: (x) => (x > 0 ? 1 : 0),
    torchGain: () => Math.SQRT2,
    prefersInit: 'he',
  }),
  leaky_relu: activation('leaky_relu', 'max(0, x) + alpha * min(0, x).', 'Like relu, with slope `alpha` for negative inputs.', {
    params: alphaParam(0.01, 'Slope for negative inputs.'),
    derivative: (x, args) => (x > 0 ? 1 : alphaOf(args, 0.01)),
    torchGain: (args) => Math.sqrt(2 / (1 + alphaOf(args, 0.01) ** 2)),
    prefersInit: 'he',
  }),
  elu: activation('elu', 'x for x > 0, alpha * (e^x - 1) otherwise.', 'Exponential linear unit, smooth for negative inputs.', {
    params: alphaParam(1.0, 'Scale of the negative part.'),
    derivative: (x, args) => (x > 0 ? 1 : alphaOf(args, 1) * Math.exp(x)),
  }),
  selu: activation('selu', 'Scaled elu with fixed constants (self-normalizing).', 'scale * elu(x, alpha) with scale = 1.0507 and alpha = 1.6733; meant for `lecun_normal` init.', {
    derivative: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
    torchGain: () => 3 / 4,
    prefersInit: 'lecun',
  }),
  gelu: activation('gelu', 'x * Phi(x), Phi the standard normal CDF.', 'Gaussian error linear unit (exact form, as PyTorch\'s default).', {
    derivative: (x) => Phi(x) + x * phi(x),
  }),
  silu: activation('silu', 'x * sigmoid(x).', 'Sigmoid linear unit, also called swish.', {
    aliases: ['swish'],
    derivative: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))),
  }),
  softplus: activation('softplus', 'log(1 + e^x).', 'A smooth relu.', {
    derivative: (x) => sigmoid(x),
  }),
  softsign: activation('softsign', 'x / (1 + |x|).', 'Squashes to (-1, 1), more slowly than tanh.', {
    derivative: (x) => 1 / (1 + Math.abs(x)) ** 2,
  }),
  softmax: activation('softmax', 'e^x_i / sum_j e^x_j over the features.', 'Turns a flat vector into probabilities. A model ending in softmax and trained with `cross_entropy` is fused into a stable log-softmax (no double softmax).', {
    fixedGain2: 1,
    softmaxLike: true,
  }),
  log_softmax: activation('log_softmax', 'x_i - log sum_j e^x_j over the features.', 'Log-probabilities of a flat vector.', {
    fixedGain2: 1,
    softmaxLike: true,
  }),
};

/** E[f'(z)^2] for z ~ N(0, 1) by the midpoint rule over [-8, 8] (never sampling a kink such as relu's 0). */
function meanSquareSlope(spec: ActivationSpec, args: Args): number {
  if (!spec.derivative) return spec.fixedGain2 ?? 1;
  const steps = 320;
  const h = 16 / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const z = -8 + (i + 0.5) * h;
    sum += phi(z) * spec.derivative(z, args) ** 2;
  }
  return sum * h;
}

const usesDefaults = (spec: ActivationSpec, args: Args): boolean => spec.params.every((p) => args[p.name] === undefined || args[p.name] === p.default);

/** Gains with default arguments, computed once at load (immutable), so checking stays fast. */
const defaultGains: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.values(activations).map((a: ActivationSpec) => [a.name, meanSquareSlope(a, {})])),
);

/**
 * The mean squared derivative E[f'(z)^2] for z ~ N(0, 1): how much an activation scales the
 * gradient's variance when pre-activations have unit variance, the regime a good init aims for
 * (relu 0.5, tanh ~0.46, sigmoid ~0.043).
 */
export function activationGain2(spec: ActivationSpec, args: Args): number {
  return usesDefaults(spec, args) ? (defaultGains[spec.name] ?? meanSquareSlope(spec, args)) : meanSquareSlope(spec, args);
}
