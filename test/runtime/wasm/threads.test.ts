import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeSpawn } from '../../../src/cli/threads.js';
import { createWasmKernels, ModuleBuilder } from '../../../src/runtime/wasm/index.js';
import type { WasmKernels } from '../../../src/runtime/wasm/index.js';
import { controlBytes, createThreadPool, sharedMemorySupported } from '../../../src/runtime/wasm/threads.js';
import type { ThreadPool, WorkerHandle } from '../../../src/runtime/wasm/threads.js';

type Kind = 'gemmNN' | 'gemmTN' | 'gemmNT';
const KINDS: Kind[] = ['gemmNN', 'gemmTN', 'gemmNT'];

// Every table and pool a test makes, ended after it so no worker outlives its test.
const live: { dispose(): void }[] = [];
afterEach(() => {
  for (const x of live.splice(0)) x.dispose();
});

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 20000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A table with `threads` threads, all ready, splitting every product (threshold 0). */
async function threaded(threads: number, arenaFloats: number, parallelMacs = 0, chunksPerThread?: number): Promise<WasmKernels> {
  const k = createWasmKernels({ arenaFloats, threads, spawn: nodeSpawn, parallelMacs, shape: { fma: false }, ...(chunksPerThread ? { chunksPerThread } : {}) });
  if (!k) throw new Error('Node 20 has WebAssembly SIMD');
  live.push(k);
  await until(() => k.readyThreads() === threads, `${threads} threads`);
  return k;
}

/**
 * A small module over a shared memory: `fill(lo, hi, scratch, addr, value)` stores `value` at
 * floats `lo .. hi` from `addr`; `load(lo, hi, scratch, addr)` traps when `addr` is out of bounds.
 */
function tinyModule(maxPages: number): WebAssembly.Module {
  const mb = new ModuleBuilder({ minPages: 1, maxPages, shared: true });
  const f = mb.func(['i32', 'i32', 'i32', 'i32', 'f32'], [], 'fill').code;
  const i = f.local('i32');
  f.get(0).set(i).block().loop().get(i).get(1).i32GeU().brIf(1);
  f.get(3).get(i).i32Const(4).i32Mul().i32Add().get(4).f32Store();
  f.get(i).i32Const(1).i32Add().set(i).br(0).end().end();
  mb.func(['i32', 'i32', 'i32', 'i32'], [], 'load').code.get(3).f32Load().drop();
  return new WebAssembly.Module(mb.encode());
}

const FUNCTIONS = [{ module: 0, name: 'fill', signature: 'if' }, { module: 0, name: 'load', signature: 'i' }];

/**
 * A pool of `workers` workers over a fresh shared memory. The calling thread's `fill` writes
 * the value negated, so the result shows who computed each chunk; `slow` makes it busy-wait
 * per chunk, so that workers get a share.
 */
function pool(workers: number, o: { spawn?: typeof nodeSpawn; slowMs?: number } = {}): { pool: ThreadPool; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const mem = (): Float32Array => new Float32Array(memory.buffer);
  let p: ThreadPool | undefined;
  const fill = (lo: number, hi: number): void => {
    const t0 = performance.now();
    while (performance.now() - t0 < (o.slowMs ?? 0));
    mem().fill(-p!.argsF32[1], p!.args[0] / 4 + lo, p!.args[0] / 4 + hi);
  };
  const load = (): void => {
    if (p!.args[0] >= memory.buffer.byteLength) throw new RangeError('out of bounds');
  };
  p = createThreadPool({ memory, modules: [tinyModule(4)], workers, control: 0, scratch: (w) => 4096 + 64 * w, spawn: o.spawn ?? nodeSpawn, functions: FUNCTIONS, local: [fill, load] });
  live.push(p);
  return { pool: p, memory };
}

