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
import { DEFAULT_SHAPE, gemmModuleBytes, gemmScratchBytes } from './gemm.js';
import type { GemmShape } from './gemm.js';
import { wasmElementwise } from './elementwise.js';
import { ModuleBuilder } from './module.js';

/** Options of `createWasmKernels`. */
export interface WasmKernelOptions {
  /** Floats `alloc` can hand out before `memory` first grows (default 4 Mi floats, 16 MiB). */
  readonly arenaFloats?: number;
  /** Tile and block sizes (defaults: `DEFAULT_SHAPE`); `fma` is ignored where relaxed SIMD is missing. */
  readonly shape?: Partial<GemmShape>;
}

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
}

type GemmFn = (
  m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number,
  c: number, ldc: number, accumulate: number, packA: number, packB: number, tile: number,
) => void;

interface Engine {
  readonly memory: WebAssembly.Memory;
  readonly gemm: GemmFn;
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
  const scratch = roundUp(gemmScratchBytes(shape), 16);
  const memoryImport = { minPages: 1 };
  const module = new WebAssembly.Module(gemmModuleBytes(shape, memoryImport));
  const packB = 4 * shape.mc * shape.kc;
  const tile = packB + 4 * shape.kc * shape.nc;
  const engine = (memory: WebAssembly.Memory): Engine => ({
    memory,
    gemm: new WebAssembly.Instance(module, { env: { memory } }).exports.gemm as GemmFn,
  });
  const arenaBytes = 4 * (options.arenaFloats ?? 4 * 1024 * 1024);
  const main = engine(new WebAssembly.Memory({ initial: Math.ceil((scratch + arenaBytes) / PAGE) }));
  let top = scratch;
  let copy: Engine | undefined;
  const ts = createKernels('float64');

  /** Which operand is stored transposed. */
  type Kind = 'NN' | 'TN' | 'NT';

  // Byte strides of A (element (i, p) at i·rsA + p·csA) and B ((p, j) at p·rsB + j·csB), computed
  // inline rather than returned as a tuple so the zero-copy path allocates nothing.
  const run = (e: Engine, kind: Kind, m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void => {
    const rsA = kind === 'TN' ? 4 : 4 * k, csA = kind === 'TN' ? 4 * m : 4;
    const rsB = kind === 'NT' ? 4 : 4 * n, csB = kind === 'NT' ? 4 * k : 4;
    e.gemm(m, n, k, a, rsA, csA, b, rsB, csB, c, 4 * n, accumulate ? 1 : 0, 0, packB, tile);
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
      const buf = main.memory.buffer;
      if (a.buffer === buf && b.buffer === buf && c.buffer === buf) {
        run(main, kind, m, n, k, a.byteOffset + 4 * aOff, b.byteOffset + 4 * bOff, c.byteOffset + 4 * cOff, accumulate);
        return;
      }
      const pa = scratch, pb = pa + roundUp(4 * mk, 16), pc = pb + roundUp(4 * kn, 16);
      copy ??= engine(new WebAssembly.Memory({ initial: 1 }));
      growTo(copy.memory, pc + 4 * mn);
      const mem = copy.memory.buffer;
      new Float32Array(mem, pa, mk).set(a.subarray(aOff, aOff + mk));
      new Float32Array(mem, pb, kn).set(b.subarray(bOff, bOff + kn));
      const cv = new Float32Array(mem, pc, mn);
      if (accumulate) cv.set(c.subarray(cOff, cOff + mn));
      run(copy, kind, m, n, k, pa, pb, pc, accumulate);
      c.set(cv, cOff);
    };

  return {
    ...wasmElementwise(main.memory, memoryImport),
    gemmNN: make(ts.gemmNN, 'NN'),
    gemmTN: make(ts.gemmTN, 'TN'),
    gemmNT: make(ts.gemmNT, 'NT'),
    packSize: ts.packSize,
    memory: main.memory,
    shape,
    alloc(floats: number): Float32Array {
      const at = top;
      top = roundUp(at + 4 * floats, 16);
      growTo(main.memory, top);
      return new Float32Array(main.memory.buffer, at, floats);
    },
  };
}

