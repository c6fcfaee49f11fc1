/**
 * Gradient descent and SGD with momentum, as `torch.optim.SGD` (PyTorch 1.13, dampening 0):
 *
 *   g ← g + λ·p                        (weight_decay λ ≠ 0)
 *   b ← g                 on the first step,
 *   b ← μ·b + g           afterwards   (momentum μ ≠ 0)
 *   g ← g + μ·b  if nesterov, else g ← b
 *   p ← p − lr·g
 *
 * `momentum(lr, beta)` is SGD with momentum beta; `nesterov(lr, beta)` adds Nesterov's form.
 */
import type { FloatArray } from '../tensor.js';
import type { OptimizerSpec } from './types.js';

/** Arguments of `gd(lr)`. */
export interface GdArgs {
  readonly lr: number;
}

/** Arguments of `sgd(lr, momentum: 0, nesterov: false, weight_decay: 0)`. */
export interface SgdArgs {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weight_decay: number;
}

/** Arguments of `momentum(lr, beta: 0.9)` and `nesterov(lr, beta: 0.9)`. */
export interface MomentumArgs {
  readonly lr: number;
  readonly beta: number;
}

/** The shared SGD loop; `scalars[0]` counts steps so the first step can copy g into the buffer. */
function sgdUpdate(
  momentum: number,
  nesterov: boolean,
  weightDecay: number,
  p: FloatArray,
  g: FloatArray,
  lr: number,
  slots: readonly FloatArray[],
  scalars: Float64Array,
): void {
  const n = p.length;
  if (momentum === 0) {
    for (let i = 0; i < n; i++) p[i] += -lr * (g[i] + weightDecay * p[i]);
  } else {
    const buf = slots[0];
    const first = scalars[0] === 0;
    for (let i = 0; i < n; i++) {
      let d = g[i] + weightDecay * p[i];
      buf[i] = first ? d : momentum * buf[i] + d;
      d = nesterov ? d + momentum * buf[i] : buf[i];
      p[i] += -lr * d;
    }
  }
  scalars[0] += 1;
}

export const gd: OptimizerSpec<GdArgs> = {
  defaults: { lr: null },
  slots: () => [],
  scalars: ['step'],
  initialScalars: [0],
  update: (_a, p, g, lr, slots, scalars) => sgdUpdate(0, false, 0, p, g, lr, slots, scalars),
};

export const sgd: OptimizerSpec<SgdArgs> = {
  defaults: { lr: null, momentum: 0, nesterov: false, weight_decay: 0 },
  slots: (a) => (a.momentum !== 0 ? ['momentum_buffer'] : []),
  scalars: ['step'],
  initialScalars: [0],
  update: (a, p, g, lr, slots, scalars) => sgdUpdate(a.momentum, a.nesterov, a.weight_decay, p, g, lr, slots, scalars),
};

export const momentum: OptimizerSpec<MomentumArgs> = {
  defaults: { lr: null, beta: 0.9 },
  slots: (a) => (a.beta !== 0 ? ['momentum_buffer'] : []),
  scalars: ['step'],
  initialScalars: [0],
  update: (a, p, g, lr, slots, scalars) => sgdUpdate(a.beta, false, 0, p, g, lr, slots, scalars),
};

export const nesterov: OptimizerSpec<MomentumArgs> = {
  defaults: { lr: null, beta: 0.9 },
  slots: (a) => (a.beta !== 0 ? ['momentum_buffer'] : []),
  scalars: ['step'],
  initialScalars: [0],
  update: (a, p, g, lr, slots, scalars) => sgdUpdate(a.beta, true, 0, p, g, lr, slots, scalars),
};