describe('the worker pool', () => {
  it('runs on a shared WebAssembly memory in Node 20', () => {
    expect(sharedMemorySupported()).toBe(true);
  });

  it('computes every chunk of a job exactly once, on the calling thread alone before any worker is ready', () => {
    const { pool: p, memory } = pool(2);
    const out = new Float32Array(memory.buffer, 8192, 103);
    p.args[0] = 8192;
    p.argsF32[1] = 3;
    p.run(0, 103, 4, 9);
    // Workers may already be ready; either way every float is written, by someone.
    expect(out.every((v) => Math.abs(v) === 3)).toBe(true);
  });

  it('shares a job between the calling thread and ready workers, with i32 and f32 arguments', async () => {
    const { pool: p, memory } = pool(2, { slowMs: 2 });
    await until(() => p.ready() === 2, 'two workers');
    let byWorkers = 0;
    for (let job = 0; job < 40 && byWorkers === 0; job++) {
      const out = new Float32Array(memory.buffer, 8192, 64);
      p.args[0] = 8192;
      p.argsF32[1] = 1.5 + job;
      p.run(0, 64, 8, 8);
      expect(out.every((v) => Math.abs(v) === 1.5 + job)).toBe(true);
      byWorkers += out.filter((v) => v > 0).length;
    }
    expect(byWorkers).toBeGreaterThan(0);
  });

  it('cuts chunks at whole units, the last one partial', async () => {
    const { pool: p, memory } = pool(1);
    await until(() => p.ready() === 1, 'the worker');
    const floats = new Float32Array(memory.buffer, 8192, 40);
    for (const [total, unit, chunks] of [[37, 8, 3], [5, 4, 4], [1, 1, 1], [40, 3, 13]]) {
      floats.fill(0);
      p.args[0] = 8192;
      p.argsF32[1] = total;
      p.run(0, total, unit, chunks);
      expect(floats.slice(0, total).every((v) => Math.abs(v) === total)).toBe(true);
      expect(floats.slice(total).every((v) => v === 0)).toBe(true);
    }
  });

  it('serves many jobs in a row', async () => {
    const { pool: p, memory } = pool(1);
    await until(() => p.ready() === 1, 'the worker');
    const out = new Float32Array(memory.buffer, 8192, 16);
    for (let i = 1; i <= 500; i++) {
      p.args[0] = 8192;
      p.argsF32[1] = i;
      p.run(0, 16, 4, 4);
      expect(out.every((v) => Math.abs(v) === i)).toBe(true);
    }
  });

  it('reports a chunk that traps as an error on the calling thread, and keeps serving', async () => {
    const { pool: p, memory } = pool(1);
    await until(() => p.ready() === 1, 'the worker');
    p.args[0] = 1 << 30;
    expect(() => p.run(1, 4, 1, 4)).toThrow(/job failed/);
    p.args[0] = 8192;
    p.argsF32[1] = 7;
    p.run(0, 4, 1, 4);
    expect(Array.from(new Float32Array(memory.buffer, 8192, 4), Math.abs)).toEqual([7, 7, 7, 7]);
  });

  it('has no ready worker after dispose, terminates every handle once, and still runs jobs on the calling thread', async () => {
    const terminated: number[] = [];
    const spawn = (source: string): WorkerHandle => {
      const h = nodeSpawn(source);
      const i = terminated.length;
      terminated.push(0);
      return { postMessage: (m) => h.postMessage(m), terminate: () => { terminated[i]++; return h.terminate(); } };
    };
    const { pool: p, memory } = pool(2, { spawn });
    await until(() => p.ready() === 2, 'two workers');
    p.dispose();
    p.dispose();
    expect(p.ready()).toBe(0);
    expect(terminated).toEqual([1, 1]);
    p.args[0] = 8192;
    p.argsF32[1] = 2;
    p.run(0, 8, 1, 8);
    expect(Array.from(new Float32Array(memory.buffer, 8192, 8))).toEqual(new Array(8).fill(-2));
  });

  it('rejects a function signature with other letters than i and f, and a job with no chunk', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const base = { memory, modules: [tinyModule(4)], workers: 0, control: 0, scratch: () => 0, spawn: nodeSpawn, local: [() => {}] };
    expect(() => createThreadPool({ ...base, functions: [{ module: 0, name: 'fill', signature: 'id' }] })).toThrow(/bad signature/);
    expect(() => createThreadPool({ ...base, functions: FUNCTIONS }).run(0, 4, 1, 0)).toThrow(/bad job/);
  });

  it('never counts a worker whose module fails to instantiate as ready', async () => {
    // The import declares at most 4 pages; this memory may grow to 8: instantiation fails.
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 8, shared: true });
    const p = createThreadPool({ memory, modules: [tinyModule(4)], workers: 1, control: 0, scratch: () => 4096, spawn: nodeSpawn, functions: FUNCTIONS, local: [() => {}, () => {}] });
    live.push(p);
    const flag = new Int32Array(memory.buffer, 0, controlBytes(1) / 4);
    await until(() => flag.some((v) => v === -1), 'the worker to answer');
    expect(p.ready()).toBe(0);
  });
});

