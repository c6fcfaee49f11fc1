import { afterEach, describe, expect, it } from 'vitest';
import { nodeSpawn } from '../../../src/cli/threads.js';
import { optimizerSlotNames, resolveOptimizerArgs, type FastUpdate, type OptimizerName } from '../../../src/runtime/optim/index.js';
import { createWasmKernels } from '../../../src/runtime/wasm/index.js';
import type { WasmKernels } from '../../../src/runtime/wasm/index.js';
import type { ThreadJobs } from '../../../src/runtime/wasm/lanes.js';
import { PARALLEL_ELEMENTS, wasmOptimizerUpdate } from '../../../src/runtime/wasm/optim.js';

const live: WasmKernels[] = [];
afterEach(() => {
  for (const k of live.splice(0)) k.dispose();
});

/** Configurations covering every generated body (sgd's first and later steps, each adaptive kind). */
const CONFIGS: readonly [OptimizerName, Record<string, number | boolean>][] = [
  ['adam', {}],
  ['adamw', { amsgrad: true, weight_decay: 0.1 }],
  ['sgd', { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 0.05 }],
  ['gd', { lr: 0.1 }],
  ['adagrad', {}],
  ['adadelta', {}],
  ['rmsprop', { centered: true, momentum: 0.5 }],
  ['nadam', {}],
];

/** An odd length: chunks end mid-vector and the last one has a scalar tail. */
const N = PARALLEL_ELEMENTS + 4 * 1001 + 3;

function table(threads: number): WasmKernels {
  const k = createWasmKernels({ arenaFloats: 8 * N, threads, spawn: nodeSpawn, shape: { fma: false } });
  if (!k) throw new Error('Node 20 has WebAssembly SIMD');
  live.push(k);
  return k;
}

async function ready(k: WasmKernels): Promise<void> {
  const t0 = Date.now();
  while (k.readyThreads() < k.threads) {
    if (Date.now() - t0 > 20000) throw new Error('workers did not start');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The table's jobs, counting the jobs run on them. */
function counting(jobs: ThreadJobs): ThreadJobs & { runs: number } {
  const c = { runs: 0, args: jobs.args, add: jobs.add, ready: jobs.ready, run(job: number, total: number, unit: number) { c.runs++; jobs.run(job, total, unit); } };
  return c;
}

/** The update of `name(args)` on `k` over fresh slots in its memory. */
function make(
  k: WasmKernels, name: OptimizerName, args: Record<string, number | boolean>, jobs?: ThreadJobs, layers?: number[],
): { update: FastUpdate; slots: Float32Array[] } {
  const full = resolveOptimizerArgs(name, args) as unknown as Record<string, number | boolean>;
  const slots = [k.alloc(N), k.alloc(N), k.alloc(N)].slice(0, optimizerSlotNames(name, args).length);
  const update = wasmOptimizerUpdate(k.memory, name, full, slots, N, jobs, layers);
  if (update === null) throw new Error(`${name} has a WebAssembly update`);
  return { update, slots };
}

describe('optimizer updates split across the kernel table\'s threads', () => {
  // Layers: a short one (under a quarter of PARALLEL_ELEMENTS) is merged into the one before,
  // so the update runs as two jobs a step.
  const LAYERS = [0, 40_000, 41_000, N];

  it.each(CONFIGS.flatMap(([name, args]) => [[name, args, false], [name, args, true]] as const))('%s %j (split by layers: %s) gives bit-identical parameters and slots on 1 and 2 threads, the update split into jobs', async (name, args, byLayers) => {
    const one = table(1), two = table(2);
    expect(one.jobs).toBeUndefined();
    const jobs = counting(two.jobs!);
    // the updates are made before the workers start: they load every job registered by then
    const made = [make(one, name, args), make(two, name, args, jobs, byLayers ? LAYERS : undefined)];
    await ready(two);
    const results = made.map(({ update, slots }, t) => {
      const k = t === 0 ? one : two;
      const p = k.alloc(N), g = k.alloc(N);
      for (let i = 0; i < N; i++) p[i] = Math.sin(0.37 * i);
      const scalars = new Float64Array([0, 1]);
      for (let s = 0; s < 3; s++) {
        for (let i = 0; i < N; i++) g[i] = Math.cos(0.11 * i + s) * (1 + (i % 7));
        expect(update(p, g, 0.01 * (s + 1), scalars)).toBe(true);
      }
      return [p, ...slots];
    });
    expect(jobs.runs).toBe(byLayers ? 6 : 3);
    for (let a = 0; a < results[0].length; a++) {
      const [x, y] = [results[0][a], results[1][a]];
      let same = true;
      for (let i = 0; i < N; i++) if (!Object.is(x[i], y[i])) same = false;
      expect(same).toBe(true);
    }
  });

  it('keeps short updates on the calling thread', async () => {
    const k = table(2);
    const jobs = counting(k.jobs!);
    const n = PARALLEL_ELEMENTS - 1;
    const update = wasmOptimizerUpdate(k.memory, 'sgd', { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false }, [], n, jobs)!;
    await ready(k);
    const p = k.alloc(n), g = k.alloc(n).fill(1);
    expect(update(p, g, 0.5, new Float64Array(1))).toBe(true);
    expect(jobs.runs).toBe(0);
    expect(p.every((v) => v === -0.5)).toBe(true);
  });

  it('registers no job once the workers have started, and the update then runs on the calling thread', async () => {
    const k = table(2);
    await ready(k);
    const jobs = counting(k.jobs!);
    const update = wasmOptimizerUpdate(k.memory, 'gd', { lr: 0.1 }, [], N, jobs)!;
    const p = k.alloc(N), g = k.alloc(N).fill(2);
    expect(update(p, g, 0.25, new Float64Array(1))).toBe(true);
    expect(jobs.runs).toBe(0);
    expect(p.every((v) => v === -0.5)).toBe(true);
  });
});
