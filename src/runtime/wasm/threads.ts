/**
 * Worker threads over one shared WebAssembly memory: a pool of workers, each instantiating the
 * same compiled modules over the same memory, driven through a control block in that memory.
 *
 * No Node built-in is imported here (the library runs in browsers): the worker's code is a
 * string ({@link WORKER_SOURCE}, written against the browser worker global `self`), and the
 * caller supplies {@link Spawn} to start one (the CLI's `nodeSpawn` prepends a shim over
 * `worker_threads`; in a browser {@link defaultSpawn} makes a Blob-URL `Worker`).
 *
 * Control block, one slot of {@link SLOT_BYTES} per worker (i32 words): `SEQ` the job number the
 * caller last posted, `DONE` the job number the worker last finished, `READY` 1 once the
 * worker's instances exist (-1 if instantiation failed), `FN` the function to run (an index
 * into the pool's `functions`; -1 ends the worker), `FAILED` 1 if the job threw, and from
 * `ARGS` the arguments, i32 or f32 as the function's signature says. The caller writes the
 * arguments, stores `SEQ` (an atomic store orders the plain writes before it) and notifies;
 * the worker spins briefly on `SEQ`, then `Atomics.wait`s, runs the function, stores `DONE` and
 * notifies. Creation is synchronous and workers become ready later: callers ask
 * {@link ThreadPool.ready} and give work only to ready workers, so results never depend on timing.
 */

/** A started worker, as `spawn` returns it: a browser `Worker` or Node's `worker_threads.Worker` fit. */
export interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
  /** Lets the process exit while the worker lives (Node). */
  unref?(): void;
}

/** Starts a worker running `source` (classic script, browser worker globals). */
export type Spawn = (source: string) => WorkerHandle;

/** A function workers can run: an export of one of the pool's modules. */
export interface ThreadFunction {
  /** Index into the pool's `modules`. */
  readonly module: number;
  /** The export's name. */
  readonly name: string;
  /** One letter per parameter: `i` (i32) or `f` (f32). At most {@link MAX_ARGS}. */
  readonly signature: string;
}

/** Bytes of control block per worker (a multiple of 64, so slots never share a cache line). */
export const SLOT_BYTES = 128;
/** Most arguments a job can carry. */
export const MAX_ARGS = 24;

const SEQ = 0, DONE = 1, READY = 2, FN = 3, FAILED = 4, ARGS = 8;

/**
 * The worker's code. It waits for one message `{memory, modules, functions, control, spin}`,
 * instantiates every module over `memory` (imported as `env.memory`), marks itself ready and
 * serves jobs from its slot at byte `control` until a job with function -1.
 */
export const WORKER_SOURCE = `"use strict";
self.onmessage = (e) => {
  self.onmessage = null;
  const { memory, modules, functions, control, spin } = e.data;
  const i32 = new Int32Array(memory.buffer, control, ${SLOT_BYTES / 4});
  const f32 = new Float32Array(memory.buffer, control, ${SLOT_BYTES / 4});
  let fns, sigs;
  try {
    const inst = modules.map((m) => new WebAssembly.Instance(m, { env: { memory } }));
    fns = functions.map((f) => inst[f.module].exports[f.name]);
    sigs = functions.map((f) => Array.from(f.signature, (c) => c === "f"));
    if (fns.some((f) => typeof f !== "function")) throw new Error("missing export");
  } catch (err) {
    Atomics.store(i32, ${READY}, -1);
    Atomics.notify(i32, ${READY});
    return;
  }
  const args = [];
  Atomics.store(i32, ${READY}, 1);
  Atomics.notify(i32, ${READY});
  let seen = Atomics.load(i32, ${SEQ});
  for (;;) {
    let s = Atomics.load(i32, ${SEQ});
    for (let n = 0; s === seen && n < spin; n++) s = Atomics.load(i32, ${SEQ});
    if (s === seen) { Atomics.wait(i32, ${SEQ}, seen); continue; }
    seen = s;
    const fn = i32[${FN}];
    if (fn < 0) return;
    const sig = sigs[fn];
    args.length = sig.length;
    for (let i = 0; i < sig.length; i++) args[i] = sig[i] ? f32[${ARGS} + i] : i32[${ARGS} + i];
    try { fns[fn].apply(null, args); i32[${FAILED}] = 0; } catch (err) { i32[${FAILED}] = 1; }
    Atomics.store(i32, ${DONE}, seen);
    Atomics.notify(i32, ${DONE});
  }
};
`;

/** Options of {@link createThreadPool}. */
export interface ThreadPoolOptions {
  /** The shared memory (`shared: true`) the modules import as `env.memory`. */
  readonly memory: WebAssembly.Memory;
  /** Compiled modules every worker instantiates over `memory`. */
  readonly modules: readonly WebAssembly.Module[];
  /** The functions jobs can name, by index. */
  readonly functions: readonly ThreadFunction[];
  /** Workers to start. */
  readonly workers: number;
  /** Byte offset in `memory` of `workers · SLOT_BYTES` bytes reserved for the control block (16-aligned). */
  readonly control: number;
  /** Starts a worker. */
  readonly spawn: Spawn;
  /** `Atomics.load` polls before sleeping, in the workers and in `finish` (default 20,000, some tens of µs). */
  readonly spin?: number;
}

