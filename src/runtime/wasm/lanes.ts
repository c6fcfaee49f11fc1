/**
 * The shared machinery of the generated elementwise loops over a kernel table's memory (optimizer
 * updates, clipping): an element's operations written once for both widths (`Lanes`), the loop
 * around them (`emitUpdate`: f32x4 lanes, then a scalar tail with the very same operations, so an
 * element's result never depends on its position), the memory import (shared under threads) and
 * the test whether an array is a view of the memory.
 */
import type { Code, ValType } from './code.js';
import { ModuleBuilder, type MemoryImport } from './module.js';

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The import descriptor for `memory`: shared (threads) when its buffer is a SharedArrayBuffer. */
export function memoryImportFor(memory: WebAssembly.Memory): MemoryImport {
  return isShared(memory) ? { minPages: 1, maxPages: 65536, shared: true } : { minPages: 1 };
}

/**
 * Whether an array is a view of `memory`: of its current buffer, or, for a shared memory (whose
 * `buffer` is a new object after each grow while older views stay valid), of a buffer seen when
 * the kernels were made (`known`). A plain memory's older views are detached by a grow.
 */
export function viewOf(memory: WebAssembly.Memory, known: readonly ArrayBufferLike[]): (a: ArrayBufferView) => boolean {
  const older = isShared(memory) ? [memory.buffer, ...known] : [];
  return (a) => a.buffer === memory.buffer || older.includes(a.buffer);
}

/** One element's update written once for both widths: `v` (f32x4 lanes) and `s` (one f32). */
export class Lanes {
  constructor(
    private readonly f: Code,
    readonly wide: boolean,
    /** The local holding each f32 constant at this width (a splat for `v`). */
    private readonly constants: readonly number[],
  ) {}

  /** A fresh local of this width. */
  local(): number { return this.f.local(this.wide ? 'v128' : 'f32'); }
  /** Pushes the element at the byte address in local `ptr`. */
  load(ptr: number): this { this.f.get(ptr); if (this.wide) this.f.v128Load(); else this.f.f32Load(); return this; }
  /** Stores what `value` pushes at the byte address in local `ptr`. */
  store(ptr: number, value: () => void): this {
    this.f.get(ptr);
    value();
    if (this.wide) this.f.v128Store(); else this.f.f32Store();
    return this;
  }
  /** Pushes constant number `k` (a parameter of the update). */
  c(k: number): this { this.f.get(this.constants[k]); return this; }
  get(l: number): this { this.f.get(l); return this; }
  set(l: number): this { this.f.set(l); return this; }
  tee(l: number): this { this.f.tee(l); return this; }
  add(): this { if (this.wide) this.f.f32x4Add(); else this.f.f32Add(); return this; }
  sub(): this { if (this.wide) this.f.f32x4Sub(); else this.f.f32Sub(); return this; }
  mul(): this { if (this.wide) this.f.f32x4Mul(); else this.f.f32Mul(); return this; }
  div(): this { if (this.wide) this.f.f32x4Div(); else this.f.f32Div(); return this; }
  sqrt(): this { if (this.wide) this.f.f32x4Sqrt(); else this.f.f32Sqrt(); return this; }
  /** Pops b, a; pushes `a < b ? b : a` (a JavaScript `if (b > a) a = b`). */
  pmax(a: number, b: number): this {
    if (this.wide) this.f.get(a).get(b).f32x4Pmax();
    else this.f.get(b).get(a).get(b).get(a).f32Gt().select();
    return this;
  }
}

/** An update body: `ptrs` are the locals of the byte addresses (p, g, slots...), in that order. */
export type Body = (l: Lanes, ptrs: readonly number[]) => void;

/**
 * Emits `update(n, ptr_0..ptr_{k-1}, c_0..c_{m-1})`: the body over n elements, four at a time,
 * then one at a time.
 */
export function emitUpdate(mb: ModuleBuilder, exportName: string, pointers: number, constants: number, body: Body): void {
  const params: ValType[] = ['i32', ...new Array<ValType>(pointers).fill('i32'), ...new Array<ValType>(constants).fill('f32')];
  const { code: f } = mb.func(params, [], exportName);
  const ptrs = Array.from({ length: pointers }, (_, k) => 1 + k);
  const scalarConsts = Array.from({ length: constants }, (_, k) => 1 + pointers + k);
  emitLoops(f, 0, ptrs, scalarConsts, body);
}

