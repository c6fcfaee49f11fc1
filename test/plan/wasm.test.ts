import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/compiler.js';
import { lower } from '../../src/ir/lower.js';
import { compilePlan, createPlanKernels, createTrainingPlan, type CompiledTrainingPlan } from '../../src/plan/index.js';
import { createRng, createSchedule, wasmSimdSupported, type Gemm, type Kernels, type ScheduleName, type WasmKernels } from '../../src/runtime/index.js';
import type { DenseProduct } from '../../src/runtime/kernels/types.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint.js';
import { initialLoopState, runTraining, type LoopConfig, type LoopState, type Samples } from '../../src/train/loop.js';
import { baseLearningRate, metricNames, metricTargetFor } from '../../src/train/setup.js';
import { validProgram } from '../arbitraries/valid-program.js';
import { batchFor, closeness, compileText } from './helpers.js';

const RTOL = 1e-3;
const ATOL = 1e-5;

/** The bytes of a float32 view (not of its whole buffer: a wasm view's buffer is the kernel memory). */
const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A wasm kernel table for the program's plan whose every product (fused dense ones included) records whether all operands were views of its memory. */
function spied(text: string, capacity: number): { kernels: Kernels; calls: { inMemory: boolean }[] } {
  const { model, train } = compileText(text);
  const wasm = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: capacity })) as WasmKernels;
  const calls: { inMemory: boolean }[] = [];
  const wrap = (g: Gemm): Gemm => (m, n, k, a, ao, b, bo, c, co, acc, pack, po) => {
    const mem = wasm.memory.buffer;
    calls.push({ inMemory: a.buffer === mem && b.buffer === mem && c.buffer === mem });
    g(m, n, k, a, ao, b, bo, c, co, acc, pack, po);
  };
  const fused = wasm.denseProduct!;
  const denseProduct: DenseProduct = (act, m, n, k, x, xo, w, wo, y, yo, b, bo, s, so, alpha, pack, po) => {
    const mem = wasm.memory.buffer;
    calls.push({ inMemory: [x, w, y, b, s].every((a) => a === null || a.buffer === mem) });
    fused(act, m, n, k, x, xo, w, wo, y, yo, b, bo, s, so, alpha, pack, po);
  };
  return { kernels: { ...wasm, gemmNN: wrap(wasm.gemmNN), gemmTN: wrap(wasm.gemmTN), gemmNT: wrap(wasm.gemmNT), denseProduct }, calls };
}

/**
 * Programs without batch or layer normalization. Normalizing a batch of two nearly equal values
 * (a zero-initialized layer feeds one, say) divides rounding noise by rounding noise, so two
 * kernel tables that sum in different orders can disagree there by any amount; those layers are
 * checked against the reference on the same kernels in equivalence.test.ts.
 */
const wellConditioned = validProgram.filter((text) => !/\b(batchnorm|layernorm)\b/.test(text));

