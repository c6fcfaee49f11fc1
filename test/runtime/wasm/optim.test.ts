import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOptimizer, OPTIMIZERS, resolveOptimizerArgs, type OptimizerName } from '../../../src/runtime/optim/index.js';
import type { FastUpdate, OptimizerBackend } from '../../../src/runtime/optim/index.js';
import { memoryImportFor, optimizerBackend, wasmOptimizerUpdate } from '../../../src/runtime/wasm/optim.js';
import { createTrainingPlan } from '../../../src/plan/index.js';
import { closeness, compileText } from '../../plan/helpers.js';
import { RUNS } from '../arbitraries.js';
import { testArena, type Arena } from './arena.js';

const kernels = (): Arena => testArena(4);

/** Every vectorized configuration: name and arguments (lr is passed per step). */
const CONFIGS: readonly [OptimizerName, Record<string, number | boolean>][] = [
  ['adam', {}],
  ['adam', { amsgrad: true }],
  ['adam', { weight_decay: 0.05 }],
  ['adam', { amsgrad: true, weight_decay: 0.05, beta1: 0.5, beta2: 0.9, eps: 1e-3 }],
  ['adamw', {}],
  ['adamw', { amsgrad: true, weight_decay: 0.1 }],
  ['gd', { lr: 0.1 }],
  ['sgd', { lr: 0.1 }],
  ['sgd', { lr: 0.1, weight_decay: 0.05 }],
  ['sgd', { lr: 0.1, momentum: 0.9 }],
  ['sgd', { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.05 }],
  ['momentum', { lr: 0.1 }],
  ['nesterov', { lr: 0.1, beta: 0.5 }],
  ['adagrad', {}],
  ['adagrad', { eps: 1e-3 }],
  ['adadelta', {}],
  ['rmsprop', {}],
  ['rmsprop', { momentum: 0.9 }],
  ['rmsprop', { centered: true, eps: 1e-3 }],
  ['rmsprop', { centered: true, momentum: 0.5, rho: 0.9 }],
  ['nadam', {}],
  ['nadam', { beta1: 0.5, beta2: 0.9, momentum_decay: 0.1 }],
];

/**
 * A float32 value in [-range, range], spread over many orders of magnitude but flushed to 0 below
 * 2⁻⁴⁰: smaller values have squares below float32's normal range, where the reference (squares in
 * float64) and the float32 update legitimately part ways (centered RMSprop's √(v − ḡ²) even turns
 * NaN in the reference).
 */
const f32 = (range: number) =>
  fc.double({ min: -range, max: range, noNaN: true }).map((x) => (Math.abs(x) < 2 ** -40 ? 0 : Math.fround(x)));

interface Trial {
  readonly p0: number[];
  readonly grads: number[][];
  readonly lrs: number[];
}

