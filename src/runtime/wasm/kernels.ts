/**
 * `createWasmKernels`: the `Kernels` table on the generated WebAssembly SIMD module.
 *
 * Zero copy: when A, B and C are all views of the table's own `memory` (arrays from `alloc`),
 * the product runs in place. Otherwise the operands are copied into a second, private memory
 * (instance of the same module), the product runs there and C is copied back: correct but
 * slower (three copies per call and possibly a grow), so planners should allocate through
 * `alloc`. The private memory is separate so that its growth never detaches views of `memory`.
 * Float64 operands take the plain TypeScript kernels (gradient checks stay in TypeScript).
 */
import { createKernels } from '../kernels/index.js';
import type { Gemm, Kernels } from '../kernels/index.js';
import { DENSE_ACTIVATIONS } from '../kernels/types.js';
import type { DenseActivation, DenseProduct } from '../kernels/types.js';
import { savesInput } from './epilogue.js';
import { DEFAULT_SHAPE, gemmModuleBytes, gemmScratchBytes } from './gemm.js';
import type { GemmShape } from './gemm.js';
import { wasmElementwise } from './elementwise.js';
import { ModuleBuilder } from './module.js';
import type { MemoryImport } from './module.js';
import type { ThreadJobs } from './lanes.js';
import type { FloatArray } from '../tensor.js';
import { controlBytes, createThreadPool, defaultSpawn, MAX_ARGS, sharedMemorySupported } from './threads.js';
import type { Spawn, ThreadFunction, ThreadPool } from './threads.js';

/** Options of `createWasmKernels`. */
export interface WasmKernelOptions {
  /** Floats `alloc` can hand out before `memory` first grows (default 4 Mi floats, 16 MiB). */
  readonly arenaFloats?: number;
  /** Tile and block sizes (defaults: `DEFAULT_SHAPE`); `fma` is ignored where relaxed SIMD is missing. */
  readonly shape?: Partial<GemmShape>;
  /**
   * Threads for large products (default 1): with more, `memory` is shared and `threads - 1`
   * workers compute parts of each product above `parallelMacs`. Falls back to 1 where shared
   * memory or a spawner is missing. Results are bit-identical for every thread count.
   */
  readonly threads?: number;
  /** Starts a worker (default: a Blob-URL `Worker` where `globalThis.Worker` exists). */
  readonly spawn?: Spawn;
  /** Multiply-adds (m·n·k) from which a product is split across threads (default `PARALLEL_MACS`). */
  readonly parallelMacs?: number;
  /** Polls before a waiting thread sleeps (see `ThreadPoolOptions.spin`). */
  readonly spin?: number;
  /** Chunks per thread a split product is cut into (default `CHUNKS_PER_THREAD`). */
  readonly chunksPerThread?: number;
}

/**
 * Multiply-adds from which a product is split across threads. `npm run bench:wasm -- --threads
 * 2` (both cores given priority over other load): 32³ 0.75x, 64³ 1.5x, 64·128·64 1.7x, 25M
 * 2.0x one thread in isolation; but inside a W3 step (64³ products, 2^18) splitting gained
 * nothing (1.02x), the next product reading what the other core just wrote; so 2^19.
 */
export const PARALLEL_MACS = 1 << 19;

/**
 * Chunks per thread a split job is cut into: more balance the load when a core is busy
 * elsewhere, fewer repack less (each column chunk packs all of A). With each thread owning its
 * lane of chunks (see threads.ts), one per thread was best on two-thread W1 (~50k samples/s
 * against ~48.8k with two, alternating processes on a quiet machine); a thread that finishes
 * first still takes a late thread's chunk.
 */
export const CHUNKS_PER_THREAD = 1;

/** `pool.run`'s answer (1000: a worker stalled the product for over a millisecond) above which splitting backs off. */
const WAIT_LIMIT = 500;
/** Most products run unsplit after repeated long waits before splitting is tried again. */
const MAX_BACKOFF = 63;

/** The WebAssembly kernel table plus its memory and arena. */
export interface WasmKernels extends Kernels {
  /** The memory zero-copy operands must live in. */
  readonly memory: WebAssembly.Memory;
  /**
   * A zero-filled, 16-byte-aligned view of `floats` fresh floats in `memory` (bump allocation,
   * never freed). If the arena is full, `memory` grows, which DETACHES every earlier view
   * (they become length 0): allocate everything a plan needs up front, sizing the arena
   * with `arenaFloats`, or re-create views after growing.
   */
  alloc(floats: number): Float32Array;
  /** The tile and block sizes in use. */
  readonly shape: GemmShape;
  /** Threads the table computes with once its workers are ready (1 without workers). */
  readonly threads: number;
  /** Threads ready now: 1 plus the workers that have started (they start asynchronously). */
  readyThreads(): number;
  /** Ends the worker threads (products then run on the calling thread). Idempotent. */
  dispose(): void;
  /**
   * Elementwise jobs on the same threads (optimizer updates), when the table has workers. The
   * workers start at the first product or `readyThreads()` call, with every job registered by
   * then.
   */
  readonly jobs?: ThreadJobs;
}

