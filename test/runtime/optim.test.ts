import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createOptimizer, OPTIMIZERS, resolveOptimizerArgs, isOptimizerName, type OptimizerName } from '../../src/runtime/optim/index.js';

/** Runs `steps` updates of a one-element float64 buffer from p0 with the given gradients. */
function run(name: OptimizerName, args: object, p0: number, grads: number[], lr: number): number[] {
  const p = Float64Array.of(p0);
  const opt = createOptimizer(name, args, 1, 'float64');
  return grads.map((g) => {
    opt.step(p, Float64Array.of(g), lr);
    return p[0];
  });
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(b)));

describe('optimizer update rules written out from the torch.optim documentation', () => {
  it('gd subtracts lr times the gradient', () => {
    const [p1, p2] = run('gd', { lr: 0.5 }, 1, [0.2, -0.4], 0.5);
    close(p1, 0.9);
    close(p2, 1.1);
  });

  it('sgd momentum copies the first gradient into the buffer (dampening 0), then b = mu*b + g', () => {
    // torch: buf = clone(g) on the first step, then buf.mul_(momentum).add_(g)
    const [p1, p2, p3] = run('momentum', { lr: 0.1, beta: 0.9 }, 1, [1, 2, 3], 0.1);
    close(p1, 1 - 0.1 * 1);
    close(p2, p1 - 0.1 * (0.9 * 1 + 2));
    close(p3, p2 - 0.1 * (0.9 * (0.9 * 1 + 2) + 3));
  });

  it("nesterov uses g + mu*b (torch's form), so its first step is (1 + mu) times plain sgd's", () => {
    const [p1, p2] = run('nesterov', { lr: 0.1, beta: 0.9 }, 0, [1, 2], 0.1);
    close(p1, -0.1 * (1 + 0.9 * 1));
    const b2 = 0.9 * 1 + 2;
    close(p2, p1 - 0.1 * (2 + 0.9 * b2));
  });

  it('sgd weight decay adds wd*p to the gradient before the momentum buffer', () => {
    const [p1, p2] = run('sgd', { lr: 0.1, momentum: 0.5, weight_decay: 0.1 }, 2, [1, 1], 0.1);
    const d1 = 1 + 0.1 * 2;
    close(p1, 2 - 0.1 * d1);
    close(p2, p1 - 0.1 * (0.5 * d1 + (1 + 0.1 * p1)));
  });

  it('adam bias-corrects both moments and adds eps after sqrt(v)/sqrt(1 - beta2^t)', () => {
    const b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 1e-3;
    const [p1, p2] = run('adam', {}, 0.5, [0.3, -0.1], lr);
    // step 1: m = 0.1 g, v = 0.001 g², so m/(1-b1) = g and sqrt(v)/sqrt(1-b2) = |g|.
    close(p1, 0.5 - lr * (0.3 / (Math.abs(0.3) + eps)));
    const m2 = b1 * (1 - b1) * 0.3 + (1 - b1) * -0.1;
    const v2 = b2 * (1 - b2) * 0.09 + (1 - b2) * 0.01;
    close(p2, p1 - (lr / (1 - b1 ** 2)) * (m2 / (Math.sqrt(v2) / Math.sqrt(1 - b2 ** 2) + eps)));
  });

  it('adam with a gradient the size of eps moves by lr/2 (eps outside the sqrt), not by ~lr*1e-4', () => {
    const [p1] = run('adam', { eps: 1e-8 }, 0, [1e-8], 1e-3);
    close(p1, -1e-3 / 2);
  });

  it('adam weight decay is coupled (added to g) and adamw decoupled (p *= 1 - lr*wd first)', () => {
    const lr = 0.01, wd = 0.1, p0 = 3, g = 0.5, eps = 1e-8;
    const [coupled] = run('adam', { weight_decay: wd }, p0, [g], lr);
    const gc = g + wd * p0;
    close(coupled, p0 - lr * (gc / (Math.abs(gc) + eps)));
    const [decoupled] = run('adamw', { weight_decay: wd }, p0, [g], lr);
    close(decoupled, p0 * (1 - lr * wd) - lr * (g / (Math.abs(g) + eps)));
    expect(resolveOptimizerArgs('adamw', {}).weight_decay).toBe(0.01);
    expect(resolveOptimizerArgs('adam', {}).weight_decay).toBe(0);
  });

  it('amsgrad keeps the running maximum of v, so a small gradient after a large one takes a smaller step', () => {
    const b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 0.1;
    const [a1, a2] = run('adam', { amsgrad: true }, 0, [10, 0.1], lr);
    const [, plain2] = run('adam', {}, 0, [10, 0.1], lr);
    const m2 = b1 * 1 + 0.1 * 0.1;
    const v1 = 0.001 * 100;
    const v2 = b2 * v1 + 0.001 * 0.01;
    const vmax = Math.max(v1, v2);
    close(a2, a1 - (lr / (1 - b1 ** 2)) * (m2 / (Math.sqrt(vmax) / Math.sqrt(1 - b2 ** 2) + eps)));
    // without amsgrad the decayed v2 < v1 is used: a larger step
    expect(Math.abs(plain2 - a1)).toBeGreaterThan(Math.abs(a2 - a1));
  });

  it('adagrad divides by sqrt(sum of g²) + eps', () => {
    const [p1, p2] = run('adagrad', { eps: 0.1 }, 1, [2, 1], 0.5);
    close(p1, 1 - 0.5 * (2 / (2 + 0.1)));
    close(p2, p1 - 0.5 * (1 / (Math.sqrt(5) + 0.1)));
  });

  it('adadelta scales by sqrt(u + eps)/sqrt(v + eps) with both averages decayed by rho', () => {
    const rho = 0.9, eps = 1e-6;
    const [p1, p2] = run('adadelta', {}, 0, [1, 1], 1);
    const v1 = 0.1;
    const d1 = (Math.sqrt(eps) / Math.sqrt(v1 + eps)) * 1;
    close(p1, -d1);
    const u1 = 0.1 * d1 * d1;
    const v2 = rho * v1 + 0.1;
    close(p2, p1 - (Math.sqrt(u1 + eps) / Math.sqrt(v2 + eps)) * 1);
  });

  it('rmsprop divides by sqrt(v) + eps; centered subtracts the squared mean gradient first', () => {
    const rho = 0.99, eps = 1e-8, lr = 0.01;
    const [p1] = run('rmsprop', {}, 0, [2], lr);
    close(p1, -lr * (2 / (Math.sqrt(0.01 * 4) + eps)));
    const [, c2] = run('rmsprop', { centered: true }, 0, [2, 1], lr);
    const [c1] = run('rmsprop', { centered: true }, 0, [2], lr);
    close(c1, -lr * (2 / (Math.sqrt(0.01 * 4 - 0.02 * 0.02) + eps)));
    const v2 = rho * 0.04 + 0.01;
    const gbar2 = rho * 0.02 + 0.01;
    close(c2, c1 - lr * (1 / (Math.sqrt(v2 - gbar2 * gbar2) + eps)));
  });

  it('rmsprop momentum accumulates g/avg into a zero-initialised buffer', () => {
    const [p1, p2] = run('rmsprop', { momentum: 0.5, eps: 0 }, 0, [1, 1], 0.1);
    const a1 = Math.sqrt(0.01);
    const a2 = Math.sqrt(0.99 * 0.01 + 0.01);
    close(p1, -0.1 * (1 / a1));
    close(p2, p1 - 0.1 * (0.5 / a1 + 1 / a2));
  });

  it('adamax divides the corrected first moment by max(beta2*u, |g| + eps)', () => {
    const [p1, p2] = run('adamax', {}, 0, [2, -1], 2e-3);
    close(p1, -(2e-3 / 0.1) * ((0.1 * 2) / (2 + 1e-8)));
    const m2 = 0.9 * 0.2 - 0.1;
    const u2 = Math.max(0.999 * (2 + 1e-8), 1 + 1e-8);
    close(p2, p1 - (2e-3 / (1 - 0.81)) * (m2 / u2));
  });

  it("nadam follows the mu_t = beta1*(1 - 0.5*0.96^(t*psi)) schedule and the running product of mu's", () => {
    const b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 2e-3, psi = 4e-3;
    const mu = (t: number) => b1 * (1 - 0.5 * 0.96 ** (t * psi));
    const [p1, p2] = run('nadam', {}, 0, [1, 1], lr);
    const d1 = Math.sqrt((0.001 * 1) / (1 - b2)) + eps;
    close(p1, -lr * ((1 - mu(1)) / (1 - mu(1))) * (1 / d1) - lr * (mu(2) / (1 - mu(1) * mu(2))) * (0.1 / d1));
    const m2 = 0.9 * 0.1 + 0.1;
    const d2 = Math.sqrt((b2 * 0.001 + 0.001) / (1 - b2 ** 2)) + eps;
    const prod = mu(1) * mu(2);
    close(p2, p1 - lr * ((1 - mu(2)) / (1 - prod)) * (1 / d2) - lr * (mu(3) / (1 - prod * mu(3))) * (m2 / d2));
  });
});