const trial = (maxLength: number): fc.Arbitrary<Trial> =>
  fc.integer({ min: 1, max: maxLength }).chain((n) =>
    fc.record({
      p0: fc.array(f32(3), { minLength: n, maxLength: n }),
      grads: fc.array(fc.array(f32(2), { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 }),
      lrs: fc.array(fc.double({ min: 1e-4, max: 0.1, noNaN: true }), { minLength: 6, maxLength: 6 }),
    }),
  );

/**
 * Runs the trial twice: the reference update on plain float32 arrays, and the WebAssembly update
 * on views of `k`'s memory (placed at an arbitrary float offset, so not always 16-byte aligned).
 * Returns both final states (parameters, then each slot) and the scalars.
 */
function runBoth(k: Arena, name: OptimizerName, given: Record<string, number | boolean>, t: Trial, shift: number, update?: FastUpdate) {
  const n = t.p0.length;
  const args = resolveOptimizerArgs(name, given as never) as unknown as Record<string, number | boolean>;
  const spec = OPTIMIZERS[name];
  const slotCount = spec.slots(args as never).length;
  const view = (floats: number): Float32Array => k.alloc(floats + shift).subarray(shift);
  const p = view(n), g = view(n);
  const slots = Array.from({ length: slotCount }, () => view(n));
  const fast = update ?? wasmOptimizerUpdate(k.memory, name, args, slots, n);
  if (fast === null) throw new Error(`${name} has no WebAssembly update`);
  const refP = Float32Array.from(t.p0), refSlots = slots.map(() => new Float32Array(n));
  const refScalars = Float64Array.from(spec.initialScalars), scalars = Float64Array.from(spec.initialScalars);
  p.set(t.p0);
  // the largest magnitude each slot has held: the scale of the terms its next average may cancel
  const held = refSlots.map(() => 0);
  t.grads.forEach((gs, s) => {
    g.set(gs);
    expect(fast(p, g, t.lrs[s], scalars)).toBe(true);
    spec.update(args as never, refP, Float32Array.from(gs), t.lrs[s], refSlots, refScalars);
    refSlots.forEach((r, k) => r.forEach((x) => (held[k] = Math.max(held[k], Math.abs(x)))));
  });
  const scales = [t.grads.length * Math.max(...t.lrs) * 4, ...held];
  return { got: [p, ...slots], want: [refP, ...refSlots], scales, scalars, refScalars, args };
}

/**
 * The bound: |wasm − reference| ≤ 2⁻¹⁵·(|reference| + s) + 2⁻¹⁴⁰ per element, with s the scale
 * of the terms: for a slot, the largest magnitude it has held in any step; for the parameters,
 * 4·lr·steps (no update moves a parameter by more than a few lr). The reference rounds once per
 * stored value from float64; the wasm update rounds after each of its ~10 float32 operations
 * (≤ 2⁻²⁴ relative each), and differences carry over between steps (at most 6). Sums can cancel,
 * so an error is relative to the terms, not to the value: an average (m = β1·m + (1−β1)·g, a
 * momentum buffer) cancels against what the slot held before; a coupled weight decay g + λ·p
 * feeds the parameters' last-ulp differences into the slots. 2⁻¹⁵ is 512 float32 ulps of the
 * scale, ~5× the worst seen in ~90,000 runs (0.81·2⁻¹⁷, a second moment after g + λ·p
 * cancelled), and orders of magnitude below any wrong formula (a swapped constant or missing
 * term moves values by ≥ 1e-3 relative). Below float32's normal range rounding is absolute
 * (2⁻¹⁴⁹ per operation), hence the floor 2⁻¹⁴⁰.
 */
function expectClose(got: readonly Float32Array[], want: readonly Float32Array[], scales: readonly number[]): void {
  got.forEach((a, k) => {
    const b = want[k], scale = scales[k];
    for (let i = 0; i < b.length; i++) {
      const err = Math.abs(a[i] - b[i]);
      if (!(err <= 2 ** -15 * (Math.abs(b[i]) + scale) + 2 ** -140)) {
        expect.fail(`array ${k} element ${i}: wasm ${a[i]} vs reference ${b[i]} (scale ${scale})`);
      }
    }
  });
}

describe('optimizer updates in WebAssembly SIMD', () => {
  it.each(CONFIGS)('%s %j matches the reference update over several steps, any length and alignment', (name, given) => {
    fc.assert(
      fc.property(trial(23), fc.integer({ min: 0, max: 3 }), (t, shift) => {
        const { got, want, scales, scalars, refScalars } = runBoth(kernels(), name, given, t, shift);
        expect(Array.from(scalars)).toEqual(Array.from(refScalars));
        expectClose(got, want, scales);
      }),
      { numRuns: RUNS },
    );
  });

  it('updates every element of a long buffer, vector part and tail alike', () => {
    const n = 1003;
    const t: Trial = {
      p0: Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i))),
      grads: [0, 1, 2].map((s) => Array.from({ length: n }, (_, i) => Math.fround(Math.cos(i * (s + 1))))),
      lrs: [0.01, 0.02, 0.03],
    };
    for (const [name, given] of CONFIGS) {
      const { got, want, scales } = runBoth(kernels(), name, given, t, 1);
      expectClose(got, want, scales);
      // every parameter moved: the loop bounds cover the whole buffer
      got[0].forEach((x, i) => expect(x).not.toBe(t.p0[i]));
    }
  });

  it('gives bit-identical results on a second memory: no state outside the arrays it is given', () => {
    const t: Trial = { p0: [0.5, -1, 2, 0.25, 3], grads: [[0.1, 0.2, -0.3, 0.4, -0.5], [1, -1, 1, -1, 0]], lrs: [0.01, 0.01] };
    for (const [name, given] of CONFIGS) {
      const a = runBoth(kernels(), name, given, t, 0), b = runBoth(kernels(), name, given, t, 2);
      a.got.forEach((x, k) => expect(Array.from(x)).toEqual(Array.from(b.got[k])));
    }
  });

  it('declines arrays outside its memory, leaving them and the step count untouched', () => {
    const k = kernels();
    const args = resolveOptimizerArgs('adam', {}) as unknown as Record<string, number | boolean>;
    const fast = wasmOptimizerUpdate(k.memory, 'adam', args, [k.alloc(4), k.alloc(4)], 4);
    const p = Float32Array.of(1, 2, 3, 4), scalars = Float64Array.of(0);
    expect(fast?.(p, k.alloc(4), 0.1, scalars)).toBe(false);
    expect(Array.from(p)).toEqual([1, 2, 3, 4]);
    expect(scalars[0]).toBe(0);
  });

  it('has no update for the optimizers it does not vectorize, nor for slots outside its memory', () => {
    const k = kernels();
    for (const name of ['adamax'] as const) {
      const args = resolveOptimizerArgs(name, {}) as unknown as Record<string, number | boolean>;
      expect(wasmOptimizerUpdate(k.memory, name, args, [k.alloc(3), k.alloc(3)], 3)).toBeNull();
    }
    const adam = resolveOptimizerArgs('adam', {}) as unknown as Record<string, number | boolean>;
    expect(wasmOptimizerUpdate(k.memory, 'adam', adam, [new Float32Array(3), k.alloc(3)], 3)).toBeNull();
  });

  it('imports a shared memory as shared and a plain one as plain', () => {
    expect(memoryImportFor(new WebAssembly.Memory({ initial: 1 }))).toEqual({ minPages: 1 });
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    expect(memoryImportFor(shared)).toEqual({ minPages: 1, maxPages: 65536, shared: true });
    // and the update instantiates and runs over it
    const args = resolveOptimizerArgs('sgd', { lr: 0.5 }) as unknown as Record<string, number | boolean>;
    const fast = wasmOptimizerUpdate(shared, 'sgd', args, [], 5);
    const p = new Float32Array(shared.buffer, 0, 5), g = new Float32Array(shared.buffer, 64, 5);
    p.set([1, 2, 3, 4, 5]);
    g.set([2, 2, 2, 2, 2]);
    expect(fast?.(p, g, 0.5, Float64Array.of(0))).toBe(true);
    expect(Array.from(p)).toEqual([0, 1, 2, 3, 4]);
    // a grow gives the memory a new buffer object; views of the old one stay valid and stay fast
    shared.grow(1);
    expect(p.buffer).not.toBe(shared.buffer);
    expect(fast?.(p, g, 0.5, Float64Array.of(1))).toBe(true);
    expect(Array.from(p)).toEqual([-1, 0, 1, 2, 3]);
  });
});

