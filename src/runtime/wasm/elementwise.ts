/**
 * The elementwise members of the WebAssembly kernel table: the dense layers' forward epilogue
 * (`y = act(y + bias)`) and backward epilogue (`dz ·= act'`, bias gradient column sums), one
 * generated function per activation and direction, f32x4 over byte offsets in the table's
 * memory. They run as a pass right after the product, on data still in cache. (The table's
 * `denseProduct` runs the same forward code on each tile of the product as it is written.)
 *
 * Columns that do not fill a vector are computed one at a time by the same vector code on a
 * splat, so every element gets the same arithmetic wherever it sits. The bias gradient adds
 * rows in order, in float32, as the plan's TypeScript loop does (the same sums, bit for bit,
 * given the same `dz`). Arrays outside the memory, or float64, take the TypeScript reference.
 */
import { ACTIVATIONS } from '../ops/activations.js';
import type { DenseActivation, DenseBackward, DenseForward, Kernels } from '../kernels/types.js';
import { DENSE_ACTIVATIONS } from '../kernels/types.js';
import type { FloatArray } from '../tensor.js';
import { bump, emitDenseEpilogue, EPILOGUE_PARAMS, SCALAR, savesInput, VECTOR, whileBelow, type Width } from './epilogue.js';
import { ModuleBuilder } from './module.js';
import type { MemoryImport } from './module.js';
import { vectorDerivative } from './vector-math.js';

/** The optional, elementwise part of a kernel table. */
export type ElementwiseKernels = Omit<Kernels, 'gemmNN' | 'gemmTN' | 'gemmNT' | 'packSize'>;

type ForwardFn = (y: number, ldc: number, rows: number, cols: number, bias: number, sd: number, alpha: number) => void;
type BackwardFn = (dz: number, from: number, gb: number, rows: number, cols: number, flags: number, alpha: number) => void;

/** `flags` bits of a backward function. */
const HAS_BIAS = 1;
const ASSIGN_BIAS = 2;

function emitForward(mb: ModuleBuilder, act: DenseActivation): void {
  emitDenseEpilogue(mb.func(EPILOGUE_PARAMS, [], `fwd_${act}`).code, act);
}

function emitBackward(mb: ModuleBuilder, act: DenseActivation): void {
  const { code: f } = mb.func(['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32'], [], `bwd_${act}`);
  const [dz, from, gb, rows, cols, flags, alphaIn] = [0, 1, 2, 3, 4, 5, 6];
  const alpha = f.local('v128');
  f.get(alphaIn).f32x4Splat().set(alpha);
  const derivative = vectorDerivative(f, act, alpha);
  const negZero = f.local('v128');
  f.f32Const(-0).f32x4Splat().set(negZero);
  const end = f.local('i32'), rowEnd = f.local('i32'), vecEnd = f.local('i32'), q = f.local('i32'), g = f.local('i32');
  const hasBias = f.local('i32'), first = f.local('i32');
  const d = f.local('v128'), x = f.local('v128');
  f.get(dz).get(rows).get(cols).i32Mul().i32Const(2).i32Shl().i32Add().set(end);
  f.get(flags).i32Const(HAS_BIAS).i32And().set(hasBias);
  // on the first row when assigning, each column's sum starts at -0 (-0 + x is x for every x)
  f.get(flags).i32Const(ASSIGN_BIAS).i32And().set(first);
  f.get(from).set(q);
  // Row by row, as the forward pass: every cache line is read once, whole. (Column blocks with the
  // rows inner read 16 bytes of each line per pass, and a row pitch of a power of two KiB mapped
  // all of a block's lines to a few L1 sets: 10x slower.) Each column's bias gradient still adds
  // its rows in order, in float32, so the sums are the same bit for bit.
  const body = (w: Width): void => {
    f.get(dz);
    w.load(f);
    f.set(d);
    if (derivative) {
      f.get(q);
      w.load(f);
      f.set(x);
      f.get(dz);
      derivative(d, x);
      f.tee(d);
      w.store(f);
    }
    f.get(hasBias).if().get(g);
    f.get(first).if('v128').get(negZero).else().get(g);
    w.load(f);
    f.end().get(d).f32x4Add();
    w.store(f);
    f.end();
    bump(f, dz, w.bytes);
    bump(f, q, w.bytes);
    bump(f, g, w.bytes);
  };
  whileBelow(f, dz, end, () => {
    f.get(dz).get(cols).i32Const(2).i32Shl().i32Add().set(rowEnd);
    f.get(dz).get(cols).i32Const(-4).i32And().i32Const(2).i32Shl().i32Add().set(vecEnd);
    f.get(gb).set(g);
    whileBelow(f, dz, vecEnd, () => body(VECTOR));
    whileBelow(f, dz, rowEnd, () => body(SCALAR));
    f.i32Const(0).set(first);
  });
}