/**
 * Emits `part(lo, hi, scratch, args)`, the same update over elements `lo .. hi` with its
 * arguments in memory instead: at byte `args`, the `pointers` byte addresses (i32) then the
 * `constants` (f32), as {@link UpdateArgs} writes them. This is the form a thread pool runs
 * (every parameter an integer, so calling it never boxes a float); a split at any element gives
 * the same numbers as one call, since an element's result never depends on its position.
 */
export function emitPart(mb: ModuleBuilder, exportName: string, pointers: number, constants: number, body: Body): void {
  const { code: f } = mb.func(['i32', 'i32', 'i32', 'i32'], [], exportName);
  const [lo, hi, , args] = [0, 1, 2, 3];
  const n = f.local('i32');
  f.get(hi).get(lo).i32Sub().set(n);
  const ptrs = Array.from({ length: pointers }, (_, k) => {
    const p = f.local('i32');
    f.get(args).i32Load(4 * k).get(lo).i32Const(2).i32Shl().i32Add().set(p);
    return p;
  });
  const scalarConsts = Array.from({ length: constants }, (_, k) => {
    const c = f.local('f32');
    f.get(args).f32Load(4 * (pointers + k)).set(c);
    return c;
  });
  emitLoops(f, n, ptrs, scalarConsts, body);
}

/** The body over the `n` (local) elements at `ptrs`: f32x4 lanes, then a scalar tail. */
function emitLoops(f: Code, n: number, ptrs: readonly number[], scalarConsts: readonly number[], body: Body): void {
  const splats = scalarConsts.map((c) => {
    const v = f.local('v128');
    f.get(c).f32x4Splat().set(v);
    return v;
  });
  // both ends are computed before the vector loop advances the pointers:
  // p + 16·⌊n/4⌋ for the vectors, p + 4·n for everything
  const vectorEnd = f.local('i32'), end = f.local('i32');
  f.get(ptrs[0]).get(n).i32Const(-4).i32And().i32Const(2).i32Shl().i32Add().set(vectorEnd);
  f.get(ptrs[0]).get(n).i32Const(2).i32Shl().i32Add().set(end);
  const loop = (wide: boolean, consts: readonly number[], limit: number): void => {
    const width = wide ? 16 : 4;
    f.block().loop();
    f.get(ptrs[0]).get(limit).i32GeU().brIf(1);
    body(new Lanes(f, wide, consts), ptrs);
    for (const p of ptrs) f.get(p).i32Const(width).i32Add().set(p);
    f.br(0).end().end();
  };
  loop(true, splats, vectorEnd);
  loop(false, scalarConsts, end);
}

/**
 * Elementwise jobs on a kernel table's worker threads (the WebAssembly table has them when it
 * runs on more than one thread): a module's `part` export ({@link emitPart}) registered once,
 * then run over a range split between the calling thread and the workers.
 */
export interface ThreadJobs {
  /**
   * Registers `module`'s export `name` (compiled for the table's memory); `local` is the same
   * export of the caller's own instance. Returns the job's number, or null once the workers have
   * started (they load their modules when they start): the caller then runs `local` itself.
   */
  add(module: WebAssembly.Module, name: string, local: (lo: number, hi: number, scratch: number, args: number) => void): number | null;
  /** Workers ready now (0: a job would run on the calling thread alone). */
  ready(): number;
  /** The argument block jobs read (in the shared memory): write it, then `run`. */
  readonly args: UpdateArgs;
  /** Runs job `job` over elements `0 .. total` in whole `unit`s on every ready thread; returns when all are done. */
  run(job: number, total: number, unit: number): void;
}

/** An argument block in memory: i32 and f32 views of its words. */
export interface UpdateArgs {
  readonly i32: Int32Array;
  readonly f32: Float32Array;
}

interface Instance {
  readonly exports: Record<string, (...xs: number[]) => void>;
}

/** The compiled module and its exports over `memory`, or null where the engine has no WebAssembly SIMD. */
export function compile(mb: ModuleBuilder, memory: WebAssembly.Memory): { module: WebAssembly.Module; exports: Instance['exports'] } | null {
  const bytes = mb.encode();
  if (!WebAssembly.validate(bytes)) return null;
  const module = new WebAssembly.Module(bytes);
  return { module, exports: (new WebAssembly.Instance(module, { env: { memory } }) as unknown as Instance).exports };
}