describe('createOptimizer on the WebAssembly backend', () => {
  /** The backend of `k`, counting how often its fast update ran. */
  function counting(k: Arena): { backend: OptimizerBackend; calls: () => number } {
    const inner = optimizerBackend(k, (n) => k.alloc(n));
    let calls = 0;
    return {
      calls: () => calls,
      backend: {
        alloc: inner.alloc,
        fastUpdate(name, args, slots, n) {
          const f = inner.fastUpdate(name, args, slots, n);
          return f === null ? null : (p, g, lr, s) => f(p, g, lr, s) && ++calls > 0;
        },
      },
    };
  }

  it('keeps its slots in the kernel memory and runs the WebAssembly update on arrays there', () => {
    const k = kernels();
    const { backend, calls } = counting(k);
    const opt = createOptimizer('adam', { amsgrad: true }, 6, 'float32', backend);
    for (const s of opt.state.slots) expect(s.buffer).toBe(k.memory.buffer);
    const p = k.alloc(6), g = k.alloc(6);
    g.fill(0.5);
    opt.step(p, g, 0.1);
    expect(calls()).toBe(1);
    expect(opt.state.scalars[0]).toBe(1);
    // the first Adam step moves each parameter by lr against the gradient's sign
    for (const x of p) expect(x).toBeCloseTo(-0.1, 6);
  });

  it('falls back to the reference update, on the same slots, for arrays outside the memory', () => {
    const k = kernels();
    const { backend, calls } = counting(k);
    const opt = createOptimizer('sgd', { lr: 0.1, momentum: 0.9 }, 3, 'float32', backend);
    const p = new Float32Array(3);
    opt.step(p, Float32Array.of(1, 2, 3), 0.1);
    expect(calls()).toBe(0);
    expect(Array.from(opt.state.slots[0])).toEqual([1, 2, 3]);
    expect(opt.state.slots[0].buffer).toBe(k.memory.buffer);
  });

  it('ignores the backend for float64 state (gradient checks stay in TypeScript)', () => {
    const k = kernels();
    const opt = createOptimizer('adam', {}, 3, 'float64', optimizerBackend(k, (n) => k.alloc(n)));
    expect(opt.state.slots[0]).toBeInstanceOf(Float64Array);
  });

  it('round-trips its state bit for bit: a restored copy continues exactly as the original', () => {
    for (const [name, given] of CONFIGS) {
      const k = kernels();
      const make = () => createOptimizer(name, given as never, 7, 'float32', optimizerBackend(k, (n) => k.alloc(n)));
      const a = make(), b = make();
      const pa = k.alloc(7), pb = k.alloc(7), g = k.alloc(7);
      pa.set([1, -2, 3, -4, 5, -6, 7]);
      g.set([0.3, -0.1, 0.2, 0.5, -0.7, 0.01, 1]);
      a.step(pa, g, 0.01);
      a.step(pa, g, 0.01);
      b.loadState(a.saveState());
      pb.set(pa);
      g.set([-0.2, 0.4, 0.1, -0.6, 0.3, 0.9, -1]);
      a.step(pa, g, 0.02);
      b.step(pb, g, 0.02);
      expect(Array.from(pb)).toEqual(Array.from(pa));
      b.state.slots.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(a.state.slots[i])));
    }
  });

  it('leaves the optimizers it does not vectorize on the reference update, slots in the memory', () => {
    const k = kernels();
    const opt = createOptimizer('adamax', {}, 5, 'float32', optimizerBackend(k, (n) => k.alloc(n)));
    const ref = createOptimizer('adamax', {}, 5, 'float32');
    const p = k.alloc(5), q = new Float32Array(5), g = Float32Array.of(1, -2, 3, -4, 5);
    opt.step(p, g, 0.01);
    ref.step(q, g, 0.01);
    expect(Array.from(p)).toEqual(Array.from(q));
    expect(opt.state.slots[0].buffer).toBe(k.memory.buffer);
  });
});

