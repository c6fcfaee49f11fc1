/**
 * Worker threads over one shared WebAssembly memory: a pool of workers, each instantiating the
 * same compiled modules over the same memory, driven through a control block in that memory.
 *
 * No Node built-in is imported here (the library runs in browsers): the worker's code is a
 * string ({@link WORKER_SOURCE}, written against the browser worker global `self`), and the
 * caller supplies {@link Spawn} to start one (the CLI's `nodeSpawn` prepends a shim over
 * `worker_threads`; in a browser {@link defaultSpawn} makes a Blob-URL `Worker`).
 *
 * A job is one function over a range of items cut into chunks of whole units (a product's
 * columns in register-tile widths, say). The control block (i32 words) holds the job (`FN`,
 * `TOTAL`, `UNIT`, `CHUNKS`, `LANES`, the arguments), one claim word per thread (job number in
 * the high bits, next chunk of its lane in the low 12, each on its own cache line), a count of
 * completed chunks, and per worker a ready flag. Chunk i belongs to lane i mod LANES (the
 * caller's lane 0, then the ready workers'): each thread claims its own lane's chunks first,
 * so it computes the same part of every job (the parameter rows it read in the forward
 * product, wrote in the weight gradient and updates in the optimizer stay in its core's
 * cache: about 6% of a two-thread W1 step), then the other lanes' from the front. The caller
 * writes the job, publishes it with atomic stores of the claim words and the sequence number,
 * notifies, and then claims chunks itself; workers (spinning briefly, then in `Atomics.wait`)
 * wake and claim chunks with compare-and-swap until none is left. A worker that wakes late
 * finds its chunks taken and goes back to sleep, so a busy or slow core never holds the caller
 * up by more than one chunk, and a pool whose workers never start still computes everything.
 * A chunk computes the same thing whoever runs it, so results never depend on timing.
 * Creation is synchronous; workers become ready asynchronously.
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

/**
 * A function threads can run over a range: an export of one of the pool's modules called as
 * `f(lo, hi, scratch, ...args)`, computing items `lo .. hi` of the job with the calling
 * thread's scratch memory at byte `scratch`.
 */
export interface ThreadFunction {
  /** Index into the pool's `modules`. */
  readonly module: number;
  /** The export's name. */
  readonly name: string;
  /** One letter per parameter after `(lo, hi, scratch)`: `i` (i32) or `f` (f32). At most {@link MAX_ARGS}. */
  readonly signature: string;
}

/** Most arguments a job can carry. */
export const MAX_ARGS = 24;
/** Most chunks a job can be cut into. */
export const MAX_CHUNKS = 4095;

// Control block (i32 words): the job on the first cache lines, the claim counter on its own,
// the arguments, then one cache line per worker for its ready flag.
const SEQ = 0, QUIT = 1, FN = 2, TOTAL = 3, UNIT = 4, CHUNKS = 5, FAILED = 6, LANES = 7, CLAIM = 16, COMPLETED = 17, ARGS = 32, WORKERS = 64, WORKER_WORDS = 16;

/** Bytes of control block a pool of `workers` workers needs (see {@link ThreadPoolOptions.control}). */
export function controlBytes(workers: number): number {
  return 4 * (WORKERS + WORKER_WORDS * workers);
}

/**
 * The worker's code. It waits for one message `{memory, modules, functions, control, scratch,
 * index, workers, spin}`, instantiates every module over `memory` (imported as `env.memory`), marks
 * itself ready and then claims chunks of each job posted in the control block at byte
 * `control` until `QUIT` is set.
 */
