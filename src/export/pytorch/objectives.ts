/**
 * The `train` block's loss, metrics, regularization, clipping, optimizer and schedule as
 * PyTorch code: one table per family, keyed by the registry's names.
 */
import type { ClipName, OptimizerName, ScheduleName } from '../../builtins/training.js';
import type { LossName, MetricName } from '../../builtins/objectives.js';
import type { RegularizerName } from '../../builtins/weights.js';
import type { ArgValue, BuiltinRef, CheckedModel, CheckedTrain } from '../../checker/types.js';
import { pyFloat, pyNumber, pyString } from '../python.js';
import type { OutputActivation } from './model.js';

type Args = Readonly<Record<string, ArgValue>>;
const num = (args: Args, name: string): number => Number(args[name]);
const f = (args: Args, name: string): string => pyFloat(num(args, name));
const bool = (args: Args, name: string): string => (args[name] === true ? 'True' : 'False');

/** What the model's outputs are to the loss: logits under a fused softmax, probabilities under a final sigmoid. */
export interface LossContext {
  readonly output: OutputActivation;
}

/** Loss expressions of `out` (what `model(x, logits=...)` returned) and `y`, the mean over the batch. */
export const torchLosses: { readonly [K in LossName]: (args: Args, ctx: LossContext) => string } = {
  mse: () => 'F.mse_loss(out, y)',
  mae: () => 'F.l1_loss(out, y)',
  huber: (a) => `F.huber_loss(out, y, delta=${f(a, 'delta')})`,
  binary_cross_entropy: (_a, ctx) =>
    ctx.output === 'sigmoid' ? 'F.binary_cross_entropy(out, y)' : 'F.binary_cross_entropy_with_logits(out, y)',
  cross_entropy: () => 'F.cross_entropy(out, y.long())',
};

/**
 * Metric expressions over `out` (the model's outputs: probabilities after a final softmax) and
 * `y`: batch sums, each sample counting 1 (mse and mae average over the outputs), read as
 * src/train/metrics.ts does: argmax and one-hot targets for classes, a 0.5 threshold (0 on
 * logits) for one binary output, rounding for values.
 */
export const torchMetrics: { readonly [K in MetricName]: (kind: 'class' | 'binary' | 'value', outputs: number, logits: boolean) => string } = {
  accuracy: (kind, _k, logits) =>
    kind === 'class'
      ? '(out.argmax(dim=1) == y.long()).sum()'
      : kind === 'binary'
        ? `((out >= ${logits ? '0.0' : '0.5'}) == (y >= 0.5)).sum()`
        : '(torch.floor(out + 0.5) == y).all(dim=1).sum()',
  mse: (kind, k) => `((out - ${kind === 'class' ? `F.one_hot(y.long(), ${pyNumber(k)})` : 'y'}) ** 2).sum() / ${pyNumber(k)}`,
  mae: (kind, k) => `(out - ${kind === 'class' ? `F.one_hot(y.long(), ${pyNumber(k)})` : 'y'}).abs().sum() / ${pyNumber(k)}`,
};

/** A regularizer's penalty on tensor expression `w`. */
export const torchRegularizers: { readonly [K in RegularizerName]: (args: Args, w: string) => string[] } = {
  l1: (a, w) => [`${f(a, 'a')} * ${w}.abs().sum()`],
  l2: (a, w) => [`${f(a, 'a')} * ${w}.pow(2).sum()`],
  l1_l2: (a, w) => [
    ...(num(a, 'l1') !== 0 ? [`${f(a, 'l1')} * ${w}.abs().sum()`] : []),
    ...(num(a, 'l2') !== 0 ? [`${f(a, 'l2')} * ${w}.pow(2).sum()`] : []),
  ],
};

/** Clipping statements on `params` (a list of parameters whose .grad is set). */
export const torchClips: { readonly [K in ClipName]: (args: Args) => string[] } = {
  value: (a) => [`torch.nn.utils.clip_grad_value_(params, ${f(a, 'v')})`],
  norm: (a) => [`torch.nn.utils.clip_grad_norm_(params, ${f(a, 'm')})`],
  param_norm: (a) => [
    '# Keras clipnorm: each tensor on its own, g * m / max(||g||, m).',
    'for p in params:',
    '    norm = p.grad.norm()',
    `    if norm > ${f(a, 'm')}:`,
    `        p.grad.mul_(${f(a, 'm')} / norm)`,
  ],
};

