/**
 * Contiguous float32 runs (copy, add into) as WebAssembly SIMD over the memory of a kernel table
 * that has one (the WebAssembly table), for the convolution's unfolding passes: a JavaScript
 * loop moves about one float per nanosecond, four-wide SIMD several times that. Sums are
 * single-precision additions, which round exactly as the JavaScript `a[i] += b[i]` on float32
 * arrays does (a double sum of two floats rounded to float is the correctly rounded float sum),
 * so both paths give the same bits.
 */
import type { Kernels } from '../kernels/types.js';
import type { FloatArray } from '../tensor.js';
import type { Code } from '../wasm/code.js';
import { ModuleBuilder } from '../wasm/module.js';

/** Runs over one memory, by element index into arrays that are views of it. */
export interface MemoryRuns {
  /** Whether both arrays are float32 views of this memory (so `copy`/`add` may take them). */
  owns(a: FloatArray, b: FloatArray): boolean;
  /** `dst[d..d+n] = src[s..s+n]`. */
  copy(dst: FloatArray, d: number, src: FloatArray, s: number, n: number): void;
  /** `dst[d..d+n] += src[s..s+n]`, in single precision. */
  add(dst: FloatArray, d: number, src: FloatArray, s: number, n: number): void;
}

type RunFn = (dst: number, src: number, n: number) => void;

const DST = 0;
const SRC = 1;
const N = 2;

/**
 * `fn(dst, src, n)` over byte addresses: four lanes at a time, then one. `step` emits one
 * step's store (the address of `dst` pushed first), reading the locals `DST` and `SRC`.
 */
function emitRun(f: Code, step: (f: Code, lanes: 4 | 1) => void): void {
  const end4 = f.local('i32');
  const end = f.local('i32');
  f.get(DST).get(N).i32Const(2).i32Shl().i32Add().set(end);
  f.get(DST).get(N).i32Const(-4).i32And().i32Const(2).i32Shl().i32Add().set(end4);
  for (const lanes of [4, 1] as const) {
    f.block().loop();
    f.get(DST).get(lanes === 4 ? end4 : end).i32GeU().brIf(1);
    step(f, lanes);
    f.get(DST).i32Const(4 * lanes).i32Add().set(DST);
    f.get(SRC).i32Const(4 * lanes).i32Add().set(SRC);
    f.br(0).end().end();
  }
}

/** The copy and add runs over the memory of `kernels`, or `null` when the table has none. */
export function memoryRuns(kernels: Kernels): MemoryRuns | null {
  const memory = (kernels as { readonly memory?: unknown }).memory;
  if (typeof WebAssembly !== 'object' || !(memory instanceof WebAssembly.Memory)) return null;
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  const mb = new ModuleBuilder({ minPages: 1, ...(shared ? { maxPages: 65536, shared: true } : {}) });
  emitRun(mb.func(['i32', 'i32', 'i32'], [], 'copy').code, (f, lanes) => {
    f.get(DST).get(SRC);
    if (lanes === 4) f.v128Load().v128Store();
    else f.f32Load().f32Store();
  });
  emitRun(mb.func(['i32', 'i32', 'i32'], [], 'add').code, (f, lanes) => {
    f.get(DST).get(DST);
    if (lanes === 4) f.v128Load().get(SRC).v128Load().f32x4Add().v128Store();
    else f.f32Load().get(SRC).f32Load().f32Add().f32Store();
  });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(mb.encode()), { env: { memory } }).exports;
  const copy = exports.copy as RunFn;
  const add = exports.add as RunFn;
  return {
    owns: (a, b) => a instanceof Float32Array && b instanceof Float32Array && a.buffer === memory.buffer && b.buffer === memory.buffer,
    copy: (dst, d, src, s, n) => copy(dst.byteOffset + 4 * d, src.byteOffset + 4 * s, n),
    add: (dst, d, src, s, n) => add(dst.byteOffset + 4 * d, src.byteOffset + 4 * s, n),
  };
}
