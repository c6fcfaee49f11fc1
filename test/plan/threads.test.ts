import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { compile } from '../../src/index.js';
import { nodeSpawn } from '../../src/cli/threads.js';
import { lower } from '../../src/ir/lower.js';
import { compilePlan, createPlanKernels, createTrainingPlan, largestProduct, type CompiledTrainingPlan } from '../../src/plan/index.js';
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

  it('takes threads and spawn through the library entry compile(), with the same first steps as one thread', () => {
    const [one, two] = [1, 2].map((threads) => compile(MLP, { kernels: 'wasm', threads, spawn: nodeSpawn }).plan!);
    live.push(one, two);
    expect(two.paramData.buffer instanceof SharedArrayBuffer).toBe(true);
    const { model, train } = compileText(MLP);
    const { x, y } = batchFor(lower(model, train, { batchCapacity: 32 }), 32, 5);
    for (let s = 0; s < 2; s++) expect(two.trainStep(x as Float32Array, y as Float32Array, 32).loss).toBe(one.trainStep(x as Float32Array, y as Float32Array, 32).loss);
  });

  it('measures the largest product of a plan: a dense layer over the batch, a convolution per sample', () => {
    const mlp = compileText(MLP), cnn = compileText(CNN);
    expect(largestProduct(compilePlan(mlp.model, mlp.train, { batchCapacity: 32 }))).toBe(32 * 192 * 784);
    const conv = compilePlan(cnn.model, cnn.train, { batchCapacity: 1 });
    // batch 1: the dense 3200→64 product (204,800) is smaller than the convolution's 32·400·27
    expect(largestProduct(conv)).toBe(32 * 400 * 27);
  });

  it('starts no worker for a plan none of whose products would be split', () => {
    const { model, train } = compileText(MLP.replace('input [784]', 'input [4]').replace(/dense\(1\d0/g, 'dense(8'));
    const planned = compilePlan(model, train, { batchCapacity: 4 });
    const k = createPlanKernels('wasm', planned, { threads: 4, spawn: nodeSpawn }) as WasmKernels;
    expect(k.threads).toBe(1);
    k.dispose();
  });
});

describe('the --threads flag of the commands that run a plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nn-threads-'));
  const header = ['y', ...Array.from({ length: 784 }, (_, i) => `p${i}`)].join(',');
  const rows = Array.from({ length: 48 }, (_, r) => [r % 10, ...Array.from({ length: 784 }, (_, i) => ((Math.sin(r * 7 + i) + 1) / 2).toFixed(3))].join(','));
  writeFileSync(join(dir, 'd.csv'), `${header}\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, 'wide.nn'), MLP.replace('batch: 32', 'batch: 16\n  epochs: 2\n  seed: 3'));

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd: dir });
    return { code, out, err };
  }

  it('trains to bit-identical weights with --threads 1 and --threads 2 (workers join whenever they are ready), and eval and predict accept it', async () => {
    const weights: number[][] = [];
    for (const t of ['1', '2']) {
      const r = await cli(['train', 'wide.nn', '--threads', t, '--kernels', 'wasm', '--weights-out', `w${t}.safetensors`, '--json']);
      expect(r.code, r.err).toBe(0);
      weights.push(Array.from(readFileSync(join(dir, `w${t}.safetensors`))));
    }
    expect(weights[1]).toEqual(weights[0]);
    const e = await cli(['eval', 'wide.nn', '--weights', 'w2.safetensors', '--threads', '2', '--json']);
    expect(e.code, e.err).toBe(0);
    const p = await cli(['predict', 'wide.nn', '--weights', 'w2.safetensors', '--input', 'd.csv', '--threads', '2']);
    expect(p.code, p.err).toBe(0);
    expect(p.out.trim().split('\n').length).toBe(48);
  });

  it('rejects a thread count that is not a whole number of at least 1, naming the flag', async () => {
    for (const bad of ['0', '-1', '1.5', 'two', '']) {
      for (const cmd of [['train', 'wide.nn'], ['eval', 'wide.nn', '--weights', 'w'], ['predict', 'wide.nn', '--weights', 'w', '--input', 'd.csv']]) {
        const r = await cli([...cmd, `--threads=${bad}`]);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`--threads must be a whole number of at least 1, got '${bad}'`);
      }
    }
  });

  it('refuses more than one thread on the TypeScript kernels, and takes --threads 1 there', async () => {
    const r = await cli(['train', 'wide.nn', '--threads', '2', '--kernels', 'ts']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--threads 2 needs the wasm kernels/);
    const one = await cli(['train', 'wide.nn', '--threads', '1', '--kernels', 'ts', '--epochs', '1', '--weights-out', 'ts.safetensors', '--json']);
    expect(one.code, one.err).toBe(0);
  });

  it('lists --threads in the usage of train, eval and predict', async () => {
    for (const cmd of ['train', 'eval', 'predict']) {
      const r = await cli(['help', cmd]);
      expect(r.out + r.err).toMatch(/--threads N/);
    }
  });
});