type GemmFn = (
  m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number,
  c: number, ldc: number, accumulate: number, packA: number, packB: number, tile: number,
) => void;

type PartFn = (
  lo: number, hi: number, scratch: number, byCols: number, m: number, n: number, k: number, a: number, rsA: number, csA: number,
  b: number, rsB: number, csB: number, c: number, ldc: number, accumulate: number,
) => void;

/** `GemmFn` with the dense epilogue's `bias` (0: none), saved-pre-activation distance and slope. */
type EpilogueGemmFn = (
  m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number,
  c: number, ldc: number, accumulate: number, packA: number, packB: number, tile: number, bias: number, sd: number, alpha: number,
) => void;

/** `PartFn` with the epilogue's parameters, the slope as its float32 bits (threads pass integers only). */
type EpiloguePartFn = (
  lo: number, hi: number, scratch: number, byCols: number, m: number, n: number, k: number, a: number, rsA: number, csA: number,
  b: number, rsB: number, csB: number, c: number, ldc: number, accumulate: number, bias: number, sd: number, alphaBits: number,
) => void;

interface Engine {
  readonly memory: WebAssembly.Memory;
  readonly gemm: GemmFn;
  readonly part: PartFn;
}

/** The product modules with each activation's epilogue, by `DENSE_ACTIVATIONS` index. */
interface EpilogueEngine {
  readonly module: WebAssembly.Module;
  readonly gemm: EpilogueGemmFn;
  readonly part: EpiloguePartFn;
}

const PAGE = 65536;

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** Whether this engine validates a module with a 128-bit SIMD instruction (optionally relaxed SIMD). */
export function wasmSimdSupported(relaxed = false): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  const mb = new ModuleBuilder();
  const { code } = mb.func([], []);
  code.f32Const(1).f32x4Splat();
  if (relaxed) code.f32Const(2).f32x4Splat().f32Const(3).f32x4Splat().f32x4RelaxedMadd();
  code.drop();
  return WebAssembly.validate(mb.encode());
}

/** Compiled product modules by shape, memory import and epilogue, shared by tables (most recent last). */
const compiledModules = new Map<string, WebAssembly.Module>();
const MODULES_KEPT = 32;

/**
 * The product module for a shape, memory import and epilogue, compiled once per process while it
 * is among the last {@link MODULES_KEPT} used (emitting a module's bytes takes milliseconds).
 */
function compiled(shape: GemmShape, memory: MemoryImport, epilogue?: DenseActivation): WebAssembly.Module {
  const key = JSON.stringify([shape.mr, shape.nr, shape.unroll, shape.kc, shape.mc, shape.nc, shape.fma, memory.minPages, memory.maxPages ?? null, memory.shared === true, epilogue ?? null]);
  let m = compiledModules.get(key);
  if (m === undefined) m = new WebAssembly.Module(gemmModuleBytes(shape, memory, epilogue));
  else compiledModules.delete(key);
  compiledModules.set(key, m);
  if (compiledModules.size > MODULES_KEPT) compiledModules.delete(compiledModules.keys().next().value!);
  return m;
}

