/**
 * The Adam family, as `torch.optim` (PyTorch 1.13, single-tensor code paths), t = step count:
 *
 * Adam:  g ← g + λ·p (coupled L2, λ = weight_decay);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *        amsgrad: v̂ ← max(v̂, v), else v̂ = v
 *        p ← p − (lr / (1−β1^t)) · m / (√v̂ / √(1−β2^t) + ε)        (ε after the bias correction)
 * AdamW: p ← p·(1 − lr·λ) first (decoupled), then Adam without the coupled term.
 * Adamax: m ← β1·m + (1−β1)·g;  u ← max(β2·u, |g| + ε);  p ← p − (lr / (1−β1^t)) · m / u
 * NAdam: μ_t = β1·(1 − ½·0.96^(t·ψ)),  μ_{t+1} = β1·(1 − ½·0.96^((t+1)·ψ))  (ψ = momentum_decay)
 *        Π ← Π·μ_t;  m, v as Adam;  d = √(v / (1−β2^t)) + ε
 *        p ← p − lr·(1−μ_t)/(1−Π) · g/d − lr·μ_{t+1}/(1−Π·μ_{t+1}) · m/d
 *        This is the documented algorithm, torch 1.13's foreach path and every later release;
 *        1.13's default single-tensor path used Π·μ_t·μ_{t+1} in the last term, a bug fixed in
 *        pytorch/pytorch#92699.
 */
import type { OptimizerSpec } from './types.js';

/** Arguments of `adam(...)` and `adamw(...)`. */
export interface AdamArgs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly amsgrad: boolean;
  readonly weight_decay: number;
}

/** Arguments of `adamax(lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8)`. */
export interface AdamaxArgs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** Arguments of `nadam(lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum_decay: 4e-3)`. */
export interface NadamArgs extends AdamaxArgs {
  readonly momentum_decay: number;
}

function adamLike(decoupled: boolean, weightDecay: number): OptimizerSpec<AdamArgs> {
  return {
    defaults: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false, weight_decay: weightDecay },
    slots: (a) => (a.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq']),
    scalars: ['step'],
    initialScalars: [0],
    update(a, p, g, lr, slots, scalars) {
      const t = (scalars[0] += 1);
      const { beta1, beta2, eps, amsgrad } = a;
      const coupled = decoupled ? 0 : a.weight_decay;
      const shrink = decoupled ? 1 - lr * a.weight_decay : 1;
      const stepSize = lr / (1 - Math.pow(beta1, t));
      const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
      const [m, v] = slots;
      if (!decoupled && !amsgrad && coupled === 0) {
        // The common case as its own loop: the general loop's per-element tests cost as much as
        // the arithmetic (10 against 5.3 ns per float32 parameter). Same operations, same order
        // (torch, too, adds no decay term when weight_decay is 0). The loop stays in this
        // function: one called once a step only gets optimized through its loop (unoptimized,
        // its destructuring and doubles allocate).
        const omb1 = 1 - beta1, omb2 = 1 - beta2, negStep = -stepSize;
        for (let i = 0, n = p.length; i < n; i++) {
          const gi = g[i];
          m[i] = m[i] * beta1 + omb1 * gi;
          v[i] = v[i] * beta2 + omb2 * gi * gi;
          const denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
          p[i] += negStep * (m[i] / denom);
        }
        return;
      }
      const vmax = amsgrad ? slots[2] : v;
      for (let i = 0, n = p.length; i < n; i++) {
        if (decoupled) p[i] *= shrink;
        const gi = g[i] + coupled * p[i];
        m[i] = m[i] * beta1 + (1 - beta1) * gi;
        v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
        if (amsgrad && v[i] > vmax[i]) vmax[i] = v[i];
        const denom = Math.sqrt(vmax[i]) / bc2Sqrt + eps;
        p[i] += -stepSize * (m[i] / denom);
      }
    },
  };
}

export const adam = adamLike(false, 0);
export const adamw = adamLike(true, 0.01);

export const adamax: OptimizerSpec<AdamaxArgs> = {
  defaults: { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  slots: () => ['exp_avg', 'exp_inf'],
  scalars: ['step'],
  initialScalars: [0],
  update(a, p, g, lr, slots, scalars) {
    const t = (scalars[0] += 1);
    const { beta1, beta2, eps } = a;
    const clr = lr / (1 - Math.pow(beta1, t));
    const [m, u] = slots;
    for (let i = 0, n = p.length; i < n; i++) {
      const gi = g[i];
      m[i] = m[i] * beta1 + (1 - beta1) * gi;
      u[i] = Math.max(u[i] * beta2, Math.abs(gi) + eps);
      p[i] += -clr * (m[i] / u[i]);
    }
  },
};

/**
 * Advances NAdam's per-step scalars (`scalars[0]` the step, `scalars[1]` the product of μ) and
 * writes the step's coefficients into `out`: `[1 − β2^t, −lr·(1 − μ_t)/(1 − Πμ), −lr·μ_{t+1}/(1 − Πμ·μ_{t+1})]`.
 * Shared by the TypeScript update below and the WebAssembly one, so both take the same doubles.
 */
export function nadamCoefficients(beta1: number, beta2: number, psi: number, lr: number, scalars: Float64Array, out: Float64Array): void {
  const t = (scalars[0] += 1);
  const mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * psi));
  const muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
  const muProduct = (scalars[1] *= mu);
  out[0] = 1 - Math.pow(beta2, t);
  out[1] = (-lr * (1 - mu)) / (1 - muProduct);
  out[2] = (-lr * muNext) / (1 - muProduct * muNext);
}

/** `nadamCoefficients`' output, reused (one step at a time per thread). */
const NADAM = new Float64Array(3);

export const nadam: OptimizerSpec<NadamArgs> = {
  defaults: { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum_decay: 4e-3 },
  slots: () => ['exp_avg', 'exp_avg_sq'],
  scalars: ['step', 'mu_product'],
  initialScalars: [0, 1],
  update(a, p, g, lr, slots, scalars) {
    const { beta1, beta2, eps, momentum_decay: psi } = a;
    nadamCoefficients(beta1, beta2, psi, lr, scalars, NADAM);
    const bc2 = NADAM[0], gradCoef = NADAM[1], avgCoef = NADAM[2];
    const [m, v] = slots;
    for (let i = 0, n = p.length; i < n; i++) {
      const gi = g[i];
      m[i] = m[i] * beta1 + (1 - beta1) * gi;
      v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
      const denom = Math.sqrt(v[i] / bc2) + eps;
      p[i] += gradCoef * (gi / denom);
      p[i] += avgCoef * (m[i] / denom);
    }
  },
};