/** The elementwise module's bytes (imports `env.memory` as `memoryImport` says). */
export function elementwiseModuleBytes(memoryImport: MemoryImport): Uint8Array<ArrayBuffer> {
  const mb = new ModuleBuilder(memoryImport);
  for (const act of DENSE_ACTIVATIONS) {
    emitForward(mb, act);
    emitBackward(mb, act);
  }
  return mb.encode();
}

/** The TypeScript reference of `DenseForward` (also the path for arrays outside the memory). */
export const denseForwardReference: DenseForward = (act, rows, cols, y, yOff, bias, biasOff, saved, savedOff, alpha) => {
  const n = rows * cols;
  if (bias) {
    for (let i = 0; i < n; i += cols) for (let j = 0; j < cols; j++) y[yOff + i + j] += bias[biasOff + j];
  }
  if (saved) for (let i = 0; i < n; i++) saved[savedOff + i] = y[yOff + i];
  if (act === 'linear') return;
  const block = y.subarray(yOff, yOff + n);
  ACTIVATIONS[act].forward(block, block, n, alpha);
};

/** The TypeScript reference of `DenseBackward`. */
export const denseBackwardReference: DenseBackward = (act, rows, cols, dz, dzOff, from, fromOff, gb, gbOff, assignBias, alpha) => {
  const n = rows * cols;
  if (act !== 'linear') {
    if (!from) throw new Error(`denseBackward: ${act} needs its output or pre-activation`);
    const g = dz.subarray(dzOff, dzOff + n);
    const src = from.subarray(fromOff, fromOff + n);
    ACTIVATIONS[act].backward(src, src, g, g, n, alpha, false);
  }
  if (!gb) return;
  for (let j = 0; j < cols; j++) {
    let s = assignBias ? -0 : gb[gbOff + j]!;
    for (let i = 0; i < n; i += cols) {
      s += dz[dzOff + i + j]!;
      if (gb instanceof Float32Array) s = Math.fround(s);
    }
    gb[gbOff + j] = s;
  }
};

function checkRange(what: string, a: FloatArray | null, off: number, size: number): void {
  if (a && (off < 0 || off + size > a.length)) throw new Error(`wasm ${what}: operand out of range`);
}

/**
 * The elementwise kernels over `memory` (imported as `memoryImport` describes: shared when the
 * table runs threads). Operands must be float32 views of `memory` to run in WebAssembly; others
 * run the TypeScript reference.
 */
export function wasmElementwise(memory: WebAssembly.Memory, memoryImport: MemoryImport): ElementwiseKernels {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(elementwiseModuleBytes(memoryImport)), { env: { memory } });
  const fwd = {} as Record<DenseActivation, ForwardFn>;
  const bwd = {} as Record<DenseActivation, BackwardFn>;
  for (const act of DENSE_ACTIVATIONS) {
    fwd[act] = instance.exports[`fwd_${act}`] as ForwardFn;
    bwd[act] = instance.exports[`bwd_${act}`] as BackwardFn;
  }
  const inMemory = (a: FloatArray | null): boolean => a === null || (a instanceof Float32Array && a.buffer === memory.buffer);
  const at = (a: FloatArray | null, off: number): number => (a === null ? 0 : a.byteOffset + 4 * off);

  const denseForward: DenseForward = (act, rows, cols, y, yOff, bias, biasOff, saved, savedOff, alpha) => {
    const n = rows * cols;
    checkRange('denseForward', y, yOff, n);
    checkRange('denseForward', bias, biasOff, cols);
    checkRange('denseForward', saved, savedOff, n);
    // (address 0 means "no bias" to the module: a caller's view starting there takes the reference)
    if (!(inMemory(y) && inMemory(bias) && inMemory(saved)) || (savesInput(act) && saved === null) || (bias !== null && at(bias, biasOff) === 0)) {
      denseForwardReference(act, rows, cols, y, yOff, bias, biasOff, saved, savedOff, alpha);
      return;
    }
    const yAt = at(y, yOff);
    fwd[act](yAt, 4 * cols, rows, cols, at(bias, biasOff), (at(saved, savedOff) - yAt) | 0, alpha);
  };

  const denseBackward: DenseBackward = (act, rows, cols, dz, dzOff, from, fromOff, gb, gbOff, assignBias, alpha) => {
    const n = rows * cols;
    checkRange('denseBackward', dz, dzOff, n);
    checkRange('denseBackward', from, fromOff, n);
    checkRange('denseBackward', gb, gbOff, cols);
    if (!(inMemory(dz) && inMemory(from) && inMemory(gb)) || (act !== 'linear' && from === null)) {
      denseBackwardReference(act, rows, cols, dz, dzOff, from, fromOff, gb, gbOff, assignBias, alpha);
      return;
    }
    const flags = (gb === null ? 0 : HAS_BIAS) | (assignBias ? ASSIGN_BIAS : 0);
    bwd[act](at(dz, dzOff), act === 'linear' ? 0 : at(from, fromOff), at(gb, gbOff), rows, cols, flags, alpha);
  };

  return { denseForward, denseBackward };
}
