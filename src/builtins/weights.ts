import type { Args, InitFamily, InitializerSpec, ParamSpec, RegularizerSpec } from './types.js';

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'normal'
  | 'uniform'
  | 'truncated_normal'
  | 'xavier_normal'
  | 'xavier_uniform'
  | 'he_normal'
  | 'he_uniform'
  | 'lecun_normal'
  | 'lecun_uniform'
  | 'orthogonal';

export type RegularizerName = 'l1' | 'l2' | 'l1_l2';

const n = (args: Args, name: string, fallback: number): number => (typeof args[name] === 'number' ? (args[name] as number) : fallback);

/** Variance of N(0, 1) truncated to [-2, 2], as a fraction of 1 (truncated_normal cuts at mean +- 2 std). */
const TRUNCATED_VARIANCE_FACTOR = 0.7737413;

interface InitExtra {
  readonly aliases?: readonly string[];
  readonly params?: readonly ParamSpec[];
  readonly positional?: number;
  readonly constant?: boolean;
  readonly family?: InitFamily;
  readonly counterparts?: InitializerSpec['counterparts'];
}

function init<N extends InitializerName>(
  name: N,
  summary: string,
  doc: string,
  variance: InitializerSpec['variance'],
  extra: InitExtra = {},
): InitializerSpec<N> {
  const params = extra.params ?? [];
  const use = params.some((p) => p.required) ? `${name}(0.1)` : name;
  return {
    kind: 'initializer',
    name,
    aliases: extra.aliases ?? [],
    params,
    positional: extra.positional ?? params.length,
    summary,
    doc,
    example: extra.constant
      ? `model M {\n  input [4]\n  dense(3, bias_init: ${use})\n}\n`
      : `model M {\n  input [4]\n  dense(3, init: ${use})\n}\n`,
    variance,
    constant: extra.constant ?? false,
    family: extra.family ?? 'other',
    counterparts: extra.counterparts ?? {},
  };
}

/** `gain` of torch's xavier initializers (e.g. 5/3 for tanh, as `calculate_gain`). */
const xavierGain = { name: 'gain', type: 'number', default: 1, minExclusive: 0, doc: 'Scale factor (torch.nn.init.calculate_gain gives one per activation).' } as const;

const normalPair = { he: 'he_normal', xavier: 'xavier_normal', lecun: 'lecun_normal' } as const;
const uniformPair = { he: 'he_uniform', xavier: 'xavier_uniform', lecun: 'lecun_uniform' } as const;

