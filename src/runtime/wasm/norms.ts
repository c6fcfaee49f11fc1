/**
 * The clipping loops (sums of squares for norms, scaling) in WebAssembly SIMD over a kernel
 * table's memory, with the plain loops of ../clip.ts for everything else.
 */
import type { ClipKernels } from '../clip.js';
import { PLAIN_CLIP_KERNELS } from '../clip.js';
import type { FloatArray } from '../tensor.js';
import { emitUpdate, instantiate, memoryImportFor, viewOf } from './lanes.js';
import { ModuleBuilder } from './module.js';

/**
 * Emits `sumsq(p, n, out)`: Σ p[i]² with each float widened to f64 (so each square is exact),
 * eight at a time into four f64x2 accumulators, then the tail in order; the partial sums are
 * combined as ((a0 + a1) + (a2 + a3)), low lane + high lane, + tail. A fixed order: the same
 * bits on every engine, within float64 rounding of the sequential sum. The sum is stored as an
 * f64 at byte address `out`, not returned: a float64 returned from WebAssembly to JavaScript is
 * boxed on the heap, one allocation per call.
 */
function emitSumSquares(mb: ModuleBuilder): void {
  const { code: f } = mb.func(['i32', 'i32', 'i32'], [], 'sumsq');
  const [p, n, out] = [0, 1, 2];
  const acc = [0, 1, 2, 3].map(() => f.local('v128'));
  const x = f.local('v128'), vectorEnd = f.local('i32'), end = f.local('i32'), tail = f.local('f64'), y = f.local('f64');
  f.get(p).get(n).i32Const(-8).i32And().i32Const(2).i32Shl().i32Add().set(vectorEnd);
  f.get(p).get(n).i32Const(2).i32Shl().i32Add().set(end);
  f.block().loop();
  f.get(p).get(vectorEnd).i32GeU().brIf(1);
  acc.forEach((a, k) => {
    f.get(p).v128Load64Zero(8 * k).f64x2PromoteLowF32x4().tee(x).get(x).f64x2Mul().get(a).f64x2Add().set(a);
  });
  f.get(p).i32Const(32).i32Add().set(p).br(0).end().end();
  f.block().loop();
  f.get(p).get(end).i32GeU().brIf(1);
  f.get(p).f32Load().f64PromoteF32().tee(y).get(y).f64Mul().get(tail).f64Add().set(tail);
  f.get(p).i32Const(4).i32Add().set(p).br(0).end().end();
  f.get(acc[0]).get(acc[1]).f64x2Add().get(acc[2]).get(acc[3]).f64x2Add().f64x2Add().set(x);
  f.get(out).get(x).f64x2ExtractLane(0).get(x).f64x2ExtractLane(1).f64Add().get(tail).f64Add().f64Store();
}

/** Emits `scale(p, n, factor)`: p[i] *= factor in float32, four at a time, then the tail. */
function emitScale(mb: ModuleBuilder): void {
  emitUpdate(mb, 'scale', 1, 1, (l, [p]) => {
    l.store(p, () => l.load(p).c(0).mul());
  });
}

/** Floats of kernel memory `normKernels` takes from `alloc` (the cell its sums are stored in). */
export const NORM_KERNEL_FLOATS = 4;

/**
 * The clipping loops over a kernel table's memory: WebAssembly SIMD sums of squares and scaling
 * for float32 arrays in the table's `memory`, the plain loops for anything else (float64 arrays,
 * arrays elsewhere, a table without a memory, an engine without SIMD). The sums add in a fixed
 * order of their own and the scaling multiplies by the factor rounded to float32, so results
 * differ from the plain loops' by float rounding only.
 * @param alloc the table's allocator (a plan passes its arena's): `NORM_KERNEL_FLOATS` floats
 *   are always taken from it, so a plan's layout does not depend on the engine
 */
export function normKernels(kernels: object, alloc: (floats: number) => Float32Array): ClipKernels {
  const cell = alloc(NORM_KERNEL_FLOATS);
  const memory = 'memory' in kernels && kernels.memory instanceof WebAssembly.Memory ? kernels.memory : null;
  if (memory === null || !viewOf(memory, [])(cell)) return PLAIN_CLIP_KERNELS;
  const mb = new ModuleBuilder(memoryImportFor(memory));
  emitSumSquares(mb);
  emitScale(mb);
  const fns = instantiate(mb, memory);
  if (fns === null) return PLAIN_CLIP_KERNELS;
  const { sumsq, scale } = fns;
  const result = new Float64Array(cell.buffer, cell.byteOffset, 1);
  const view = viewOf(memory, [cell.buffer]);
  const inMemory = (buf: FloatArray, offset: number, length: number): buf is Float32Array =>
    buf instanceof Float32Array && view(buf) && offset >= 0 && length >= 0 && offset + length <= buf.length;
  return {
    sumSquares(buf, offset, length) {
      if (!inMemory(buf, offset, length)) return PLAIN_CLIP_KERNELS.sumSquares(buf, offset, length);
      sumsq(buf.byteOffset + 4 * offset, length, result.byteOffset);
      return result[0];
    },
    scale(buf, offset, length, factor) {
      if (inMemory(buf, offset, length)) scale(length, buf.byteOffset + 4 * offset, factor);
      else PLAIN_CLIP_KERNELS.scale(buf, offset, length, factor);
    },
  };
}

/** Floats of kernel memory `layerSquaredSums` takes from `alloc` for `layers` sums (float64 cells, whole 16-byte groups). */
export function layerSquaredSumsFloats(layers: number): number {
  return 4 * Math.ceil((2 * layers) / 4);
}

/**
 * The per-layer sums of squares of a plan's gradients in one call: `sums(out)` writes
 * Σ grads[o..o+len)² of each `[o, len]` segment into `out[i]`, summed as `normKernels` sums.
 * Nothing crosses between JavaScript and WebAssembly but integers (each sum lands in a float64
 * cell of the memory and `out.set` copies them), so no float64 is ever boxed, optimized caller
 * or not. Null where `grads` is not a view of a WebAssembly table's memory or the engine has no
 * SIMD (then sum in JavaScript); `layerSquaredSumsFloats(segments.length)` floats are taken from
 * `alloc` either way, so a plan's layout does not depend on the engine.
 */
export function layerSquaredSums(
  kernels: object, alloc: (floats: number) => Float32Array, grads: Float32Array, segments: readonly (readonly number[])[],
): ((out: Float64Array) => void) | null {
  const cell = alloc(layerSquaredSumsFloats(segments.length));
  const memory = 'memory' in kernels && kernels.memory instanceof WebAssembly.Memory ? kernels.memory : null;
  if (memory === null || !viewOf(memory, [cell.buffer])(grads) || !viewOf(memory, [grads.buffer])(cell)) return null;
  if (segments.some(([o, len]) => !(o >= 0 && len >= 0 && o + len <= grads.length))) throw new RangeError('layerSquaredSums: segment out of range');
  const mb = new ModuleBuilder(memoryImportFor(memory));
  emitSumSquares(mb);
  const sumsq = instantiate(mb, memory)?.['sumsq'];
  if (sumsq === undefined) return null;
  const cells = new Float64Array(cell.buffer, cell.byteOffset, segments.length);
  const at = Int32Array.from(segments, ([o]) => grads.byteOffset + 4 * (o ?? 0));
  const lengths = Int32Array.from(segments, ([, len]) => len ?? 0);
  const n = segments.length;
  return (out) => {
    for (let i = 0; i < n; i++) sumsq(at[i], lengths[i], cells.byteOffset + 8 * i);
    out.set(cells);
  };
}