/** `torch.optim` constructors on `params`, hyperparameters renamed where torch's names differ. */
export const torchOptimizers: { readonly [K in OptimizerName]: (args: Args) => string } = {
  gd: (a) => `torch.optim.SGD(params, lr=${f(a, 'lr')})`,
  sgd: (a) =>
    `torch.optim.SGD(params, lr=${f(a, 'lr')}, momentum=${f(a, 'momentum')}, nesterov=${bool(a, 'nesterov')}, weight_decay=${f(a, 'weight_decay')})`,
  momentum: (a) => `torch.optim.SGD(params, lr=${f(a, 'lr')}, momentum=${f(a, 'beta')})`,
  nesterov: (a) => `torch.optim.SGD(params, lr=${f(a, 'lr')}, momentum=${f(a, 'beta')}, nesterov=True)`,
  adagrad: (a) => `torch.optim.Adagrad(params, lr=${f(a, 'lr')}, eps=${f(a, 'eps')})`,
  adadelta: (a) => `torch.optim.Adadelta(params, lr=${f(a, 'lr')}, rho=${f(a, 'rho')}, eps=${f(a, 'eps')})`,
  rmsprop: (a) =>
    `torch.optim.RMSprop(params, lr=${f(a, 'lr')}, alpha=${f(a, 'rho')}, eps=${f(a, 'eps')}, momentum=${f(a, 'momentum')}, centered=${bool(a, 'centered')})`,
  adam: (a) =>
    `torch.optim.Adam(params, lr=${f(a, 'lr')}, betas=(${f(a, 'beta1')}, ${f(a, 'beta2')}), eps=${f(a, 'eps')}, amsgrad=${bool(a, 'amsgrad')}, weight_decay=${f(a, 'weight_decay')})`,
  adamw: (a) =>
    `torch.optim.AdamW(params, lr=${f(a, 'lr')}, betas=(${f(a, 'beta1')}, ${f(a, 'beta2')}), eps=${f(a, 'eps')}, amsgrad=${bool(a, 'amsgrad')}, weight_decay=${f(a, 'weight_decay')})`,
  adamax: (a) => `torch.optim.Adamax(params, lr=${f(a, 'lr')}, betas=(${f(a, 'beta1')}, ${f(a, 'beta2')}), eps=${f(a, 'eps')})`,
  nadam: (a) =>
    `torch.optim.NAdam(params, lr=${f(a, 'lr')}, betas=(${f(a, 'beta1')}, ${f(a, 'beta2')}), eps=${f(a, 'eps')}, momentum_decay=${f(a, 'momentum_decay')})`,
};

/**
 * The body of `lr_at(epoch)` (0-based) for the closed-form schedules, computed in Python floats
 * exactly as src/runtime/schedule.ts does; reduce_on_plateau uses torch's ReduceLROnPlateau.
 */
export const torchSchedules: { readonly [K in ScheduleName]: (args: Args) => string[] } = {
  constant: () => ['return LR'],
  step: (a) => [`return LR * ${f(a, 'gamma')} ** (epoch // ${pyNumber(num(a, 'every'))})`],
  exponential: (a) => [`return LR * ${f(a, 'gamma')} ** epoch`],
  cosine: (a) => [
    `warmup, min_lr = ${pyNumber(num(a, 'warmup'))}, ${f(a, 'min_lr')}`,
    'if epoch < warmup:',
    '    return LR * (epoch + 1) / warmup',
    '# torch.optim.lr_scheduler.CosineAnnealingLR(T_max=EPOCHS - warmup, eta_min=min_lr), closed form',
    'return min_lr + (LR - min_lr) * (1 + math.cos(math.pi * (epoch - warmup) / (EPOCHS - warmup))) / 2',
  ],
  reduce_on_plateau: () => ['return LR  # then torch.optim.lr_scheduler.ReduceLROnPlateau after each epoch'],
};

function has<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** Looks a reference up in a table, naming the family in the error for an internal mismatch. */
export function lookup<T extends object>(table: T, ref: BuiltinRef, family: string): T[keyof T] {
  if (!has(table, ref.builtin)) throw new Error(`export: unknown ${family} ${ref.builtin}`);
  return table[ref.builtin as keyof T];
}

/**
 * Penalty terms of the model's weights: each layer's own `regularizer:` and the train block's
 * `regularize:` (regularizable tensors only: dense and conv2d kernels).
 */
export function penaltyTerms(model: CheckedModel, train: CheckedTrain): string[] {
  const terms: string[] = [];
  for (const p of model.params) {
    const w = `L[${pyString(p.layer)}].${p.role}`;
    if (p.regularizer) terms.push(...lookup(torchRegularizers, p.regularizer, 'regularizer')(p.regularizer.args, w));
    if (train.regularize && p.regularizable) terms.push(...lookup(torchRegularizers, train.regularize, 'regularizer')(train.regularize.args, w));
  }
  return terms;
}
