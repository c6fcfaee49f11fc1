import { describe, it, expect, beforeAll } from 'vitest';
import { createSchedule, resolveScheduleArgs, type ScheduleArgs, type ScheduleName } from '../../src/runtime/schedule.js';
import { createRng } from '../../src/runtime/random.js';
import { runTorch, torchAvailable, expectClose } from './optim.torch-runner.js';

/** Builds the torch scheduler `kind`, steps it once per epoch and records the lr used in each epoch. */
const SCRIPT = String.raw`
import json, sys, warnings, torch
from torch.optim import lr_scheduler as S
warnings.filterwarnings('ignore')
out = []
for c in json.load(sys.stdin):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=c['lr'])
    k, a = c['kind'], c['args']
    if k == 'step': s = S.StepLR(opt, step_size=a['every'], gamma=a['gamma'])
    elif k == 'exponential': s = S.ExponentialLR(opt, gamma=a['gamma'])
    elif k == 'cosine' and a['warmup'] == 0: s = S.CosineAnnealingLR(opt, T_max=c['epochs'], eta_min=a['min_lr'])
    elif k == 'cosine':
        w = a['warmup']
        s = S.SequentialLR(opt, [S.LinearLR(opt, start_factor=1 / w, end_factor=1.0, total_iters=w - 1),
                                 S.CosineAnnealingLR(opt, T_max=c['epochs'] - w, eta_min=a['min_lr'])], milestones=[w])
    else: s = S.ReduceLROnPlateau(opt, mode='min', factor=a['factor'], patience=a['patience'])
    lrs = []
    for e in range(c['epochs']):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        if k == 'reduce_on_plateau': s.step(c['losses'][e])
        else: s.step()
    out.append(lrs)
print(json.dumps(out))
`;

interface Case {
  readonly title: string;
  readonly kind: ScheduleName;
  readonly args: Partial<ScheduleArgs[ScheduleName]>;
  readonly lr: number;
  readonly epochs: number;
  readonly losses?: number[];
}

/** A validation-loss curve that falls, stalls (with changes inside the 1e-4 threshold) and falls again. */
function plateauLosses(seed: number, n: number, improve: number): number[] {
  const rng = createRng(seed);
  let level = 1;
  return Array.from({ length: n }, () => {
    const u = rng.uniform();
    if (u < improve) level *= 0.9; // a real improvement
    // otherwise a change inside the 1e-4 threshold (not an improvement) or a worse epoch
    return u < improve ? level : level * (u < 0.7 ? 1 - 5e-5 : 1.1);
  });
}

const cases: Case[] = [
  { title: 'step(3, 0.5) as StepLR', kind: 'step', args: { every: 3, gamma: 0.5 }, lr: 0.1, epochs: 12 },
  { title: 'step(1, 0.9) as StepLR', kind: 'step', args: { every: 1, gamma: 0.9 }, lr: 1, epochs: 8 },
  { title: 'exponential(0.95) as ExponentialLR', kind: 'exponential', args: { gamma: 0.95 }, lr: 0.01, epochs: 20 },
  { title: 'cosine() as CosineAnnealingLR', kind: 'cosine', args: {}, lr: 0.1, epochs: 15 },
  { title: 'cosine(min_lr: 1e-3) as CosineAnnealingLR', kind: 'cosine', args: { min_lr: 1e-3 }, lr: 0.05, epochs: 30 },
  { title: 'cosine(warmup: 3) as LinearLR then CosineAnnealingLR', kind: 'cosine', args: { warmup: 3, min_lr: 0.01 }, lr: 0.1, epochs: 12 },
  { title: 'reduce_on_plateau() as ReduceLROnPlateau', kind: 'reduce_on_plateau', args: {}, lr: 0.1, epochs: 120, losses: plateauLosses(1, 120, 0.05) },
  { title: 'reduce_on_plateau(0.5, 2) as ReduceLROnPlateau', kind: 'reduce_on_plateau', args: { factor: 0.5, patience: 2 }, lr: 1, epochs: 60, losses: plateauLosses(2, 60, 0.3) },
  // small losses: the threshold is relative (1e-4·best), so a 10% gain at 1e-4 still counts
  { title: 'reduce_on_plateau(0.5, 3) on losses near 1e-4', kind: 'reduce_on_plateau', args: { factor: 0.5, patience: 3 }, lr: 1, epochs: 80, losses: plateauLosses(3, 80, 0.3).map((x) => x * 1e-4) },
  { title: 'reduce_on_plateau(0.1, 0) down to the eps floor', kind: 'reduce_on_plateau', args: { factor: 0.1, patience: 0 }, lr: 1e-5, epochs: 10, losses: Array.from({ length: 10 }, () => 1) },
];

describe.skipIf(!torchAvailable())('schedules against torch.optim.lr_scheduler (PyTorch 1.13)', () => {
  let expected: number[][] = [];
  beforeAll(() => {
    expected = runTorch(SCRIPT, cases.map((c) => ({ ...c, args: resolveScheduleArgs(c.kind, c.args) })));
  });

  it.each(cases.map((c, k) => [c.title, k] as const))('%s gives torch\'s rate in every epoch', (_title, k) => {
    const c = cases[k];
    const s = createSchedule(c.kind, c.args, c.lr, c.epochs);
    const got: number[] = [];
    for (let e = 0; e < c.epochs; e++) {
      got.push(s.lr());
      s.step(c.losses?.[e]);
    }
    expect(expectClose(got, expected[k])).toBeNull();
    if (c.kind === 'reduce_on_plateau') expect(new Set(got).size).toBeGreaterThan(2); // the case does reduce
  });
});
