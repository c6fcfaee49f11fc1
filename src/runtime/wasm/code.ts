/**
 * A function body under construction: one method per WebAssembly instruction we emit, each
 * appending its bytes and returning `this`, so a kernel reads like the text format
 * (`f.get(x).get(y).i32Add().set(z)`). Locals are declared through `local`, which returns the
 * index to pass to `get`/`set`/`tee`. Only the instructions the kernels need are here.
 */
import { signedLeb128, unsignedLeb128 } from './leb128.js';

/** A WebAssembly value type. */
export type ValType = 'i32' | 'f32' | 'v128' | 'f64';

/** The binary encoding of each value type. */
export const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, f32: 0x7d, v128: 0x7b, f64: 0x7c };

/** A function body with its signature and declared locals. */
export class Code {
  readonly bytes: number[] = [];
  /** Types of the locals declared after the parameters, in index order. */
  readonly locals: ValType[] = [];

  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[]) {}

  /** Declares a local (zero-initialized on entry, as WebAssembly specifies) and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  private simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...unsignedLeb128(opcode), ...imm);
  }

  private memarg(alignLog2: number, offset: number): number[] {
    return [...unsignedLeb128(alignLog2), ...unsignedLeb128(offset)];
  }

  // Control. A block type is `undefined` for no result or a value type.
  block(result?: ValType): this { return this.op(0x02, result ? VALTYPE[result] : 0x40); }
  loop(result?: ValType): this { return this.op(0x03, result ? VALTYPE[result] : 0x40); }
  if(result?: ValType): this { return this.op(0x04, result ? VALTYPE[result] : 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...unsignedLeb128(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...unsignedLeb128(depth)); }
  return(): this { return this.op(0x0f); }
  call(func: number): this { return this.op(0x10, ...unsignedLeb128(func)); }
  drop(): this { return this.op(0x1a); }
  select(): this { return this.op(0x1b); }

  // Locals.
  get(i: number): this { return this.op(0x20, ...unsignedLeb128(i)); }
  set(i: number): this { return this.op(0x21, ...unsignedLeb128(i)); }
  tee(i: number): this { return this.op(0x22, ...unsignedLeb128(i)); }

  // Memory (byte addresses; `offset` is the static offset added to the address operand).
  i32Load(offset = 0): this { return this.op(0x28, ...this.memarg(2, offset)); }
  f32Load(offset = 0): this { return this.op(0x2a, ...this.memarg(2, offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ...this.memarg(2, offset)); }
  memorySize(): this { return this.op(0x3f, 0x00); }

  // Constants.
  i32Const(v: number): this { return this.op(0x41, ...signedLeb128(v)); }
  f32Const(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(0x43, b[0], b[1], b[2], b[3]);
  }

  // i32 arithmetic and comparisons.
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtS(): this { return this.op(0x48); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32GtU(): this { return this.op(0x4b); }
  i32LeU(): this { return this.op(0x4d); }
  i32GeU(): this { return this.op(0x4f); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32DivU(): this { return this.op(0x6e); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrU(): this { return this.op(0x76); }

  // f32 arithmetic.
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }

  // SIMD (prefix 0xFD). Loads and stores take 16-byte alignment hints; unaligned is still valid.
  v128Load(offset = 0): this { return this.simd(0x00, ...this.memarg(4, offset)); }
  v128Load32Splat(offset = 0): this { return this.simd(0x09, ...this.memarg(2, offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, ...this.memarg(4, offset)); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** Relaxed SIMD `a·b + c` (fused where the hardware has FMA); needs the relaxed-SIMD proposal. */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  // Appended for the optimizer updates (IEEE, correctly rounded: same bits on every engine).
  f32Gt(): this { return this.op(0x5e); }
  f32Sqrt(): this { return this.op(0x91); }
  f32Div(): this { return this.op(0x95); }
  f64Add(): this { return this.op(0xa0); }
  f64Mul(): this { return this.op(0xa2); }
  f64PromoteF32(): this { return this.op(0xbb); }
  f32ReinterpretI32(): this { return this.op(0xbe); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Div(): this { return this.simd(0xe7); }
  /** Pseudo-maximum `a < b ? b : a` (keeps `a` when either is NaN, as a JavaScript `if (b > a) a = b`). */
  f32x4Pmax(): this { return this.simd(0xeb); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Mul(): this { return this.simd(0xf2); }
  /** The low two f32 lanes widened to f64. */
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f); }
  f64x2ExtractLane(lane: number): this { return this.simd(0x21, lane); }
  /** Loads 8 bytes into the low half of a vector, the high half zero. */
  v128Load64Zero(offset = 0): this { return this.simd(0x5d, ...this.memarg(3, offset)); }
  f64Store(offset = 0): this { return this.op(0x39, ...this.memarg(3, offset)); }

  // Appended for the dense epilogues (deterministic: no relaxed SIMD).
  v128And(): this { return this.simd(0x4e); }
  /** `a & ~b`. */
  v128Andnot(): this { return this.simd(0x4f); }
  /** `(a & m) | (b & ~m)` with the mask `m` on top of the stack: lanes of `a` where `m` is set. */
  v128Bitselect(): this { return this.simd(0x52); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  f32x4Lt(): this { return this.simd(0x43); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Nearest(): this { return this.simd(0x6a); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4Add(): this { return this.simd(0xae); }
  f32x4Abs(): this { return this.simd(0xe0); }
  /** Pseudo-minimum `b < a ? b : a` (keeps `a` when either is NaN). */
  f32x4Pmin(): this { return this.simd(0xea); }
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }
  i32x4Splat(): this { return this.simd(0x11); }
}
