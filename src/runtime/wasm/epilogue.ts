/**
 * The dense forward epilogue as one WebAssembly function per activation: over a `rows×cols`
 * block of a row-major matrix (row pitch `ldc` bytes), `v = y + bias` per row, the
 * pre-activation `v` written `sd` bytes from each element when the activation's derivative
 * needs it, then `y = act(v)`. The elementwise module exports it as the pass the plan runs after
 * a product (`denseForward`); the matrix-product modules call it on each register tile as the
 * micro-kernel writes the tile out (`denseProduct`). One emitter for both, so the fused product
 * gives the same bits as the product followed by the pass.
 *
 * Columns that do not fill a vector are computed one at a time by the same vector code on a
 * splat, so every element gets the same arithmetic wherever it sits.
 */
import { ACTIVATIONS } from '../ops/activations.js';
import type { DenseActivation } from '../kernels/types.js';
import type { Code, ValType } from './code.js';
import { vectorForward } from './vector-math.js';

/**
 * Parameters of the epilogue function: `(y, ldc, rows, cols, bias, sd, alpha)`, byte addresses
 * and strides; `bias` 0 for none (address 0 holds no operand: the tables keep their control
 * block there), `sd` the byte distance from an element to its pre-activation (unread by
 * activations whose derivative reads the output).
 */
export const EPILOGUE_PARAMS: readonly ValType[] = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f32'];

/** Whether the forward keeps the pre-activation (its derivative needs it). */
export function savesInput(act: DenseActivation): boolean {
  return !ACTIVATIONS[act].fromOutput;
}

/** `while (ptr < limit) { body }` on i32 locals (unsigned compare). */
export function whileBelow(f: Code, ptr: number, limit: number, body: () => void): void {
  f.block().loop().get(ptr).get(limit).i32GeU().brIf(1);
  body();
  f.br(0).end().end();
}

/** `x += by` on an i32 local. */
export function bump(f: Code, x: number, by: number): void {
  f.get(x).i32Const(by).i32Add().set(x);
}

/** One element or one vector: how to load into a v128 local and store from one. */
export interface Width {
  readonly bytes: number;
  readonly load: (f: Code) => void;
  readonly store: (f: Code) => void;
}

export const VECTOR: Width = { bytes: 16, load: (f) => void f.v128Load(), store: (f) => void f.v128Store() };
export const SCALAR: Width = {
  bytes: 4,
  load: (f) => void f.v128Load32Splat(),
  store: (f) => void f.f32x4ExtractLane(0).f32Store(),
};

/** Emits the body of `act`'s epilogue function into `f`, whose parameters are {@link EPILOGUE_PARAMS}. */
export function emitDenseEpilogue(f: Code, act: DenseActivation): void {
  const [y, ldc, rows, cols, bias, sd, alphaIn] = [0, 1, 2, 3, 4, 5, 6];
  const alpha = f.local('v128');
  f.get(alphaIn).f32x4Splat().set(alpha);
  const forward = vectorForward(f, act, alpha);
  const row = f.local('i32'), end = f.local('i32'), p = f.local('i32'), rowEnd = f.local('i32'), vecEnd = f.local('i32'), b = f.local('i32');
  const v = f.local('v128');
  const saves = savesInput(act);
  f.get(y).set(row);
  f.get(y).get(rows).get(ldc).i32Mul().i32Add().set(end);
  const body = (w: Width): void => {
    f.get(p);
    w.load(f);
    f.set(v);
    f.get(bias).if().get(v).get(b);
    w.load(f);
    f.f32x4Add().set(v).end();
    if (saves) {
      f.get(p).get(sd).i32Add().get(v);
      w.store(f);
    }
    f.get(p);
    forward(v);
    w.store(f);
    bump(f, p, w.bytes);
    bump(f, b, w.bytes);
  };
  whileBelow(f, row, end, () => {
    f.get(row).set(p);
    f.get(row).get(cols).i32Const(2).i32Shl().i32Add().set(rowEnd);
    f.get(row).get(cols).i32Const(-4).i32And().i32Const(2).i32Shl().i32Add().set(vecEnd);
    f.get(bias).set(b);
    whileBelow(f, p, vecEnd, () => body(VECTOR));
    whileBelow(f, p, rowEnd, () => body(SCALAR));
    f.get(row).get(ldc).i32Add().set(row);
  });
}
