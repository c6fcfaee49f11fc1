import { describe, it, expect, beforeAll } from 'vitest';
import { createOptimizer, type OptimizerArgs, type OptimizerName } from '../../src/runtime/optim/index.js';
import { createRng } from '../../src/runtime/random.js';
import { runTorch, torchAvailable, expectClose } from './optim.torch-runner.js';

/** One cross-check: our optimizer `name(args)` against `torch.optim.<cls>(**kwargs)`. */
interface Case {
  readonly title: string;
  readonly name: OptimizerName;
  readonly args: Partial<OptimizerArgs[OptimizerName]>;
  readonly cls: string;
  readonly kwargs: Record<string, unknown>;
}

const cases: Case[] = [
  { title: 'gd', name: 'gd', args: { lr: 0.1 }, cls: 'SGD', kwargs: {} },
  { title: 'sgd with weight decay', name: 'sgd', args: { lr: 0.1, weight_decay: 0.05 }, cls: 'SGD', kwargs: { weight_decay: 0.05 } },
  { title: 'sgd with momentum', name: 'sgd', args: { lr: 0.1, momentum: 0.8 }, cls: 'SGD', kwargs: { momentum: 0.8 } },
  { title: 'sgd with nesterov momentum and weight decay', name: 'sgd', args: { lr: 0.1, momentum: 0.7, nesterov: true, weight_decay: 0.01 }, cls: 'SGD', kwargs: { momentum: 0.7, nesterov: true, weight_decay: 0.01 } },
  { title: 'momentum', name: 'momentum', args: { lr: 0.05 }, cls: 'SGD', kwargs: { momentum: 0.9 } },
  { title: 'nesterov', name: 'nesterov', args: { lr: 0.05, beta: 0.95 }, cls: 'SGD', kwargs: { momentum: 0.95, nesterov: true } },
  { title: 'adagrad', name: 'adagrad', args: {}, cls: 'Adagrad', kwargs: { eps: 1e-10 } },
  { title: 'adagrad with a large eps', name: 'adagrad', args: { eps: 0.1 }, cls: 'Adagrad', kwargs: { eps: 0.1 } },
  { title: 'adadelta', name: 'adadelta', args: {}, cls: 'Adadelta', kwargs: { rho: 0.9, eps: 1e-6 } },
  { title: 'adadelta with rho 0.5', name: 'adadelta', args: { rho: 0.5, eps: 1e-3 }, cls: 'Adadelta', kwargs: { rho: 0.5, eps: 1e-3 } },
  { title: 'rmsprop', name: 'rmsprop', args: {}, cls: 'RMSprop', kwargs: { alpha: 0.99, eps: 1e-8 } },
  { title: 'rmsprop with momentum', name: 'rmsprop', args: { momentum: 0.9, rho: 0.9 }, cls: 'RMSprop', kwargs: { alpha: 0.9, momentum: 0.9 } },
  { title: 'centered rmsprop', name: 'rmsprop', args: { centered: true, eps: 1e-4 }, cls: 'RMSprop', kwargs: { centered: true, eps: 1e-4 } },
  { title: 'centered rmsprop with momentum', name: 'rmsprop', args: { centered: true, momentum: 0.5 }, cls: 'RMSprop', kwargs: { centered: true, momentum: 0.5 } },
  { title: 'adam', name: 'adam', args: {}, cls: 'Adam', kwargs: {} },
  { title: 'adam with a large eps', name: 'adam', args: { eps: 0.01, beta1: 0.5, beta2: 0.9 }, cls: 'Adam', kwargs: { eps: 0.01, betas: [0.5, 0.9] } },
  { title: 'adam with coupled weight decay', name: 'adam', args: { weight_decay: 0.1 }, cls: 'Adam', kwargs: { weight_decay: 0.1 } },
  { title: 'adam with amsgrad', name: 'adam', args: { amsgrad: true }, cls: 'Adam', kwargs: { amsgrad: true } },
  { title: 'adamw', name: 'adamw', args: {}, cls: 'AdamW', kwargs: { weight_decay: 0.01 } },
  { title: 'adamw with amsgrad and strong decay', name: 'adamw', args: { amsgrad: true, weight_decay: 0.5 }, cls: 'AdamW', kwargs: { amsgrad: true, weight_decay: 0.5 } },
  { title: 'adamax', name: 'adamax', args: {}, cls: 'Adamax', kwargs: {} },
  { title: 'adamax with a large eps', name: 'adamax', args: { eps: 0.05, beta1: 0.8 }, cls: 'Adamax', kwargs: { eps: 0.05, betas: [0.8, 0.999] } },
  // torch 1.13's default single-tensor NAdam multiplies mu twice into mu_product_next, a bug
  // fixed in pytorch/pytorch#92699; its foreach path (and every later release) follows the
  // documented algorithm, which is what we implement.
  { title: 'nadam', name: 'nadam', args: {}, cls: 'NAdam', kwargs: { foreach: true } },
  { title: 'nadam with a fast momentum decay', name: 'nadam', args: { momentum_decay: 0.5, beta2: 0.9 }, cls: 'NAdam', kwargs: { momentum_decay: 0.5, betas: [0.9, 0.9], foreach: true } },
];

