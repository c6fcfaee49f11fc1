import type { ClipSpec, OptimizerSpec, ParamSpec, ScheduleSpec } from './types.js';

export type OptimizerName = 'gd' | 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'adadelta' | 'rmsprop' | 'adam' | 'adamw' | 'adamax' | 'nadam';
export type ScheduleName = 'constant' | 'step' | 'exponential' | 'cosine' | 'reduce_on_plateau';
export type ClipName = 'value' | 'norm' | 'param_norm';

/** A complete program using `key: use` in its train block, for registry examples. */
export function trainExample(key: string, use: string, extra: readonly string[] = []): string {
  const lines = [`  data: csv("data.csv", label: "y")`, ...extra, `  loss: mse`];
  if (key !== 'optimizer') lines.push(`  optimizer: adam`);
  lines.push(`  ${key}: ${use}`);
  return `model M {\n  input [4]\n  dense(1)\n}\n\ntrain M {\n${lines.join('\n')}\n}\n`;
}

const lr = (fallback?: number): ParamSpec =>
  fallback === undefined
    ? { name: 'lr', type: 'number', required: true, minExclusive: 0, doc: 'Learning rate.' }
    : { name: 'lr', type: 'number', default: fallback, minExclusive: 0, doc: 'Learning rate.' };
const num = (name: string, fallback: number, doc: string, bounds: Partial<ParamSpec> = { min: 0 }): ParamSpec => ({ name, type: 'number', default: fallback, ...bounds, doc });
const flag = (name: string, doc: string): ParamSpec => ({ name, type: 'boolean', default: false, doc });
const beta1 = num('beta1', 0.9, 'Decay of the first-moment average.', { min: 0, maxExclusive: 1 });
const beta2 = num('beta2', 0.999, 'Decay of the second-moment average.', { min: 0, maxExclusive: 1 });
const eps = (fallback: number): ParamSpec => num('eps', fallback, 'Added to the denominator for stability.', { minExclusive: 0 });

interface OptExtra {
  readonly state: readonly string[];
  readonly largeLr: number;
  readonly fullBatch?: boolean;
  readonly use?: string;
}

function opt<N extends OptimizerName>(name: N, params: readonly ParamSpec[], summary: string, doc: string, extra: OptExtra): OptimizerSpec<N> {
  const use = extra.use ?? (params[0]?.required ? `${name}(0.01)` : name);
  return {
    kind: 'optimizer',
    name,
    aliases: [],
    params,
    positional: 1,
    summary,
    doc,
    example: trainExample('optimizer', use, extra.fullBatch ? ['  batch: full'] : []),
    state: extra.state,
    largeLr: extra.largeLr,
    fullBatch: extra.fullBatch ?? false,
  };
}