function growTo(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

/**
 * The WebAssembly SIMD kernels, or `null` where WebAssembly SIMD is unavailable (callers then
 * use `createKernels` from the TypeScript kernels). Compiles synchronously; the module is a few
 * KiB, under the 4 KiB-per-synchronous-compile limit some browsers impose on the main thread.
 */
export function createWasmKernels(options: WasmKernelOptions = {}): WasmKernels | null {
  if (!wasmSimdSupported()) return null;
  const wanted = { ...DEFAULT_SHAPE, ...options.shape };
  const shape: GemmShape = { ...wanted, fma: wanted.fma && wasmSimdSupported(true) };
  const spawn = options.spawn ?? defaultSpawn();
  const workers = (options.threads ?? 1) > 1 && spawn !== undefined && sharedMemorySupported() ? Math.floor(options.threads! - 1) : 0;
  const scratch = roundUp(gemmScratchBytes(shape), 16);
  // Layout: the workers' control block, the elementwise jobs' argument block, one pack scratch
  // per thread, then the arena.
  const control = 0;
  const jobArgsAt = roundUp(controlBytes(workers), 16);
  const scratchAt = (t: number): number => jobArgsAt + 4 * MAX_ARGS + t * scratch;
  const arenaStart = scratchAt(workers + 1);
  const arenaBytes = 4 * (options.arenaFloats ?? 4 * 1024 * 1024);
  const pages = Math.ceil((arenaStart + arenaBytes) / PAGE);
  // A shared memory needs a maximum; leave room for `alloc` to grow past the arena.
  const memoryImport: MemoryImport = workers > 0 ? { minPages: 1, maxPages: Math.min(65536, Math.max(2 * pages, 16384)), shared: true } : { minPages: 1 };
  const module = compiled(shape, memoryImport);
  const packB = 4 * shape.mc * shape.kc;
  const tile = packB + 4 * shape.kc * shape.nc;
  const engine = (memory: WebAssembly.Memory, m = module): Engine => {
    const x = new WebAssembly.Instance(m, { env: { memory } }).exports;
    return { memory, gemm: x.gemm as GemmFn, part: x.gemmPart as PartFn };
  };
  const main = engine(new WebAssembly.Memory(workers > 0 ? { initial: pages, maximum: memoryImport.maxPages!, shared: true } : { initial: pages }));
  // One product module per activation with its epilogue fused into the tiles' write-out (each
  // under the 4 KiB a browser compiles synchronously on its main thread), made at the first
  // product of that activation; with workers, all of them now, as the workers load every module
  // when they start.
  const fused: (EpilogueEngine | undefined)[] = DENSE_ACTIVATIONS.map(() => undefined);
  const fusedEngine = (i: number): EpilogueEngine => {
    let e = fused[i];
    if (e === undefined) {
      const m = compiled(shape, memoryImport, DENSE_ACTIVATIONS[i]);
      const x = new WebAssembly.Instance(m, { env: { memory: main.memory } }).exports;
      e = fused[i] = { module: m, gemm: x.gemm as EpilogueGemmFn, part: x.gemmPart as EpiloguePartFn };
    }
    return e;
  };
  const threadedEpilogues = workers > 0 ? DENSE_ACTIVATIONS.map((_, i) => fusedEngine(i)) : [];
  // The pool starts at the first product that splits (or `readyThreads()`), so that jobs
  // registered before (the optimizer's update, when the plan is built) are in every worker.
  // The calling thread's share reads the job's arguments from the control block.
  let pool: ThreadPool | null = null;
  let started = workers === 0;
  let x: Int32Array<ArrayBufferLike> = new Int32Array(0);
  let xf: Float32Array<ArrayBufferLike> = new Float32Array(0);
  // Thread functions: 0 the plain product's part, 1 + i the part of activation i's fused product.
  const modules: WebAssembly.Module[] = [module, ...threadedEpilogues.map((e) => e.module)];
  const functions: ThreadFunction[] = [
    { module: 0, name: 'gemmPart', signature: 'i'.repeat(13) },
    ...threadedEpilogues.map((_, i) => ({ module: 1 + i, name: 'gemmPart', signature: 'i'.repeat(16) })),
  ];
  const locals: ((lo: number, hi: number) => void)[] = [
    (lo, hi) => main.part(lo, hi, scratchAt(0), x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12]),
    ...threadedEpilogues.map((e) => (lo: number, hi: number) =>
      e.part(lo, hi, scratchAt(0), x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12], x[13], x[14], x[15])),
  ];
  const start = (): ThreadPool | null => {
    if (!started) {
      started = true;
      pool = createThreadPool({
        memory: main.memory, modules, functions, local: locals,
        workers, control, scratch: (w) => scratchAt(w + 1), spawn: spawn!, ...(options.spin !== undefined ? { spin: options.spin } : {}),
      });
      x = pool.args;
      xf = pool.argsF32;
    }
    return pool;
  };
  const parallelMacs = options.parallelMacs ?? PARALLEL_MACS;
  const chunksPerThread = Math.max(1, Math.floor(options.chunksPerThread ?? CHUNKS_PER_THREAD));
  // Back-off: after a product in which the calling thread waited over a millisecond for a worker
  // (a worker descheduled mid-chunk: the cores are busy with other programs), the next `skip`
  // products run on the calling thread alone, doubling up to MAX_BACKOFF while it recurs.
  // Results are the same either way; only the time changes.
  let skip = 0, backoff = 0;
  // A shared memory's `buffer` is a new object after each grow while older views stay valid.
  const buffers: ArrayBufferLike[] = [main.memory.buffer];
  const inMemory = (x: Float32Array): boolean => x.buffer === buffers[buffers.length - 1] || (workers > 0 && buffers.includes(x.buffer));
  let top = arenaStart;
  let copy: Engine | undefined;
  const ts = createKernels('float64');

  /** Which operand is stored transposed. */
  type Kind = 'NN' | 'TN' | 'NT';

  /** Threads besides the caller's to split a job across now: 0 while backing off. */
  const helpers = (): number => {
    const others = start()?.ready() ?? 0;
    if (others > 0 && skip > 0) {
      skip--;
      return 0;
    }
    return others;
  };
  /** Runs job `fn` (its arguments written) on the caller and `others` workers; backs off after a stall. */
  const split = (fn: number, total: number, unit: number, others: number): void => {
    const chunks = Math.min(Math.ceil(total / unit), chunksPerThread * (others + 1));
    const waited = pool!.run(fn, total, unit, chunks);
    if (waited > WAIT_LIMIT) skip = backoff = Math.min(MAX_BACKOFF, 2 * backoff + 1);
    else backoff = 0;
  };

  // Byte strides of A (element (i, p) at i·rsA + p·csA) and B ((p, j) at p·rsB + j·csB), computed
  // inline rather than returned as a tuple so the zero-copy path allocates nothing.
  // `act` ≥ 0: the product of that activation's module (`DENSE_ACTIVATIONS` index), its epilogue's
  // bias at `bias` (0: none), pre-activation `sd` bytes from each output, slope `alpha`.
  const run = (
    e: Engine, kind: Kind, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean,
    act = -1, bias = 0, sd = 0, alpha = 0,
  ): void => {
    const rsA = kind === 'TN' ? 4 : 4 * k, csA = kind === 'TN' ? 4 * m : 4;
    const rsB = kind === 'NT' ? 4 : 4 * n, csB = kind === 'NT' ? 4 * k : 4;
    const add = accumulate ? 1 : 0;
    const others = workers > 0 && e === main && m * n * k >= parallelMacs ? helpers() : 0;
    if (others === 0) {
      const s0 = scratchAt(0);
      if (act < 0) e.gemm(m, n, k, a, rsA, csA, b, rsB, csB, c, 4 * n, add, s0, s0 + packB, s0 + tile);
      else fusedEngine(act).gemm(m, n, k, a, rsA, csA, b, rsB, csB, c, 4 * n, add, s0, s0 + packB, s0 + tile, bias, sd, alpha);
      return;
    }
    // Chunks of whole register tiles, never a split of the depth: each element of C then sees
    // exactly the instructions it sees on one thread. Aᵀ·B (a dense layer's weight gradient) by
    // rows, so that each thread writes the gradient rows of the weights whose outputs it computed
    // in the forward product (A·Bᵀ by columns) and then updates them (the optimizer's layer
    // segments): the data stays in its core's cache (unless C has too few rows to share).
    // Otherwise columns when A is the smaller operand (each chunk packs all of A), else rows.
    const byCols = kind === 'TN' ? m < 8 * shape.mr : m <= n;
    x[0] = byCols ? 1 : 0; x[1] = m; x[2] = n; x[3] = k; x[4] = a; x[5] = rsA; x[6] = csA;
    x[7] = b; x[8] = rsB; x[9] = csB; x[10] = c; x[11] = 4 * n; x[12] = add;
    // the slope stored as a float32, read back by the parts as its bits
    x[13] = bias; x[14] = sd; xf[15] = alpha;
    split(act + 1, byCols ? n : m, byCols ? shape.nr : shape.mr, others);
  };

  const jobs: ThreadJobs | undefined = workers === 0 ? undefined : {
    args: {
      i32: new Int32Array(main.memory.buffer, jobArgsAt, MAX_ARGS),
      f32: new Float32Array(main.memory.buffer, jobArgsAt, MAX_ARGS),
    },
    add(mod, name, local) {
      if (started) return null;
      let at = modules.indexOf(mod);
      if (at < 0) at = modules.push(mod) - 1;
      functions.push({ module: at, name, signature: 'i' });
      locals.push((lo, hi) => local(lo, hi, scratchAt(0), jobArgsAt));
      return functions.length - 1;
    },
    ready: () => start()?.ready() ?? 0,
    run(job, total, unit) {
      const others = total > 0 ? helpers() : 0;
      if (others === 0) {
        locals[job](0, total);
        return;
      }
      x[0] = jobArgsAt;
      split(job, total, unit, others);
    },
  };

  const make = (fallback: Gemm, kind: Kind): Gemm =>
    (m, n, k, a, aOff, b, bOff, c, cOff, accumulate, pack, packOffset) => {
      if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
        fallback(m, n, k, a, aOff, b, bOff, c, cOff, accumulate, pack, packOffset);
        return;
      }
      const mk = m * k, kn = k * n, mn = m * n;
      if (aOff + mk > a.length || bOff + kn > b.length || cOff + mn > c.length) {
        throw new Error(`wasm gemm: operand out of range (${m}×${n}×${k})`);
      }
      if (mn === 0) return;
      if (k === 0) {
        if (!accumulate) c.fill(0, cOff, cOff + mn);
        return;
      }
      if (inMemory(a) && inMemory(b) && inMemory(c)) {
        run(main, kind, m, n, k, a.byteOffset + 4 * aOff, b.byteOffset + 4 * bOff, c.byteOffset + 4 * cOff, accumulate);
        return;
      }
      const pa = scratchAt(1), pb = pa + roundUp(4 * mk, 16), pc = pb + roundUp(4 * kn, 16);
      // The private memory is never shared: with threads, a module importing a plain memory.
      copy ??= engine(new WebAssembly.Memory({ initial: 1 }), workers > 0 ? compiled(shape, { minPages: 1 }) : module);
      growTo(copy.memory, pc + 4 * mn);
      const mem = copy.memory.buffer;
      new Float32Array(mem, pa, mk).set(a.subarray(aOff, aOff + mk));
      new Float32Array(mem, pb, kn).set(b.subarray(bOff, bOff + kn));
      const cv = new Float32Array(mem, pc, mn);
      if (accumulate) cv.set(c.subarray(cOff, cOff + mn));
      run(copy, kind, m, n, k, pa, pb, pc, accumulate);
      c.set(cv, cOff);
    };

  const elementwise = wasmElementwise(main.memory, memoryImport);
  const gemmNT = make(ts.gemmNT, 'NT');
  const f32In = (v: FloatArray | null): v is Float32Array => v instanceof Float32Array && inMemory(v);
  const denseProduct: DenseProduct = (act, m, n, k, a, aOff, w, wOff, y, yOff, bias, biasOff, saved, savedOff, alpha, pack, packOffset) => {
    const index = DENSE_ACTIVATIONS.indexOf(act);
    if (index < 0) throw new Error(`wasm denseProduct: no epilogue for '${String(act)}'`);
    const saves = savesInput(act);
    // address 0 means "no bias" to the module; the table keeps its control block there, but a
    // caller's own view could start there
    const biasAt = bias === null ? 0 : bias.byteOffset + 4 * biasOff;
    if (!(f32In(a) && f32In(w) && f32In(y) && (bias === null || (f32In(bias) && biasAt !== 0)) && (!saves || f32In(saved))) || k === 0 || m * n === 0) {
      // outside the memory (or nothing to multiply): the product, then the pass
      gemmNT(m, n, k, a, aOff, w, wOff, y, yOff, false, pack, packOffset);
      elementwise.denseForward!(act, m, n, y, yOff, bias, biasOff, saved, savedOff, alpha);
      return;
    }
    if (aOff + m * k > a.length || wOff + n * k > w.length || yOff + m * n > y.length
      || (bias !== null && biasOff + n > bias.length) || (saves && savedOff + m * n > saved!.length)) {
      throw new Error(`wasm denseProduct: operand out of range (${m}×${n}×${k})`);
    }
    const c = y.byteOffset + 4 * yOff;
    const sd = saves ? (saved!.byteOffset + 4 * savedOff - c) | 0 : 0;
    run(main, 'NT', m, n, k, a.byteOffset + 4 * aOff, w.byteOffset + 4 * wOff, c, false,
      index, biasAt, sd, alpha);
  };

  return {
    ...elementwise,
    denseProduct,
    gemmNN: make(ts.gemmNN, 'NN'),
    gemmTN: make(ts.gemmTN, 'TN'),
    gemmNT,
    packSize: ts.packSize,
    memory: main.memory,
    shape,
    threads: workers + 1,
    readyThreads: () => 1 + (start()?.ready() ?? 0),
    dispose: () => {
      started = true;
      pool?.dispose();
    },
    ...(jobs ? { jobs } : {}),
    alloc(floats: number): Float32Array {
      const at = top;
      top = roundUp(at + 4 * floats, 16);
      growTo(main.memory, top);
      const buf = main.memory.buffer;
      if (buf !== buffers[buffers.length - 1]) buffers.push(buf);
      return new Float32Array(buf, at, floats);
    },
  };
}

