import { afterEach, describe, expect, it } from 'vitest';
import { nodeSpawn } from '../../src/cli/threads.js';
import { lower } from '../../src/ir/lower.js';
import { compilePlan, createPlanKernels, createTrainingPlan, type CompiledTrainingPlan } from '../../src/plan/index.js';
import type { WasmKernels } from '../../src/runtime/index.js';
import { batchFor, compileText } from './helpers.js';

const live: CompiledTrainingPlan[] = [];
afterEach(() => {
  for (const p of live.splice(0)) p.dispose();
});

// Products of 32×784×192 and more: above the threshold from which a product is split.
const MLP = `
model Wide {
  input [784]
  dense(192, activation: relu)
  dropout(0.1)
  dense(160, activation: tanh)
  dense(10, activation: softmax)
}
train Wide {
  data: csv("d.csv", label: "y")
  loss: cross_entropy
  optimizer: adam(lr: 1e-2)
  clip: norm(1.0)
  batch: 32
}
`;

const CNN = `
model Conv {
  input [3, 20, 20]
  conv2d(32, 3, padding: same, activation: relu)
  maxpool2d(2)
  flatten
  dense(64, activation: relu)
  dense(4)
}
train Conv {
  data: csv("d.csv", label: "y")
  loss: mse
  optimizer: sgd(0.05, momentum: 0.9)
  batch: 16
}
`;

/** A plan on wasm kernels with `threads` threads, every worker ready. */
async function planOn(text: string, threads: number, batch: number): Promise<CompiledTrainingPlan> {
  const { model, train } = compileText(text);
  const kernels = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: batch }), { threads, spawn: nodeSpawn }) as WasmKernels;
  const plan = createTrainingPlan(model, train, { batchCapacity: batch, seed: 11, kernels });
  live.push(plan);
  const t0 = Date.now();
  while (kernels.readyThreads() < threads) {
    if (Date.now() - t0 > 20000) throw new Error('workers did not start');
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(kernels.threads).toBe(threads);
  return plan;
}

/** Trains a few steps on fixed batches and returns every loss, the weights and the last output. */
function run(plan: CompiledTrainingPlan, text: string, batch: number): { losses: number[]; params: Float32Array; output: Float32Array } {
  const { model, train } = compileText(text);
  const graph = lower(model, train, { batchCapacity: batch });
  const losses: number[] = [];
  for (let s = 0; s < 4; s++) {
    const { x, y } = batchFor(graph, batch, 100 + s);
    const r = plan.trainStep(x as Float32Array, y as Float32Array, s === 3 ? batch - 3 : batch);
    losses.push(r.loss, r.gradNorm);
  }
  const { x } = batchFor(graph, batch, 7);
  return { losses, params: plan.paramData.slice(), output: plan.predict(x as Float32Array, batch).slice() };
}

describe('a training plan on several threads', () => {
  it.each([['an MLP with dropout and clipping', MLP, 32], ['a CNN with momentum', CNN, 16]] as const)(
    'trains %s to bit-identical losses, weights and predictions on 1, 2 and 3 threads',
    async (_name, text, batch) => {
      const results: ReturnType<typeof run>[] = [];
      for (const threads of [1, 2, 3]) results.push(run(await planOn(text, threads, batch), text, batch));
      for (const r of results.slice(1)) {
        expect(r.losses).toEqual(results[0].losses);
        expect(r.params.every((v, i) => Object.is(v, results[0].params[i]))).toBe(true);
        expect(r.output.every((v, i) => Object.is(v, results[0].output[i]))).toBe(true);
      }
    },
  );

  it('keeps training correctly after dispose ends its workers', async () => {
    const a = await planOn(MLP, 2, 32);
    const b = await planOn(MLP, 1, 32);
    a.dispose();
    const ra = run(a, MLP, 32), rb = run(b, MLP, 32);
    expect(ra.losses).toEqual(rb.losses);
  });

  it('takes threads through createTrainingPlan, and ignores them on the TypeScript kernels', () => {
    const { model, train } = compileText(MLP);
    const wasm = createTrainingPlan(model, train, { batchCapacity: 8, seed: 1, kernels: 'wasm', threads: 2, spawn: nodeSpawn });
    const ts = createTrainingPlan(model, train, { batchCapacity: 8, seed: 1, kernels: 'ts', threads: 2, spawn: nodeSpawn });
    live.push(wasm, ts);
    expect(wasm.paramData.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(ts.paramData.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(() => ts.dispose()).not.toThrow();
  });
});