/** The optimizer table: parameters, defaults and update rules follow `torch.optim`. */
export const optimizers: { readonly [K in OptimizerName]: OptimizerSpec<K> } = {
  gd: opt('gd', [lr()], 'Full-batch gradient descent.', 'Plain gradient descent on the whole training set each step (`batch: full` implied): w -= lr * g.', {
    state: [],
    largeLr: 0.1,
    fullBatch: true,
  }),
  sgd: opt(
    'sgd',
    [lr(), num('momentum', 0, 'Momentum factor.'), flag('nesterov', 'Use Nesterov momentum.'), num('weight_decay', 0, 'L2 penalty added to the gradient (coupled, as torch).')],
    'Stochastic gradient descent, as `torch.optim.SGD`.',
    'Mini-batch SGD with optional momentum (PyTorch form: v = momentum * v + g; w -= lr * v), Nesterov momentum and coupled weight decay. Keras folds lr into the velocity instead; results match for a constant lr.',
    { state: ['momentum_buffer'], largeLr: 0.1 },
  ),
  momentum: opt('momentum', [lr(), num('beta', 0.9, 'Momentum factor.', { min: 0, maxExclusive: 1 })], 'SGD with momentum `beta`.', 'The same as `sgd(lr, momentum: beta)`.', {
    state: ['momentum_buffer'],
    largeLr: 0.1,
  }),
  nesterov: opt('nesterov', [lr(), num('beta', 0.9, 'Momentum factor.', { min: 0, maxExclusive: 1 })], 'SGD with Nesterov momentum `beta`.', 'The same as `sgd(lr, momentum: beta, nesterov: true)`.', {
    state: ['momentum_buffer'],
    largeLr: 0.1,
  }),
  adagrad: opt('adagrad', [lr(0.01), eps(1e-10)], 'Adagrad, as `torch.optim.Adagrad`.', 'Divides each step by the root of the running sum of squared gradients (eps outside the root). Keras\' default lr is 0.001 and initial accumulator 0.1.', {
    state: ['sum'],
    largeLr: 0.1,
  }),
  adadelta: opt('adadelta', [lr(1.0), num('rho', 0.9, 'Decay of the running averages.', { min: 0, max: 1 }), eps(1e-6)], 'Adadelta, as `torch.optim.Adadelta`.', 'Scales steps by the ratio of running RMS of updates and gradients; `lr` multiplies the step (PyTorch default 1.0; Keras 0.001).', {
    state: ['square_avg', 'acc_delta'],
    largeLr: 1.0,
  }),
  rmsprop: opt(
    'rmsprop',
    [lr(0.01), num('rho', 0.99, 'Decay of the squared-gradient average (torch\'s `alpha`).', { min: 0, max: 1 }), eps(1e-8), num('momentum', 0, 'Momentum factor.'), flag('centered', 'Subtract the mean gradient (centered RMSprop).')],
    'RMSprop, as `torch.optim.RMSprop`.',
    'Divides by the root of a moving average of squared gradients, eps outside the root. `rho` is PyTorch\'s `alpha`; Keras\' defaults are lr 0.001, rho 0.9 and eps inside.',
    { state: ['square_avg', 'momentum_buffer', 'grad_avg'], largeLr: 0.01 },
  ),
  adam: opt(
    'adam',
    [lr(1e-3), beta1, beta2, eps(1e-8), flag('amsgrad', 'Use the AMSGrad variant.'), num('weight_decay', 0, 'L2 penalty added to the gradient (coupled, as torch.optim.Adam).')],
    'Adam, as `torch.optim.Adam`.',
    'Adaptive moments with bias correction; eps is added outside the square root (Keras uses an eps-hat form with default 1e-7).',
    { state: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'], largeLr: 0.01 },
  ),
  adamw: opt(
    'adamw',
    [lr(1e-3), beta1, beta2, eps(1e-8), flag('amsgrad', 'Use the AMSGrad variant.'), num('weight_decay', 0.01, 'Decoupled weight decay: w -= lr * weight_decay * w.')],
    'AdamW, as `torch.optim.AdamW`.',
    'Adam with decoupled weight decay applied to every parameter, default 0.01 (Keras\' AdamW default is 0.004).',
    { state: ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'], largeLr: 0.01 },
  ),
  adamax: opt('adamax', [lr(2e-3), beta1, beta2, eps(1e-8)], 'Adamax, as `torch.optim.Adamax`.', 'Adam with an infinity-norm second moment.', {
    state: ['exp_avg', 'exp_inf'],
    largeLr: 0.01,
  }),
  nadam: opt('nadam', [lr(2e-3), beta1, beta2, eps(1e-8), num('momentum_decay', 4e-3, 'Momentum schedule decay (psi).')], 'NAdam, as `torch.optim.NAdam`.', 'Adam with Nesterov momentum and PyTorch\'s momentum schedule.', {
    state: ['exp_avg', 'exp_avg_sq', 'mu_product'],
    largeLr: 0.01,
  }),
};

function sched<N extends ScheduleName>(name: N, params: readonly ParamSpec[], summary: string, doc: string, use: string, needsValidation = false): ScheduleSpec<N> {
  return {
    kind: 'schedule',
    name,
    aliases: [],
    params,
    positional: params.length,
    summary,
    doc,
    example: trainExample('schedule', use, needsValidation ? ['  validation: split(0.2)'] : []),
    needsValidation,
  };
}

/** Learning-rate schedules, stepped once per epoch. */
export const schedules: { readonly [K in ScheduleName]: ScheduleSpec<K> } = {
  constant: sched('constant', [], 'The learning rate never changes.', 'The default.', 'constant'),
  step: sched(
    'step',
    [
      { name: 'every', type: 'integer', required: true, min: 1, doc: 'Epochs between decays.' },
      { name: 'gamma', type: 'number', required: true, minExclusive: 0, doc: 'Factor applied every `every` epochs.' },
    ],
    'Multiplies the rate by `gamma` every `every` epochs.',
    'As `torch.optim.lr_scheduler.StepLR(step_size=every, gamma)`.',
    'step(2, 0.5)',
  ),
  exponential: sched(
    'exponential',
    [{ name: 'gamma', type: 'number', required: true, minExclusive: 0, doc: 'Factor applied every epoch.' }],
    'Multiplies the rate by `gamma` every epoch.',
    'As `torch.optim.lr_scheduler.ExponentialLR(gamma)`.',
    'exponential(0.95)',
  ),
  cosine: sched(
    'cosine',
    [
      { name: 'min_lr', type: 'number', default: 0, min: 0, doc: 'The rate at the last epoch.' },
      { name: 'warmup', type: 'integer', default: 0, min: 0, doc: 'Epochs of linear warm-up.' },
    ],
    'Linear warm-up, then cosine annealing to `min_lr`.',
    'Epoch e < warmup uses lr * (e + 1) / warmup; the remaining epochs follow PyTorch\'s `CosineAnnealingLR(T_max = epochs - warmup, eta_min = min_lr)`.',
    'cosine(warmup: 1)',
  ),
  reduce_on_plateau: sched(
    'reduce_on_plateau',
    [
      { name: 'factor', type: 'number', default: 0.1, minExclusive: 0, maxExclusive: 1, doc: 'Factor applied when the loss plateaus.' },
      { name: 'patience', type: 'integer', default: 10, min: 0, doc: 'Epochs without improvement before reducing.' },
    ],
    'Reduces the rate when the validation loss stops improving.',
    'As `torch.optim.lr_scheduler.ReduceLROnPlateau(mode="min", factor, patience, threshold=1e-4)` on the validation loss; needs `validation:`.',
    'reduce_on_plateau(factor: 0.5, patience: 2)',
    true,
  ),
};

function clip<N extends ClipName>(name: N, param: string, summary: string, doc: string): ClipSpec<N> {
  return {
    kind: 'clip',
    name,
    aliases: [],
    params: [{ name: param, type: 'number', required: true, minExclusive: 0, doc: 'The limit.' }],
    positional: 1,
    summary,
    doc,
    example: trainExample('clip', `${name}(1.0)`),
  };
}

/** Gradient clipping rules, applied after backward and before the optimizer update. */
export const clips: { readonly [K in ClipName]: ClipSpec<K> } = {
  value: clip('value', 'v', 'Clips each gradient element into [-v, v].', 'As Keras\' `clipvalue` and `torch.nn.utils.clip_grad_value_`.'),
  norm: clip('norm', 'm', 'Scales all gradients so their global L2 norm is at most m.', 'As `torch.nn.utils.clip_grad_norm_` over all parameters together.'),
  param_norm: clip('param_norm', 'm', 'Scales each parameter\'s gradient to L2 norm at most m.', 'Each tensor on its own, as Keras\' `clipnorm`.'),
};