/** Workers serving jobs on a shared memory. */
export interface ThreadPool {
  /** Workers started (threads besides the caller's). */
  readonly workers: number;
  /**
   * How many workers are ready now; positions `0 .. ready()-1` of `args`/`start`/`finish`
   * then name ready workers (a worker, once ready, stays so until `dispose`).
   */
  ready(): number;
  /** The i32 argument words of the `j`-th ready worker (write before `start`). */
  argsI32(j: number): Int32Array;
  /** The same words as f32, for `f` parameters. */
  argsF32(j: number): Float32Array;
  /** Posts function `fn` with the arguments already written to the `j`-th ready worker. */
  start(j: number, fn: number): void;
  /** Waits until the `j`-th ready worker has finished its job; throws if the job threw. */
  finish(j: number): void;
  /** Ends the workers; `ready()` is 0 afterwards. Idempotent. */
  dispose(): void;
}

/** Whether this engine can create a shared WebAssembly memory (browsers: only cross-origin isolated pages). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/**
 * A browser spawner: a Blob-URL `Worker` where `globalThis.Worker`, `Blob` and `URL` exist,
 * else `undefined` (callers then stay on one thread).
 */
export function defaultSpawn(): Spawn | undefined {
  const g = globalThis as unknown as {
    Worker?: new (url: string) => WorkerHandle;
    Blob?: new (parts: string[], o: { type: string }) => unknown;
    URL?: { createObjectURL?(b: unknown): string };
  };
  const W = g.Worker, B = g.Blob, U = g.URL;
  if (!W || !B || !U || typeof U.createObjectURL !== 'function') return undefined;
  return (source) => new W(U.createObjectURL!(new B([source], { type: 'text/javascript' })));
}

/** Whether `Atomics.wait` may block this thread (not on a browser's main thread). */
function canBlock(cell: Int32Array): boolean {
  try {
    Atomics.wait(cell, 0, cell[0] + 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `workers` workers over `memory` (see the module comment). The control block must lie
 * in `memory` and be reserved for the pool; it is zeroed here.
 */
export function createThreadPool(o: ThreadPoolOptions): ThreadPool {
  for (const f of o.functions) {
    if (f.signature.length > MAX_ARGS || /[^if]/.test(f.signature)) throw new Error(`thread function ${f.name}: bad signature '${f.signature}'`);
  }
  const spin = o.spin ?? 20000;
  const slots = Array.from({ length: o.workers }, (_, w) => new Int32Array(o.memory.buffer, o.control + w * SLOT_BYTES, SLOT_BYTES / 4));
  for (const s of slots) s.fill(0);
  const argsI = slots.map((s) => s.subarray(ARGS));
  const argsF = slots.map((s) => new Float32Array(s.buffer, s.byteOffset + 4 * ARGS, MAX_ARGS));
  const blocking = slots.length > 0 && canBlock(slots[0]);
  const handles: WorkerHandle[] = [];
  // Positions of ready workers, in the order they became ready; `count` of them are known.
  const order = new Int32Array(o.workers);
  const known = new Uint8Array(o.workers);
  let count = 0;
  let disposed = false;
  for (let w = 0; w < o.workers; w++) {
    const h = o.spawn(WORKER_SOURCE);
    h.unref?.();
    h.postMessage({ memory: o.memory, modules: o.modules, functions: o.functions, control: o.control + w * SLOT_BYTES, spin });
    handles.push(h);
  }
  const slot = (j: number): Int32Array => slots[order[j]];
  return {
    workers: o.workers,
    ready() {
      if (disposed) return 0;
      if (count < o.workers) {
        for (let w = 0; w < o.workers; w++) {
          if (known[w] === 0 && Atomics.load(slots[w], READY) === 1) {
            known[w] = 1;
            order[count++] = w;
          }
        }
      }
      return count;
    },
    argsI32: (j) => argsI[order[j]],
    argsF32: (j) => argsF[order[j]],
    start(j, fn) {
      const s = slot(j);
      s[FN] = fn;
      Atomics.add(s, SEQ, 1);
      Atomics.notify(s, SEQ);
    },
    finish(j) {
      const s = slot(j);
      const seq = Atomics.load(s, SEQ);
      let d = Atomics.load(s, DONE);
      for (let n = 0; d !== seq && n < spin; n++) d = Atomics.load(s, DONE);
      while (d !== seq) {
        if (blocking) Atomics.wait(s, DONE, d);
        d = Atomics.load(s, DONE);
      }
      if (s[FAILED] !== 0) throw new Error('a worker thread failed its job');
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      count = 0;
      for (let w = 0; w < o.workers; w++) {
        slots[w][FN] = -1;
        Atomics.add(slots[w], SEQ, 1);
        Atomics.notify(slots[w], SEQ);
        void handles[w].terminate();
      }
    },
  };
}