const STEPS = 6;
// The flat buffer is split into two torch tensors, [2, 3] and [4], to show a flat update equals
// the per-tensor one.
const SHAPES = [[2, 3], [4]];
const SIZE = 10;

function data(seed: number): { params: number[]; grads: number[][]; lrs: number[] } {
  const rng = createRng(seed);
  const params = Array.from({ length: SIZE }, () => rng.normal());
  const grads = Array.from({ length: STEPS }, (_, s) =>
    Array.from({ length: SIZE }, (_, i) => {
      if (i === 0 && s < 2) return 0; // a zero gradient exercises eps
      if (i === 1) return 1e-9 * (1 + rng.uniform()); // tiny gradients: eps placement matters
      return rng.normal() * (i % 3 === 0 ? 10 : 1);
    }),
  );
  const lrs = Array.from({ length: STEPS }, (_, s) => 0.01 * (1 + s / 2) * (1 + rng.uniform()));
  return { params, grads, lrs };
}

const SCRIPT = String.raw`
import json, sys, torch
# Scalar state (step, NAdam's mu_product) is created with the default dtype: make it float64.
torch.set_default_dtype(torch.float64)
inp = json.load(sys.stdin)
out = []
for c in inp['cases']:
    flat = torch.tensor(c['params'], dtype=torch.float64)
    ts, k = [], 0
    for shape in inp['shapes']:
        n = 1
        for d in shape: n *= d
        ts.append(flat[k:k+n].clone().reshape(shape).requires_grad_(True)); k += n
    kw = dict(c['kwargs'])
    if 'betas' in kw: kw['betas'] = tuple(kw['betas'])
    opt = getattr(torch.optim, c['cls'])(ts, lr=c['lrs'][0], **kw)
    trace = []
    for s, g in enumerate(c['grads']):
        gt, k = torch.tensor(g, dtype=torch.float64), 0
        for t in ts:
            t.grad = gt[k:k+t.numel()].clone().reshape(t.shape); k += t.numel()
        opt.param_groups[0]['lr'] = c['lrs'][s]
        opt.step()
        trace.append(torch.cat([t.detach().reshape(-1) for t in ts]).tolist())
    out.append(trace)
print(json.dumps(out))
`;

const available = torchAvailable();

describe.skipIf(!available)('optimizers against PyTorch 1.13 (float64)', () => {
  let torchTraces: number[][][] = [];
  const inputs = cases.map((c, k) => ({ ...data(100 + k), kwargs: c.kwargs, cls: c.cls }));

  beforeAll(() => {
    torchTraces = runTorch<number[][][]>(SCRIPT, { cases: inputs, shapes: SHAPES });
  });

  it.each(cases.map((c, k) => [c.title, k] as const))('%s matches torch.optim step by step to 1e-10', (_title, k) => {
    const c = cases[k];
    const { params, grads, lrs } = inputs[k];
    const p = Float64Array.from(params);
    const opt = createOptimizer(c.name, c.args, SIZE, 'float64');
    for (let s = 0; s < STEPS; s++) {
      opt.step(p, Float64Array.from(grads[s]), lrs[s]);
      expect(expectClose(p, torchTraces[k][s]), `step ${s + 1}`).toBeNull();
    }
  });

  it('resumes from a saved state exactly as an uninterrupted run (adam with amsgrad, nadam)', () => {
    for (const k of [cases.findIndex((c) => c.title === 'adam with amsgrad'), cases.findIndex((c) => c.name === 'nadam')]) {
      const c = cases[k];
      const { params, grads, lrs } = inputs[k];
      const p = Float64Array.from(params);
      const first = createOptimizer(c.name, c.args, SIZE, 'float64');
      for (let s = 0; s < 3; s++) first.step(p, Float64Array.from(grads[s]), lrs[s]);
      const saved = JSON.parse(JSON.stringify({ slots: first.saveState().slots.map((a) => Array.from(a)), scalars: first.saveState().scalars }));
      const second = createOptimizer(c.name, c.args, SIZE, 'float64');
      second.loadState({ slots: saved.slots.map((a: number[]) => Float64Array.from(a)), scalars: saved.scalars });
      for (let s = 3; s < STEPS; s++) second.step(p, Float64Array.from(grads[s]), lrs[s]);
      expect(expectClose(p, torchTraces[k][STEPS - 1])).toBeNull();
    }
  });
});
