/**
 * Per-element adaptive rates, as `torch.optim` (PyTorch 1.13, single-tensor code paths):
 *
 * Adagrad (lr_decay 0, initial accumulator 0):
 *   s ← s + g²;  p ← p − lr · g / (√s + ε)
 * Adadelta:
 *   v ← ρ·v + (1−ρ)·g²;  Δ ← √(u + ε) / √(v + ε) · g;  u ← ρ·u + (1−ρ)·Δ²;  p ← p − lr·Δ
 * RMSprop (torch's `alpha` is our `rho`):
 *   v ← ρ·v + (1−ρ)·g²
 *   centered: ḡ ← ρ·ḡ + (1−ρ)·g;  a ← √(v − ḡ²) + ε      else  a ← √v + ε
 *   momentum μ > 0: b ← μ·b + g/a;  p ← p − lr·b          else  p ← p − lr·g/a
 */
import type { FloatArray } from '../tensor.js';
import type { OptimizerSpec } from './types.js';

/** Arguments of `adagrad(lr: 0.01, eps: 1e-10)`. */
export interface AdagradArgs {
  readonly lr: number;
  readonly eps: number;
}

/** Arguments of `adadelta(lr: 1.0, rho: 0.9, eps: 1e-6)`. */
export interface AdadeltaArgs {
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
}

/** Arguments of `rmsprop(lr: 0.01, rho: 0.99, eps: 1e-8, momentum: 0, centered: false)`. */
export interface RmspropArgs {
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
}

export const adagrad: OptimizerSpec<AdagradArgs> = {
  defaults: { lr: 0.01, eps: 1e-10 },
  slots: () => ['sum'],
  scalars: ['step'],
  initialScalars: [0],
  update(a, p, g, lr, slots, scalars) {
    const sum = slots[0];
    const eps = a.eps;
    for (let i = 0, n = p.length; i < n; i++) {
      const gi = g[i];
      sum[i] += gi * gi;
      p[i] += -lr * (gi / (Math.sqrt(sum[i]) + eps));
    }
    scalars[0] += 1;
  },
};

export const adadelta: OptimizerSpec<AdadeltaArgs> = {
  defaults: { lr: 1.0, rho: 0.9, eps: 1e-6 },
  slots: () => ['square_avg', 'acc_delta'],
  scalars: ['step'],
  initialScalars: [0],
  update(a, p, g, lr, slots, scalars) {
    const [sq, acc] = slots;
    const { rho, eps } = a;
    for (let i = 0, n = p.length; i < n; i++) {
      const gi = g[i];
      sq[i] = sq[i] * rho + (1 - rho) * gi * gi;
      const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * gi;
      acc[i] = acc[i] * rho + (1 - rho) * delta * delta;
      p[i] += -lr * delta;
    }
    scalars[0] += 1;
  },
};

function rmspropSlots(a: RmspropArgs): string[] {
  const names = ['square_avg'];
  if (a.momentum > 0) names.push('momentum_buffer');
  if (a.centered) names.push('grad_avg');
  return names;
}

export const rmsprop: OptimizerSpec<RmspropArgs> = {
  defaults: { lr: 0.01, rho: 0.99, eps: 1e-8, momentum: 0, centered: false },
  slots: rmspropSlots,
  scalars: ['step'],
  initialScalars: [0],
  update(a, p, g, lr, slots, scalars) {
    const { rho, eps, momentum, centered } = a;
    const sq = slots[0];
    const buf: FloatArray = momentum > 0 ? slots[1] : sq;
    const gavg: FloatArray = centered ? slots[momentum > 0 ? 2 : 1] : sq;
    for (let i = 0, n = p.length; i < n; i++) {
      const gi = g[i];
      sq[i] = sq[i] * rho + (1 - rho) * gi * gi;
      let avg: number;
      if (centered) {
        gavg[i] = gavg[i] * rho + (1 - rho) * gi;
        avg = Math.sqrt(sq[i] - gavg[i] * gavg[i]) + eps;
      } else {
        avg = Math.sqrt(sq[i]) + eps;
      }
      if (momentum > 0) {
        buf[i] = buf[i] * momentum + gi / avg;
        p[i] += -lr * buf[i];
      } else {
        p[i] += -lr * (gi / avg);
      }
    }
    scalars[0] += 1;
  },
};