describe('the optimizer table and its state', () => {
  it('names every optimizer of the contract with its defaults', () => {
    expect(Object.keys(OPTIMIZERS).sort()).toEqual(
      ['adadelta', 'adagrad', 'adam', 'adamax', 'adamw', 'gd', 'momentum', 'nadam', 'nesterov', 'rmsprop', 'sgd'].sort(),
    );
    expect(resolveOptimizerArgs('rmsprop', {})).toEqual({ lr: 0.01, rho: 0.99, eps: 1e-8, momentum: 0, centered: false });
    expect(resolveOptimizerArgs('nadam', {})).toEqual({ lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum_decay: 4e-3 });
    expect(() => resolveOptimizerArgs('sgd', {})).toThrow(/lr/);
    expect(isOptimizerName('adam')).toBe(true);
    expect(isOptimizerName('toString')).toBe(false);
  });

  it('allocates its slots once and only for the configuration (amsgrad, centered, momentum)', () => {
    expect(createOptimizer('adam', {}, 5).slotNames).toEqual(['exp_avg', 'exp_avg_sq']);
    expect(createOptimizer('adam', { amsgrad: true }, 5).slotNames).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(createOptimizer('rmsprop', { centered: true, momentum: 0.9 }, 5).slotNames).toEqual(['square_avg', 'momentum_buffer', 'grad_avg']);
    expect(createOptimizer('sgd', { lr: 1 }, 5).slotNames).toEqual([]);
    const opt = createOptimizer('nadam', {}, 7);
    expect(opt.state.slots.every((s) => s instanceof Float32Array && s.length === 7)).toBe(true);
    expect(opt.scalarNames).toEqual(['step', 'mu_product']);
    const before = opt.state.slots[0];
    opt.step(new Float32Array(7), new Float32Array(7).fill(1), 0.1);
    expect(opt.state.slots[0]).toBe(before);
    expect(Array.from(opt.state.scalars)[0]).toBe(1);
  });

  it('rejects buffers of the wrong size', () => {
    const opt = createOptimizer('adam', {}, 3);
    expect(() => opt.step(new Float32Array(4), new Float32Array(4), 0.1)).toThrow(RangeError);
  });

  it('updates a flat buffer elementwise: any split into segments gives the same result as the whole', () => {
    const names: OptimizerName[] = ['sgd', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'adadelta', 'adagrad'];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 1, max: 11 }),
        (name, values, cut) => {
          const n = values.length;
          const k = Math.min(cut, n - 1);
          const args = { lr: 0.1, momentum: 0.9 };
          const whole = createOptimizer(name, args, n, 'float64');
          const left = createOptimizer(name, args, k, 'float64');
          const right = createOptimizer(name, args, n - k, 'float64');
          const p = Float64Array.from(values);
          const q = Float64Array.from(values);
          for (let s = 0; s < 3; s++) {
            const g = Float64Array.from(values, (v, i) => Math.sin(v * (s + 1) + i));
            whole.step(p, g, 0.05);
            left.step(q.subarray(0, k), g.subarray(0, k), 0.05);
            right.step(q.subarray(k), g.subarray(k), 0.05);
          }
          expect(Array.from(q)).toEqual(Array.from(p));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('trains in float32: a few hundred adam steps minimise a quadratic', () => {
    const n = 50;
    const p = new Float32Array(n).fill(3);
    const g = new Float32Array(n);
    const opt = createOptimizer('adam', {}, n);
    for (let s = 0; s < 400; s++) {
      for (let i = 0; i < n; i++) g[i] = 2 * (p[i] - i / n);
      opt.step(p, g, 0.05);
    }
    for (let i = 0; i < n; i++) expect(Math.abs(p[i] - i / n)).toBeLessThan(0.05);
  });

  it('round-trips its state through saveState/loadState and continues identically', () => {
    const a = createOptimizer('rmsprop', { centered: true, momentum: 0.5 }, 4, 'float64');
    const p = Float64Array.of(1, 2, 3, 4);
    a.step(p, Float64Array.of(0.1, -0.2, 0.3, 0), 0.01);
    const snap = a.saveState();
    const b = createOptimizer('rmsprop', { centered: true, momentum: 0.5 }, 4, 'float64');
    b.loadState(snap);
    const pb = p.slice();
    a.step(p, Float64Array.of(1, 1, 1, 1), 0.01);
    b.step(pb, Float64Array.of(1, 1, 1, 1), 0.01);
    expect(Array.from(pb)).toEqual(Array.from(p));
    // the snapshot is a copy, not a view of the live state
    a.step(p, Float64Array.of(1, 1, 1, 1), 0.01);
    expect(snap.slots[0][0]).not.toBe(a.state.slots[0][0]);
    expect(() => b.loadState({ slots: [], scalars: [0] })).toThrow(RangeError);
  });
});