describe.skipIf(!wasmSimdSupported())('a training plan on the WebAssembly SIMD kernels', () => {
  it('gives the TypeScript kernels\' loss, gradient norms, outputs and updated parameters to float32 tolerance', () => {
    fc.assert(
      fc.property(wellConditioned, fc.nat(1000), fc.integer({ min: 1, max: 4 }), (text, seed, n) => {
        const { model, train } = compileText(text);
        const ts = createTrainingPlan(model, train, { batchCapacity: 4, seed, kernels: 'ts' });
        const wasm = createTrainingPlan(model, train, { batchCapacity: 4, seed, kernels: 'wasm' });
        expect(bytes(wasm.paramData).equals(bytes(ts.paramData))).toBe(true);
        const { x, y } = batchFor(lower(model, train, { batchCapacity: n }), n, seed);
        // evaluation first, on the same initial parameters
        const ea = ts.evaluate(x as Float32Array, y as Float32Array, n);
        const eb = wasm.evaluate(x as Float32Array, y as Float32Array, n);
        expect(closeness([eb.loss], [ea.loss], RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closeness(eb.output, ea.output, RTOL, ATOL)).toBeLessThanOrEqual(1);
        const a = { ...ts.trainStep(x as Float32Array, y as Float32Array, n) };
        const b = { ...wasm.trainStep(x as Float32Array, y as Float32Array, n) };
        expect(closeness([b.loss, b.gradNorm], [a.loss, a.gradNorm], RTOL, ATOL)).toBeLessThanOrEqual(1);
        const na = new Float64Array(ts.paramLayers.length);
        const nb = new Float64Array(ts.paramLayers.length);
        ts.lastGradNorms(na);
        wasm.lastGradNorms(nb);
        expect(closeness(nb, na, RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closeness(wasm.lastOutput(), ts.lastOutput(), RTOL, ATOL)).toBeLessThanOrEqual(1);
        // plain SGD moves parameters by lr·g, so rounding differences in g stay at rounding level
        // (adaptive optimizers turn noise-level gradients into full steps of either sign)
        if (train.optimizer?.builtin === 'sgd') expect(closeness(wasm.paramData, ts.paramData, RTOL, ATOL)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 40 },
    );
  });

  it('runs every matrix product in place: all operands are views of the kernel memory, sized so it never grows', () => {
    fc.assert(
      fc.property(validProgram, fc.nat(1000), fc.integer({ min: 1, max: 4 }), (text, seed, n) => {
        const { model, train } = compileText(text);
        const { kernels, calls } = spied(text, 4);
        const memory = (kernels as WasmKernels).memory;
        const before = memory.buffer.byteLength;
        const plan = createTrainingPlan(model, train, { batchCapacity: 4, seed, kernels });
        // the arena (optimizer slots included) fits the memory createPlanKernels made
        expect(memory.buffer.byteLength).toBe(before);
        const { x, y } = batchFor(lower(model, train, { batchCapacity: n }), n, seed);
        plan.trainStep(x as Float32Array, y as Float32Array, n);
        plan.evaluate(x as Float32Array, y as Float32Array, n);
        plan.predict(x as Float32Array, n);
        expect(calls.filter((c) => !c.inMemory)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('counts products on a dense network, so the in-place check above is not vacuous', () => {
    const text = 'model M {\n  input [6]\n  dense(5, activation: relu)\n  dense(3)\n}\ntrain M {\n  data: csv("unused.csv", label: "y")\n  loss: cross_entropy\n  optimizer: sgd(0.1)\n}\n';
    const { model, train } = compileText(text);
    const { kernels, calls } = spied(text, 4);
    const plan = createTrainingPlan(model, train, { batchCapacity: 4, seed: 3, kernels });
    plan.trainStep(new Float32Array(24).fill(0.5), Float32Array.of(0, 1, 2, 0), 4);
    // two layers forward; backward: two weight gradients and one input gradient
    expect(calls.length).toBe(5);
    expect(calls.every((c) => c.inMemory)).toBe(true);
  });

  it('sizes the kernel memory for the optimizer slots too (adam on 100k parameters: 800 KB of slots)', () => {
    const text = 'model M {\n  input [400]\n  dense(250)\n}\ntrain M {\n  data: csv("unused.csv", label: "y")\n  loss: mse\n  optimizer: adam(amsgrad: true)\n}\n';
    const { model, train } = compileText(text);
    const kernels = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: 2 })) as WasmKernels;
    const before = kernels.memory.buffer.byteLength;
    createTrainingPlan(model, train, { batchCapacity: 2, seed: 1, kernels });
    expect(kernels.memory.buffer.byteLength).toBe(before);
  });

  it('repeats a seed bit for bit over several steps', () => {
    fc.assert(
      fc.property(validProgram, fc.nat(1000), (text, seed) => {
        const { model, train } = compileText(text);
        const run = (): CompiledTrainingPlan => {
          const plan = createTrainingPlan(model, train, { batchCapacity: 3, seed, kernels: 'wasm' });
          for (let s = 0; s < 3; s++) {
            const { x, y } = batchFor(lower(model, train, { batchCapacity: 3 }), 3, seed + s);
            plan.trainStep(x as Float32Array, y as Float32Array, 3);
          }
          return plan;
        };
        const a = run();
        const b = run();
        expect(bytes(b.paramData).equals(bytes(a.paramData))).toBe(true);
        expect(bytes(b.bufferData).equals(bytes(a.bufferData))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('refuses to run once another allocation on its kernel table detached its buffers', () => {
    const text = 'model M {\n  input [2]\n  dense(2)\n}\ntrain M {\n  data: csv("unused.csv", label: "y")\n  loss: mse\n  optimizer: sgd(0.1)\n}\n';
    const { model, train } = compileText(text);
    const kernels = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: 2 })) as WasmKernels;
    const plan = createTrainingPlan(model, train, { batchCapacity: 2, seed: 1, kernels });
    expect(Number.isFinite(plan.trainStep(new Float32Array(4), new Float32Array(4), 2).loss)).toBe(true);
    kernels.alloc(1 << 20);
    expect(() => plan.trainStep(new Float32Array(4), new Float32Array(4), 2)).toThrow(/detached/);
  });
});

/** n samples of y = 2*x0 - x1 + 0.5. */
function regression(n: number, flip = false): Samples {
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i / n;
    x[2 * i + 1] = Math.sin(i);
    y[i] = (flip ? -1 : 1) * (0.2 * i - Math.sin(i) + 0.5);
  }
  return { x, y, n };
}

describe.skipIf(!wasmSimdSupported())('checkpoints of a plan on the WebAssembly SIMD kernels', () => {
  it('resume bit-identically to an uninterrupted run (dropout, shuffling, adam), loading into the kernel memory', () => {
    const text = 'model D {\n  input [2]\n  dense(8, activation: relu)\n  dropout(0.3)\n  dense(1)\n}\ntrain D {\n  data: csv("unused.csv", label: "y")\n  loss: mse\n  optimizer: adam(lr: 0.01)\n  shuffle: true\n}\n';
    const front = checkText(text, 't.nn');
    const model = front.checked.program.models[0]!;
    const train = front.checked.program.trains[0]!;
    const setup = (seed: number): { plan: CompiledTrainingPlan; config: LoopConfig } => {
      const plan = createTrainingPlan(model, train, { batchCapacity: 3, seed, kernels: 'wasm' });
      const config: LoopConfig = {
        epochs: 5, batchSize: 3, shuffle: true, shuffleRng: createRng(7).fork(2),
        schedule: createSchedule(train.schedule.builtin as ScheduleName, train.schedule.args as never, baseLearningRate(train), 5),
        patience: null, metrics: metricNames(train), target: metricTargetFor({ model, train }),
      };
      return { plan, config };
    };
    const full = setup(1);
    let at2: LoopState | null = null;
    const uninterrupted = runTraining(full.plan, regression(10), null, full.config, initialLoopState(full.plan, full.config), {
      onEpoch: (r, state) => {
        if (r.epoch === 2) at2 = state;
      },
    });
    const ckpt = encodeCheckpoint(full.plan, at2!, { model: 'D' });
    const resumed = setup(99);
    const paramView = resumed.plan.paramData;
    const { state } = decodeCheckpoint(resumed.plan, ckpt, 'ckpt');
    const result = runTraining(resumed.plan, regression(10), null, resumed.config, state);
    expect(result.history.map((r) => [r.loss, r.lr])).toEqual(uninterrupted.history.map((r) => [r.loss, r.lr]));
    expect(bytes(resumed.plan.paramData).equals(bytes(full.plan.paramData))).toBe(true);
    // the state was written into the plan's views of the kernel memory, not into new arrays
    expect(resumed.plan.paramData).toBe(paramView);
    expect(paramView.buffer).toBe(resumed.plan.bufferData.buffer);
  });
});