export const WORKER_SOURCE = `"use strict";
self.onmessage = (e) => {
  self.onmessage = null;
  const { memory, modules, functions, control, scratch, index, workers, spin } = e.data;
  const i32 = new Int32Array(memory.buffer, control, ${WORKERS} + ${WORKER_WORDS} * workers);
  const f32 = new Float32Array(memory.buffer, control, ${ARGS + MAX_ARGS});
  const me = ${WORKERS} + ${WORKER_WORDS} * index;
  let fns, sigs;
  try {
    const inst = modules.map((m) => new WebAssembly.Instance(m, { env: { memory } }));
    fns = functions.map((f) => inst[f.module].exports[f.name]);
    sigs = functions.map((f) => Array.from(f.signature, (c) => c === "f"));
    if (fns.some((f) => typeof f !== "function")) throw new Error("missing export");
  } catch (err) {
    Atomics.store(i32, me, -1);
    return;
  }
  const args = [0, 0, scratch];
  Atomics.store(i32, me, 1);
  let seen = 0;
  for (;;) {
    let s = Atomics.load(i32, ${SEQ});
    for (let n = 0; s === seen && n < spin; n++) s = Atomics.load(i32, ${SEQ});
    if (s === seen) { Atomics.wait(i32, ${SEQ}, seen); continue; }
    seen = s;
    if (Atomics.load(i32, ${QUIT}) !== 0) return;
    // Own lane first (chunks index + 1, index + 1 + lanes, ...), then the others' from the front.
    const lanes = i32[${LANES}];
    for (let k = 0; k < lanes; k++) {
      const lane = (index + 1 + k) % lanes;
      const word = lane === 0 ? ${CLAIM} : ${WORKERS} + ${WORKER_WORDS} * (lane - 1) + 1;
      for (;;) {
        // Read the lane, then the job: the claim only succeeds if the lane is still the job's.
        const c = Atomics.load(i32, word);
        if ((c >>> 12) !== seen) break;
        const fn = i32[${FN}], total = i32[${TOTAL}], unit = i32[${UNIT}], chunks = i32[${CHUNKS}];
        const idx = lane + (c & ${MAX_CHUNKS}) * lanes;
        const sig = sigs[fn];
        if (idx >= chunks || sig === undefined) break;
        args.length = 3 + sig.length;
        for (let i = 0; i < sig.length; i++) args[3 + i] = sig[i] ? f32[${ARGS} + i] : i32[${ARGS} + i];
        if (Atomics.compareExchange(i32, word, c, c + 1) !== c) continue;
        const tiles = Math.ceil(total / unit);
        args[0] = Math.floor((idx * tiles) / chunks) * unit;
        args[1] = Math.min(Math.floor(((idx + 1) * tiles) / chunks) * unit, total);
        try { fns[fn].apply(null, args); } catch (err) { Atomics.store(i32, ${FAILED}, 1); }
        if (Atomics.add(i32, ${COMPLETED}, 1) + 1 === chunks) Atomics.notify(i32, ${COMPLETED});
      }
    }
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
  /**
   * The calling thread's own instance of each function, bound to its scratch and reading its
   * arguments from `args`: `(lo, hi) => f(lo, hi, myScratch, ...args)`.
   */
  readonly local: readonly ((lo: number, hi: number) => void)[];
  /** Workers to start. */
  readonly workers: number;
  /** Byte offset in `memory` of `controlBytes(workers)` bytes reserved for the control block (16-aligned). */
  readonly control: number;
  /** Byte offset of each worker's scratch (`scratch(w)` for worker `w`). */
  readonly scratch: (worker: number) => number;
  /** Starts a worker. */
  readonly spawn: Spawn;
  /**
   * `Atomics.load` polls before sleeping, in the workers and in `run` (default 20,000, some
   * tens of µs: enough for the gaps between one step's products). 200,000 was ~5% faster on
   * W1 with both cores free but halved it (0.5x one thread) when other programs kept the
   * cores busy: the spinning thread then takes the time its own process's other thread needs.
   */
  readonly spin?: number;
}

/** Workers sharing jobs with the calling thread. */
export interface ThreadPool {
  /** Workers started (threads besides the caller's). */
  readonly workers: number;
  /** How many workers are ready now (a worker, once ready, stays so until `dispose`). */
  ready(): number;
  /** The job's i32 arguments (write them before `run`). */
  readonly args: Int32Array;
  /** The same words as f32, for `f` parameters. */
  readonly argsF32: Float32Array;
  /**
   * Runs function `fn` over items `0 .. total` cut into `chunks` chunks of whole `unit`s (the
   * last may be partial): the calling thread and every awake worker claim chunks until none is
   * left, then this returns once all are computed. Which thread computes a chunk depends on
   * timing; what a chunk computes does not. Throws if a chunk threw. Returns 1000 when the
   * calling thread, after its own chunks, waited more than a millisecond for a worker (one
   * descheduled mid-chunk), else 0: an integer, so returning it allocates nothing.
   */
  run(fn: number, total: number, unit: number, chunks: number): number;
  /** Ends the workers; `ready()` is 0 afterwards and `run` computes on the calling thread. Idempotent. */
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
  /** A wait this long (ms), or this many polls where blocking is not allowed, is a stalled worker. */
  const STALL_MS = 1, STALL_POLLS = 2_000_000;
  const ctl = new Int32Array(o.memory.buffer, o.control, controlBytes(o.workers) / 4);
  ctl.fill(0);
  const args = ctl.subarray(ARGS, ARGS + MAX_ARGS);
  const argsF32 = new Float32Array(ctl.buffer, ctl.byteOffset + 4 * ARGS, MAX_ARGS);
  const blocking = canBlock(ctl);
  const handles: WorkerHandle[] = [];
  let count = 0;
  let seq = 0;
  let disposed = false;
  for (let w = 0; w < o.workers; w++) {
    const h = o.spawn(WORKER_SOURCE);
    h.unref?.();
    h.postMessage({ memory: o.memory, modules: o.modules, functions: o.functions, control: o.control, scratch: o.scratch(w), index: w, workers: o.workers, spin });
    handles.push(h);
  }
  const ready = (): number => {
    if (disposed) return 0;
    while (count < o.workers && Atomics.load(ctl, WORKERS + WORKER_WORDS * count) === 1) count++;
    if (count < o.workers) {
      let n = 0;
      for (let w = 0; w < o.workers; w++) if (Atomics.load(ctl, WORKERS + WORKER_WORDS * w) === 1) n++;
      return n;
    }
    return count;
  };
  /** The control word of lane `lane`'s claim counter (lane 0 the caller's, lane w + 1 worker w's, each on its own cache line). */
  const laneWord = (lane: number): number => (lane === 0 ? CLAIM : WORKERS + WORKER_WORDS * (lane - 1) + 1);
  const claim = (fn: number, total: number, unit: number, chunks: number, lanes: number, job: number): void => {
    const tiles = Math.ceil(total / unit);
    for (let lane = 0; lane < lanes; lane++) {
      const word = laneWord(lane);
      for (;;) {
        const c = Atomics.load(ctl, word);
        const idx = lane + (c & MAX_CHUNKS) * lanes;
        if (c >>> 12 !== job || idx >= chunks) break;
        if (Atomics.compareExchange(ctl, word, c, c + 1) !== c) continue;
        const lo = Math.floor((idx * tiles) / chunks) * unit;
        const hi = Math.min(Math.floor(((idx + 1) * tiles) / chunks) * unit, total);
        try {
          o.local[fn](lo, hi);
        } catch {
          Atomics.store(ctl, FAILED, 1);
        }
        Atomics.add(ctl, COMPLETED, 1);
      }
    }
  };
  return {
    workers: o.workers,
    args,
    argsF32,
    ready,
    run(fn, total, unit, chunks) {
      if (!(chunks >= 1 && chunks <= MAX_CHUNKS) || !(unit >= 1) || !(total >= 0)) throw new Error(`thread pool: bad job (${total} items, unit ${unit}, ${chunks} chunks)`);
      ctl[FN] = fn;
      ctl[TOTAL] = total;
      ctl[UNIT] = unit;
      ctl[CHUNKS] = chunks;
      ctl[FAILED] = 0;
      // Chunk i belongs to thread i mod lanes (the caller, then the ready workers): each takes its
      // own first, so a thread computes the same parts of consecutive jobs (the data it wrote
      // stays in its cache), and then helps with the others' from the front.
      const lanes = Math.min(chunks, 1 + ready());
      ctl[LANES] = lanes;
      Atomics.store(ctl, COMPLETED, 0);
      seq = (seq + 1) & 0xfffff;
      for (let lane = 0; lane <= o.workers; lane++) Atomics.store(ctl, laneWord(lane), seq << 12);
      if (!disposed) {
        Atomics.store(ctl, SEQ, seq);
        Atomics.notify(ctl, SEQ);
      }
      claim(fn, total, unit, chunks, lanes, seq);
      // No clock here: Node's performance.now builds an hrtime array per call and a double held
      // across these calls is boxed (together ~200 bytes of garbage per W1 step). A wait that
      // outlasts STALL_MS (a timed-out Atomics.wait; where the thread cannot block, STALL_POLLS
      // polls) means a worker was descheduled mid-chunk.
      let stalled = false;
      let done = Atomics.load(ctl, COMPLETED);
      for (let n = 0; done < chunks && n < spin; n++) done = Atomics.load(ctl, COMPLETED);
      for (let polls = 0; done < chunks; done = Atomics.load(ctl, COMPLETED)) {
        if (blocking) {
          if (Atomics.wait(ctl, COMPLETED, done, STALL_MS) === 'timed-out') stalled = true;
        } else if (++polls > STALL_POLLS) stalled = true;
      }
      if (ctl[FAILED] !== 0) throw new Error('a job failed on a thread');
      return stalled ? 1000 : 0;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(ctl, QUIT, 1);
      Atomics.add(ctl, SEQ, 1);
      Atomics.notify(ctl, SEQ);
      for (const h of handles) void h.terminate();
    },
  };
}