describe('a training plan on the WebAssembly kernels', () => {
  const program = (optimizer: string, clip: string) => `model M {
  input [5]
  dense(7, activation: tanh)
  dense(3)
}
train M {
  data:      csv("d.csv", label: "y")
  loss:      mse
  optimizer: ${optimizer}
  batch:     4${clip}
}
`;

  it.each([
    ['adam(lr: 0.01)', ''],
    ['adam(lr: 0.01, amsgrad: true, weight_decay: 0.01)', '\n  clip: norm(0.5)'],
    ['adamw(lr: 0.01)', '\n  clip: param_norm(0.3)'],
    ['sgd(0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01)', '\n  clip: norm(0.5)'],
    ['gd(0.05)', ''],
    ['rmsprop(lr: 0.01, centered: true, momentum: 0.5)', '\n  clip: value(0.1)'],
    ['nadam(lr: 0.01)', ''],
    ['adagrad(lr: 0.05)', ''],
    ['adamax(lr: 0.01)', '\n  clip: norm(0.5)'],
  ])('trains %s%s to the TypeScript kernels\' parameters over several steps, to float32 tolerance', (optimizer, clip) => {
    const { model, train } = compileText(program(optimizer, clip));
    const ts = createTrainingPlan(model, train, { batchCapacity: 4, seed: 7, kernels: 'ts' });
    const wasm = createTrainingPlan(model, train, { batchCapacity: 4, seed: 7, kernels: 'wasm' });
    const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
    for (let s = 0; s < 8; s++) {
      const y = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * (s + 1)));
      const a = ts.trainStep(x, y, 4).gradNorm, b = wasm.trainStep(x, y, 4).gradNorm;
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-4 * a);
    }
    expect(closeness(wasm.paramData, ts.paramData, 1e-4, 1e-6)).toBeLessThanOrEqual(1);
    // and the optimizer state agrees too (it lives in the kernel memory on wasm)
    const sa = ts.getState().optimizer, sb = wasm.getState().optimizer;
    expect(sb.scalars).toEqual(sa.scalars);
    sb.slots.forEach((s, k) => expect(closeness(s, sa.slots[k], 1e-3, 1e-6)).toBeLessThanOrEqual(1));
  });

  it('restores a checkpoint bit for bit: a plan given another\'s state continues exactly as it', () => {
    const { model, train } = compileText(program('adam(lr: 0.01, amsgrad: true)', '\n  clip: norm(0.5)'));
    const a = createTrainingPlan(model, train, { batchCapacity: 4, seed: 3, kernels: 'wasm' });
    const b = createTrainingPlan(model, train, { batchCapacity: 4, seed: 9, kernels: 'wasm' });
    const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), y = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i));
    for (let s = 0; s < 3; s++) a.trainStep(x, y, 4);
    b.setState(a.getState());
    for (let s = 0; s < 3; s++) expect(b.trainStep(x, y, 4).loss).toBe(a.trainStep(x, y, 4).loss);
    expect(Array.from(b.paramData)).toEqual(Array.from(a.paramData));
    const sa = a.getState().optimizer, sb = b.getState().optimizer;
    sb.slots.forEach((s, k) => expect(Array.from(s)).toEqual(Array.from(sa.slots[k])));
  });
});
