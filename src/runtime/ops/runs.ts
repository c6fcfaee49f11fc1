/**
 * Float32 runs as WebAssembly SIMD over the memory of a kernel table that has one (the
 * WebAssembly table), for the convolution's layout passes: a JavaScript loop moves about one
 * float per nanosecond, four-wide SIMD several times that. The module is generated per op table
 * (it imports that table's memory, shared or not). Copies, adds and the bias+relu write-out give
 * the JavaScript loops' bits: a double sum of two floats rounded to float is the correctly
 * rounded float sum. The relu gradient's bias sums are single-precision partial sums, so they
 * round differently from the JavaScript path (within float32 tolerance; deterministic per table).
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
  /**
   * For `rows` rows of `run` values (`srcPitch` apart in `src`, `dstPitch` in `dst`):
   * `dst = relu(src + bias)` as `(v + |v|) / 2`, in single precision.
   */
  biasRelu(dst: FloatArray, d: number, src: FloatArray, s: number, rows: number, run: number, srcPitch: number, dstPitch: number, bias: number): void;
  /**
   * For `rows` rows of `run` values (`srcPitch` apart in `gy` and `y`, `dstPitch` in `dz`):
   * `dz = y > 0 ? gy : 0`, zeros in each row of `dz` past `run`; returns the sum of `dz`
   * (four single-precision partial sums).
   */
  reluGrad(dz: FloatArray, d: number, gy: FloatArray, y: FloatArray, s: number, rows: number, run: number, srcPitch: number, dstPitch: number): number;
}

type RunFn = (dst: number, src: number, n: number) => void;
type BiasReluFn = (dst: number, src: number, rows: number, run: number, srcPitch: number, dstPitch: number, bias: number) => void;
type ReluGradFn = (dz: number, gy: number, y: number, rows: number, run: number, srcPitch: number, dstPitch: number) => number;

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

/**
 * `for (r = 0; r < rows; r++) { for (i = 0; i < 4·run; i += 4·lanes) step(lanes); bump pointers }`:
 * four lanes while they fit, then one (`i` in bytes). `rows`, `run` and the pointer locals with
 * their byte pitches are given by local index.
 */
function emitRows(
  f: Code, rows: number, run: number, pointers: readonly (readonly [number, number])[], i: number,
  step: (lanes: 4 | 1) => void, afterRow: () => void,
): void {
  const r = f.local('i32');
  const end = f.local('i32');
  const end4 = f.local('i32');
  f.get(run).i32Const(2).i32Shl().set(end);
  f.get(run).i32Const(-4).i32And().i32Const(2).i32Shl().set(end4);
  f.i32Const(0).set(r);
  f.block().loop();
  f.get(r).get(rows).i32GeU().brIf(1);
  f.i32Const(0).set(i);
  for (const lanes of [4, 1] as const) {
    f.block().loop();
    f.get(i).get(lanes === 4 ? end4 : end).i32GeU().brIf(1);
    step(lanes);
    f.get(i).i32Const(4 * lanes).i32Add().set(i);
    f.br(0).end().end();
  }
  afterRow();
  for (const [p, pitch] of pointers) f.get(p).get(pitch).i32Const(2).i32Shl().i32Add().set(p);
  f.get(r).i32Const(1).i32Add().set(r);
  f.br(0).end().end();
}

/** Pushes a vector of `lanes` floats at `base + i` (one float splat to every lane when `lanes` is 1). */
function load(f: Code, base: number, i: number, lanes: 4 | 1): void {
  f.get(base).get(i).i32Add();
  if (lanes === 4) f.v128Load();
  else f.v128Load32Splat();
}

/** Stores the vector on the stack (under it, the address `base + i` pushed by the caller) as `lanes` floats. */
function store(f: Code, lanes: 4 | 1): void {
  if (lanes === 4) f.v128Store();
  else f.f32x4ExtractLane(0).f32Store();
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
  {
    // biasRelu(dst, src, rows, run, srcPitch, dstPitch, bias)
    const f = mb.func(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32'], [], 'biasRelu').code;
    const [dst, src, rows, run, srcPitch, dstPitch, bias] = [0, 1, 2, 3, 4, 5, 6];
    const i = f.local('i32');
    const vb = f.local('v128');
    const half = f.local('v128');
    const v = f.local('v128');
    f.get(bias).f32x4Splat().set(vb);
    f.f32Const(0.5).f32x4Splat().set(half);
    emitRows(f, rows, run, [[dst, dstPitch], [src, srcPitch]], i, (lanes) => {
      f.get(dst).get(i).i32Add();
      load(f, src, i, lanes);
      f.get(vb).f32x4Add().tee(v).get(v).f32x4Abs().f32x4Add().get(half).f32x4Mul();
      store(f, lanes);
    }, () => undefined);
  }
  {
    // reluGrad(dz, gy, y, rows, run, srcPitch, dstPitch) -> sum
    const f = mb.func(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], ['f32'], 'reluGrad').code;
    const [dz, gy, y, rows, run, srcPitch, dstPitch] = [0, 1, 2, 3, 4, 5, 6];
    const i = f.local('i32');
    const v = f.local('v128');
    const acc = f.local('v128');
    const tail = f.local('f32');
    const zero = f.local('v128');
    const j = f.local('i32');
    emitRows(f, rows, run, [[dz, dstPitch], [gy, srcPitch], [y, srcPitch]], i, (lanes) => {
      f.get(dz).get(i).i32Add();
      load(f, gy, i, lanes);
      load(f, y, i, lanes);
      f.get(zero).f32x4Gt().v128And().tee(v);
      store(f, lanes);
      if (lanes === 4) f.get(acc).get(v).f32x4Add().set(acc);
      else f.get(tail).get(v).f32x4ExtractLane(0).f32Add().set(tail);
    }, () => {
      // zeros past the run, up to the pitch
      f.get(run).i32Const(2).i32Shl().set(j);
      f.block().loop();
      f.get(j).get(dstPitch).i32Const(2).i32Shl().i32GeU().brIf(1);
      f.get(dz).get(j).i32Add().f32Const(0).f32Store();
      f.get(j).i32Const(4).i32Add().set(j);
      f.br(0).end().end();
    });
    f.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1).f32Add();
    f.get(acc).f32x4ExtractLane(2).get(acc).f32x4ExtractLane(3).f32Add().f32Add();
    f.get(tail).f32Add();
  }
  const exports = new WebAssembly.Instance(new WebAssembly.Module(mb.encode()), { env: { memory } }).exports;
  const copy = exports.copy as RunFn;
  const add = exports.add as RunFn;
  const biasRelu = exports.biasRelu as BiasReluFn;
  const reluGrad = exports.reluGrad as ReluGradFn;
  return {
    owns: (a, b) => a instanceof Float32Array && b instanceof Float32Array && a.buffer === memory.buffer && b.buffer === memory.buffer,
    copy: (dst, d, src, s, n) => copy(dst.byteOffset + 4 * d, src.byteOffset + 4 * s, n),
    add: (dst, d, src, s, n) => add(dst.byteOffset + 4 * d, src.byteOffset + 4 * s, n),
    biasRelu: (dst, d, src, s, rows, run, srcPitch, dstPitch, bias) =>
      biasRelu(dst.byteOffset + 4 * d, src.byteOffset + 4 * s, rows, run, srcPitch, dstPitch, bias),
    reluGrad: (dz, d, gy, y, s, rows, run, srcPitch, dstPitch) =>
      reluGrad(dz.byteOffset + 4 * d, gy.byteOffset + 4 * s, y.byteOffset + 4 * s, rows, run, srcPitch, dstPitch),
  };
}