/** The initializer table. Variances are those of `torch.nn.init` for the given fans. */
export const initializers: { readonly [K in InitializerName]: InitializerSpec<K> } = {
  zeros: init('zeros', 'All zeros.', 'Sets every element to 0 (the default for biases). On weights, every unit computes the same thing and stays that way: a lint warns.', () => 0, { constant: true }),
  ones: init('ones', 'All ones.', 'Sets every element to 1.', () => 0, { constant: true }),
  constant: init('constant', 'Every element set to `value`.', 'Sets every element to `value`, as `torch.nn.init.constant_`.', () => 0, {
    constant: true,
    params: [{ name: 'value', type: 'number', required: true, doc: 'The value.' }],
  }),
  normal: init('normal', 'Normal distribution N(mean, std^2).', 'Draws from a normal distribution, as `torch.nn.init.normal_`.', (_fi, _fo, a) => n(a, 'std', 0.05) ** 2, {
    params: [
      { name: 'mean', type: 'number', default: 0, doc: 'Mean.' },
      { name: 'std', type: 'number', default: 0.05, min: 0, doc: 'Standard deviation.' },
    ],
  }),
  uniform: init('uniform', 'Uniform distribution U(low, high).', 'Draws uniformly from [low, high), as `torch.nn.init.uniform_`.', (_fi, _fo, a) => (n(a, 'high', 0.05) - n(a, 'low', -0.05)) ** 2 / 12, {
    params: [
      { name: 'low', type: 'number', default: -0.05, doc: 'Lower bound.' },
      { name: 'high', type: 'number', default: 0.05, doc: 'Upper bound.' },
    ],
  }),
  truncated_normal: init(
    'truncated_normal',
    'Normal distribution truncated at mean +- 2 std.',
    'Draws from N(mean, std^2) and redraws values outside [mean - 2 std, mean + 2 std], as `torch.nn.init.trunc_normal_(mean, std, a=mean-2*std, b=mean+2*std)`.',
    (_fi, _fo, a) => n(a, 'std', 0.05) ** 2 * TRUNCATED_VARIANCE_FACTOR,
    {
      params: [
        { name: 'mean', type: 'number', default: 0, doc: 'Mean.' },
        { name: 'std', type: 'number', default: 0.05, min: 0, doc: 'Standard deviation before truncation.' },
      ],
    },
  ),
  xavier_normal: init('xavier_normal', 'Glorot normal: std = gain * sqrt(2 / (fan_in + fan_out)).', 'As `torch.nn.init.xavier_normal_(gain)`. Suits sigmoid and tanh.', (fi, fo, a) => (n(a, 'gain', 1) ** 2 * 2) / (fi + fo), {
    params: [xavierGain],
    aliases: ['glorot_normal'],
    family: 'xavier',
    counterparts: normalPair,
  }),
  xavier_uniform: init('xavier_uniform', 'Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).', 'As `torch.nn.init.xavier_uniform_(gain)`. The default for weights.', (fi, fo, a) => (n(a, 'gain', 1) ** 2 * 2) / (fi + fo), {
    params: [xavierGain],
    aliases: ['glorot_uniform'],
    family: 'xavier',
    counterparts: uniformPair,
  }),
  he_normal: init('he_normal', 'Kaiming normal: std = sqrt(2 / fan_in).', 'As `torch.nn.init.kaiming_normal_(mode="fan_in", nonlinearity="relu")`. Suits relu.', (fi) => 2 / fi, {
    aliases: ['kaiming_normal'],
    family: 'he',
    counterparts: normalPair,
  }),
  he_uniform: init('he_uniform', 'Kaiming uniform: U(-a, a), a = sqrt(6 / fan_in).', 'As `torch.nn.init.kaiming_uniform_(mode="fan_in", nonlinearity="relu")`. Suits relu.', (fi) => 2 / fi, {
    aliases: ['kaiming_uniform'],
    family: 'he',
    counterparts: uniformPair,
  }),
  lecun_normal: init('lecun_normal', 'LeCun normal: std = sqrt(1 / fan_in).', 'As `torch.nn.init.kaiming_normal_(mode="fan_in", nonlinearity="linear")`. Suits selu.', (fi) => 1 / fi, {
    family: 'lecun',
    counterparts: normalPair,
  }),
  lecun_uniform: init('lecun_uniform', 'LeCun uniform: U(-a, a), a = sqrt(3 / fan_in).', 'As `torch.nn.init.kaiming_uniform_(mode="fan_in", nonlinearity="linear")`.', (fi) => 1 / fi, {
    family: 'lecun',
    counterparts: uniformPair,
  }),
  orthogonal: init(
    'orthogonal',
    'A (semi-)orthogonal matrix times `gain`.',
    'As `torch.nn.init.orthogonal_(gain)`: the weight, viewed as `[out, in * kh * kw]`, has orthonormal rows or columns, scaled by `gain`.',
    (fi, fo, a) => n(a, 'gain', 1) ** 2 / Math.max(fi, fo, 1),
    { params: [{ name: 'gain', type: 'number', default: 1, minExclusive: 0, doc: 'Scale factor.' }] },
  ),
};

function reg<N extends RegularizerName>(name: N, summary: string, doc: string, params: readonly ParamSpec[], use: string): RegularizerSpec<N> {
  return {
    kind: 'regularizer',
    name,
    aliases: [],
    params,
    positional: params.length,
    summary,
    doc,
    example: `model M {\n  input [4]\n  dense(3, regularizer: ${use})\n}\n`,
  };
}

const strength = (name: string, doc: string, required: boolean): ParamSpec =>
  required ? { name, type: 'number', required: true, min: 0, doc } : { name, type: 'number', default: 0, min: 0, doc };

/** The regularizer table (Keras definitions; biases and normalization parameters are not regularized). */
export const regularizers: { readonly [K in RegularizerName]: RegularizerSpec<K> } = {
  l1: reg('l1', 'Adds a * sum(|w|) to the loss.', 'L1 penalty as Keras\' `l1(a)`. Per layer with `regularizer:` or on every weight with the train block\'s `regularize:`.', [strength('a', 'Strength.', true)], 'l1(1e-4)'),
  l2: reg('l2', 'Adds a * sum(w^2) to the loss.', 'L2 penalty as Keras\' `l2(a)` (note: not a/2). Per layer with `regularizer:` or on every weight with `regularize:`.', [strength('a', 'Strength.', true)], 'l2(1e-4)'),
  l1_l2: reg(
    'l1_l2',
    'Adds l1 * sum(|w|) + l2 * sum(w^2) to the loss.',
    'Both penalties, as Keras\' `l1_l2(l1, l2)`.',
    [strength('l1', 'L1 strength.', false), strength('l2', 'L2 strength.', false)],
    'l1_l2(l1: 1e-5, l2: 1e-4)',
  ),
};
