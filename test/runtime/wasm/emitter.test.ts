import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModuleBuilder } from '../../../src/runtime/wasm/module.js';
import { signedLeb128, unsignedLeb128 } from '../../../src/runtime/wasm/leb128.js';

/** Decodes LEB128 the slow, obvious way (BigInt, no shortcuts) to check the encoder against. */
function decode(bytes: number[], signed: boolean): number {
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < bytes.length; i++) {
    result |= BigInt(bytes[i] & 0x7f) << shift;
    shift += 7n;
    const last = (bytes[i] & 0x80) === 0;
    expect(last).toBe(i === bytes.length - 1);
    if (last && signed && (bytes[i] & 0x40) !== 0) result -= 1n << shift;
  }
  return Number(result);
}

describe('LEB128', () => {
  it.each([
    [0, [0x00]], [1, [0x01]], [127, [0x7f]], [128, [0x80, 0x01]], [624485, [0xe5, 0x8e, 0x26]],
    [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('encodes %d unsigned as the specification example bytes', (v, bytes) => {
    expect(unsignedLeb128(v)).toEqual(bytes);
  });

  it.each([
    [0, [0x00]], [-1, [0x7f]], [63, [0x3f]], [64, [0xc0, 0x00]], [-64, [0x40]], [-65, [0xbf, 0x7f]],
    [-123456, [0xc0, 0xbb, 0x78]], [0x7fffffff, [0xff, 0xff, 0xff, 0xff, 0x07]], [-0x80000000, [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('encodes %d signed as the specification example bytes', (v, bytes) => {
    expect(signedLeb128(v)).toEqual(bytes);
  });

  it('round-trips every u32 and every i32 in the fewest bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
      const b = unsignedLeb128(v);
      expect(decode(b, false)).toBe(v);
      expect(b.length).toBe(Math.max(1, Math.ceil(Math.log2(v + 1) / 7)));
    }));
    fc.assert(fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (v) => {
      const b = signedLeb128(v);
      expect(decode(b, true)).toBe(v);
      // Fewest bytes: one more than needed for the magnitude plus the sign bit.
      const bits = v >= 0 ? Math.ceil(Math.log2(v + 1)) + 1 : Math.ceil(Math.log2(-v)) + 1;
      expect(b.length).toBe(Math.max(1, Math.ceil(bits / 7)));
    }));
  });

  it('refuses values outside the 32-bit ranges', () => {
    expect(() => unsignedLeb128(-1)).toThrow();
    expect(() => unsignedLeb128(2 ** 32)).toThrow();
    expect(() => signedLeb128(2 ** 31)).toThrow();
    expect(() => signedLeb128(0.5)).toThrow();
  });
});

describe('module encoder', () => {
  it('builds a module with an add function that validates and runs', () => {
    const mb = new ModuleBuilder();
    const { code } = mb.func(['i32', 'i32'], ['i32'], 'add');
    code.get(0).get(1).i32Add();
    const bytes = mb.encode();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const add = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.add as (a: number, b: number) => number;
    expect(add(2, 40)).toBe(42);
    expect(add(-5, 3)).toBe(-2);
  });

  it('runs loops, locals, calls and f32 memory access over an imported memory', () => {
    // sum(ptr, n): the float sum of n f32 values at ptr, through a helper that adds one element.
    const mb = new ModuleBuilder({ minPages: 1 });
    const helper = mb.func(['f32', 'i32'], ['f32']);
    helper.code.get(0).get(1).f32Load().f32Add();
    const { code: f } = mb.func(['i32', 'i32'], ['f32'], 'sum');
    const acc = f.local('f32');
    f.block().loop()
      .get(1).i32Eqz().brIf(1)
      .get(acc).get(0).call(helper.index).set(acc)
      .get(0).i32Const(4).i32Add().set(0)
      .get(1).i32Const(1).i32Sub().set(1)
      .br(0)
      .end().end()
      .get(acc);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(mb.encode()), { env: { memory } });
    new Float32Array(memory.buffer, 64, 5).set([1, 2, 3, 4, 5.5]);
    expect((inst.exports.sum as (p: number, n: number) => number)(64, 5)).toBe(15.5);
    expect((inst.exports.sum as (p: number, n: number) => number)(68, 2)).toBe(5);
  });

  it('runs SIMD loads, splats, multiplies, adds and stores', () => {
    // axpy4(x, y, alpha): y[0..4] = alpha·x[0..4] + y[0..4] in one f32x4 step.
    const mb = new ModuleBuilder({ minPages: 1 });
    const { code } = mb.func(['i32', 'i32', 'f32'], [], 'axpy4');
    code.get(1).get(2).f32x4Splat().get(0).v128Load().f32x4Mul().get(1).v128Load().f32x4Add().v128Store();
    const memory = new WebAssembly.Memory({ initial: 1 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(mb.encode()), { env: { memory } });
    const v = new Float32Array(memory.buffer, 0, 8);
    v.set([1, 2, 3, 4, 10, 20, 30, 40]);
    (inst.exports.axpy4 as (x: number, y: number, a: number) => void)(0, 16, 0.5);
    expect(Array.from(v)).toEqual([1, 2, 3, 4, 10.5, 21, 31.5, 42]);
  });

  it('encodes a branch with a result type, selects and negative constants', () => {
    const mb = new ModuleBuilder();
    const { code } = mb.func(['i32'], ['i32'], 'f');
    // f(x) = x < 0 ? -1000 : min(x, 7) (min via select).
    code.get(0).i32Const(0).i32LtS().if('i32').i32Const(-1000).else()
      .get(0).i32Const(7).get(0).i32Const(7).i32LtS().select().end();
    const f = new WebAssembly.Instance(new WebAssembly.Module(mb.encode())).exports.f as (x: number) => number;
    expect([f(-3), f(3), f(70)]).toEqual([-1000, 3, 7]);
  });
});