describe('WebAssembly matrix products on several threads', () => {
  it('stay on one thread where no worker can be spawned (no spawn given, no global Worker in Node)', () => {
    const k = createWasmKernels({ threads: 4 });
    if (!k) throw new Error('no SIMD');
    live.push(k);
    expect(k.threads).toBe(1);
    expect(k.readyThreads()).toBe(1);
    expect(k.memory.buffer instanceof SharedArrayBuffer).toBe(false);
  });

  it('use a shared memory and count their threads once the workers are ready', async () => {
    const k = await threaded(3, 1 << 12);
    expect(k.threads).toBe(3);
    expect(k.memory.buffer instanceof SharedArrayBuffer).toBe(true);
  });

  it('give bit-identical results on 1, 2 and 3 threads (and 5 chunks a thread) for random shapes, offsets, transposes and edge tiles', async () => {
    // The bump allocator never frees: room for every run's operands.
    const floats = 40 * (2 * 70 * 300 + 70 * 70 + 32);
    const tables = [await threaded(1, floats), await threaded(2, floats), await threaded(3, floats), await threaded(2, floats, 0, 5)];
    fc.assert(fc.property(
      fc.record({
        kind: fc.constantFrom(...KINDS), m: fc.integer({ min: 1, max: 70 }), n: fc.integer({ min: 1, max: 70 }),
        k: fc.integer({ min: 1, max: 300 }), off: fc.nat(5), accumulate: fc.boolean(), seed: fc.integer(),
      }),
      (s) => {
        const results = tables.map((t) => {
          const a = t.alloc(s.m * s.k + s.off), b = t.alloc(s.k * s.n + s.off), c = t.alloc(s.m * s.n + s.off);
          for (const [i, x] of [a, b, c].entries()) for (let j = 0; j < x.length; j++) x[j] = Math.sin(s.seed + 1.7 * j + 0.3 * i);
          t[s.kind](s.m, s.n, s.k, a, s.off, b, s.off, c, s.off, s.accumulate, a, 0);
          return Array.from(c);
        });
        for (const r of results.slice(1)) for (let i = 0; i < r.length; i++) expect(Object.is(r[i], results[0][i])).toBe(true);
      },
    ), { numRuns: 40 });
  });

  it('give bit-identical results across threads at W1 sizes (columns split) and for tall products (rows split)', async () => {
    const shapes: [Kind, number, number, number][] = [['gemmNT', 128, 256, 784], ['gemmTN', 256, 784, 128], ['gemmNN', 128, 784, 256], ['gemmNN', 1031, 20, 70], ['gemmTN', 517, 9, 33]];
    const floats = 3 * (256 * 784 + 128 * 784 + 256 * 128) + 1031 * 90 + 517 * 42;
    const one = await threaded(1, floats), two = await threaded(2, floats, 1);
    for (const [kind, m, n, k] of shapes) {
      const [r1, r2] = [one, two].map((t) => {
        const a = t.alloc(m * k), b = t.alloc(k * n), c = t.alloc(m * n);
        for (let j = 0; j < a.length; j++) a[j] = Math.cos(j * 0.37);
        for (let j = 0; j < b.length; j++) b[j] = Math.sin(j * 0.11);
        t[kind](m, n, k, a, 0, b, 0, c, 0, false, a, 0);
        t[kind](m, n, k, a, 0, b, 0, c, 0, true, a, 0);
        return c;
      });
      expect(r2.every((x, i) => Object.is(x, r1[i]))).toBe(true);
    }
  });

  it('keep computing in place with views made before the shared memory grew', async () => {
    const k = await threaded(2, 16);
    const a = k.alloc(12), b = k.alloc(12), c = k.alloc(9);
    k.alloc(100000);
    expect(k.memory.buffer).not.toBe(a.buffer);
    a.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    b.fill(1);
    k.gemmNN(3, 3, 4, a, 0, b, 0, c, 0, false, a, 0);
    expect(Array.from(c)).toEqual([10, 10, 10, 26, 26, 26, 42, 42, 42]);
  });

  it('compute correctly (on the calling thread) after dispose', async () => {
    const k = await threaded(2, 1 << 10);
    k.dispose();
    expect(k.readyThreads()).toBe(1);
    const a = k.alloc(4), b = k.alloc(4), c = k.alloc(4);
    a.set([1, 2, 3, 4]);
    b.set([1, 0, 0, 1]);
    k.gemmNN(2, 2, 2, a, 0, b, 0, c, 0, false, a, 0);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });

  it('split only products of at least the threshold of multiply-adds', async () => {
    const k = await threaded(2, 1 << 14, 1000);
    const a = k.alloc(40 * 40), b = k.alloc(40 * 40), c = k.alloc(40 * 40);
    // The job counter is the first word of the control block.
    const control = new Int32Array(k.memory.buffer, 0, 2);
    const seq = (): number => Atomics.load(control, 0);
    const before = seq();
    k.gemmNN(9, 10, 10, a, 0, b, 0, c, 0, false, a, 0);
    expect(seq() - before).toBe(0);
    k.gemmNN(10, 10, 10, a, 0, b, 0, c, 0, false, a, 0);
    expect(seq() - before).toBe(1);
  });
});
