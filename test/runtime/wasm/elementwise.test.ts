import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settledBytesPerStep } from '../../../bench/measure.js';
import { DENSE_ACTIVATIONS, type DenseActivation } from '../../../src/runtime/kernels/types.js';
import { ACTIVATION_SCALAR } from '../../../src/runtime/ops/activations.js';
import { denseBackwardReference, denseForwardReference, elementwiseModuleBytes } from '../../../src/runtime/wasm/elementwise.js';
import { createWasmKernels, wasmSimdSupported, type WasmKernels } from '../../../src/runtime/wasm/index.js';
import { RUNS } from '../arbitraries.js';

function make(): WasmKernels {
  const k = createWasmKernels({ arenaFloats: 1 << 21 });
  if (!k) throw new Error('Node 20 has WebAssembly SIMD');
  return k;
}

/** One float32 unit in the last place at |r| (subnormal spacing below the normal range). */
function ulp(r: number): number {
  const a = Math.abs(Math.fround(r));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * Tolerance of one element against the TypeScript reference: none where both compute the same
 * float32 operations (linear, relu: bit for bit); one rounding for leaky_relu (alpha·v rounds
 * alpha to float32 first); for tanh and sigmoid, their bounds measured over every float32
 * (6.9 and 2.5 ulp).
 */
const ULPS: Record<DenseActivation, number> = { linear: 0, relu: 0, leaky_relu: 1, tanh: 7, sigmoid: 3 };

/** Deterministic pseudo-random floats in [-range, range] from a seed (xorshift). */
function fill(a: Float32Array, seed: number, range: number): void {
  let s = (seed * 2654435761 + 1) >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    a[i] = ((s / 2 ** 32) * 2 - 1) * range;
  }
}

interface Shape {
  act: DenseActivation;
  rows: number;
  cols: number;
  bias: boolean;
  off: number;
  seed: number;
  range: number;
}

const shapes: fc.Arbitrary<Shape> = fc.record({
  act: fc.constantFrom(...DENSE_ACTIVATIONS),
  rows: fc.integer({ min: 1, max: 9 }),
  cols: fc.integer({ min: 1, max: 23 }),
  bias: fc.boolean(),
  off: fc.integer({ min: 0, max: 5 }),
  seed: fc.nat(),
  range: fc.constantFrom(0.5, 4, 30),
});

/** A view of `n` floats of kernel memory at element offset `off` into a fresh allocation, with guard values around it. */
function inMemory(k: WasmKernels, n: number, off: number): Float32Array {
  const a = k.alloc(n + off + 8);
  a.fill(12345);
  return a;
}

function expectClose(act: DenseActivation, got: Float32Array, want: Float32Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Object.is(g, w)) continue;
    const err = Math.abs(g - w) / ulp(w);
    if (!(err <= ULPS[act])) expect.fail(`${act} ${what}[${i}]: ${g} vs ${w} (${err} ulp)`);
  }
}

describe.skipIf(!wasmSimdSupported())('the WebAssembly dense epilogues', () => {
  const k = make();

  it('compile to a module under the 4 KiB some browsers allow for a synchronous compile on the main thread', () => {
    const bytes = elementwiseModuleBytes({ minPages: 1 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(bytes.length).toBeLessThan(4096);
  });

  it('add the bias, save the pre-activation and apply the activation as the TypeScript reference does, leaving the rest of memory alone', () => {
    fc.assert(
      fc.property(shapes, ({ act, rows, cols, bias, off, seed, range }) => {
        const n = rows * cols;
        const y = inMemory(k, n, off), b = inMemory(k, cols, off), s = inMemory(k, n, off);
        fill(y.subarray(off, off + n), seed, range);
        fill(b.subarray(off, off + cols), seed + 1, 1);
        const [y0, b0, s0] = [y.slice(), b.slice(), s.slice()];
        const saved = act === 'leaky_relu';
        const yRef = y.slice(), sRef = s.slice();
        denseForwardReference(act, rows, cols, yRef, off, bias ? b0 : null, off, saved ? sRef : null, off, 0.2);
        k.denseForward!(act, rows, cols, y, off, bias ? b : null, off, saved ? s : null, off, 0.2);
        expectClose(act, y, yRef, 'y');
        expect(Array.from(s)).toEqual(Array.from(sRef));
        expect(Array.from(b)).toEqual(Array.from(b0));
        // guards: nothing before or after the block changed
        expect(Array.from(y.subarray(0, off))).toEqual(Array.from(y0.subarray(0, off)));
        expect(Array.from(y.subarray(off + n))).toEqual(Array.from(y0.subarray(off + n)));
        if (!saved) expect(Array.from(s)).toEqual(Array.from(s0));
      }),
      { numRuns: 4 * RUNS },
    );
  });

  it('turn the output gradient into the pre-activation gradient and sum the bias gradient (assigning or adding) as the reference does', () => {
    fc.assert(
      fc.property(shapes, fc.boolean(), ({ act, rows, cols, bias, off, seed, range }, assign) => {
        const n = rows * cols;
        const pre = new Float32Array(n);
        fill(pre, seed, range);
        const from = inMemory(k, n, off), dz = inMemory(k, n, off), gb = inMemory(k, cols, off);
        // the derivative reads the output, or the pre-activation for leaky_relu
        if (act === 'leaky_relu') from.set(pre, off);
        else for (let i = 0; i < n; i++) from[off + i] = ACTIVATION_SCALAR[act](pre[i]!, 0.2);
        fill(dz.subarray(off, off + n), seed + 7, 2);
        fill(gb.subarray(off, off + cols), seed + 9, 1);
        const [dzRef, gbRef] = [dz.slice(), gb.slice()];
        denseBackwardReference(act, rows, cols, dzRef, off, from.slice(), off, bias ? gbRef : null, off, assign, 0.2);
        k.denseBackward!(act, rows, cols, dz, off, from, off, bias ? gb : null, off, assign, 0.2);
        expectClose(act, dz, dzRef, 'dz');
        if (ULPS[act] === 0) {
          expect(Array.from(gb)).toEqual(Array.from(gbRef));
        } else {
          // each dz is within a few ulp, so each column sum is within that much of Σ|dz| (plus its own rounding)
          for (let j = 0; j < cols; j++) {
            let mag = assign ? 0 : Math.abs(gbRef[off + j]!);
            for (let i = 0; i < rows; i++) mag += Math.abs(dzRef[off + i * cols + j]!);
            expect(Math.abs(gb[off + j]! - gbRef[off + j]!)).toBeLessThanOrEqual(mag * (ULPS[act] + rows) * 2 ** -23);
          }
        }
        if (!bias) expect(Array.from(gb)).toEqual(Array.from(gbRef));
      }),
      { numRuns: 4 * RUNS },
    );
  });

  it('take the TypeScript reference, bit for bit, for arrays outside the kernel memory and for float64', () => {
    for (const act of DENSE_ACTIVATIONS) {
      for (const ctor of [Float32Array, Float64Array]) {
        const y = new ctor(15), b = new ctor(5), s = new ctor(15);
        y.forEach((_, i) => (y[i] = Math.sin(i) * 3));
        b.forEach((_, i) => (b[i] = Math.cos(i)));
        const yRef = y.slice(), sRef = s.slice();
        denseForwardReference(act, 3, 5, yRef, 0, b, 0, sRef, 0, 0.1);
        k.denseForward!(act, 3, 5, y, 0, b, 0, s, 0, 0.1);
        expect(Array.from(y)).toEqual(Array.from(yRef));
        const dz = y.map((v) => v * 0.5), gb = new ctor(5);
        const dzRef = dz.slice(), gbRef = gb.slice();
        denseBackwardReference(act, 3, 5, dzRef, 0, act === 'leaky_relu' ? sRef : yRef, 0, gbRef, 0, true, 0.1);
        k.denseBackward!(act, 3, 5, dz, 0, act === 'leaky_relu' ? s : y, 0, gb, 0, true, 0.1);
        expect(Array.from(dz)).toEqual(Array.from(dzRef));
        expect(Array.from(gb)).toEqual(Array.from(gbRef));
      }
    }
  });

  it('refuse operands that do not hold the block', () => {
    const y = k.alloc(12);
    expect(() => k.denseForward!('relu', 3, 4, y, 1, null, 0, null, 0, 0)).toThrow(/out of range/);
    expect(() => k.denseForward!('relu', 3, 4, y, 0, k.alloc(3), 0, null, 0, 0)).toThrow(/out of range/);
    expect(() => k.denseBackward!('relu', 3, 4, y, 0, k.alloc(11), 0, null, 0, false, 0)).toThrow(/out of range/);
  });

  /** The activation of every input in `xs`, through the forward epilogue without bias. */
  function activate(act: DenseActivation, xs: Float32Array): Float32Array {
    const y = k.alloc(xs.length);
    y.set(xs);
    k.denseForward!(act, 1, xs.length, y, 0, null, 0, null, 0, 0);
    return y;
  }

  /** Every `stride`-th float32 bit pattern from +0 up to `limit`, with both signs. */
  function sweep(limit: number, stride: number): Float32Array {
    const top = new Uint32Array(new Float32Array([limit]).buffer)[0]!;
    const bits = new Uint32Array(2 * Math.ceil(top / stride));
    let i = 0;
    for (let b = 0; b < top; b += stride) {
      bits[i++] = b;
      bits[i++] = (b | 0x80000000) >>> 0;
    }
    return new Float32Array(bits.buffer, 0, i);
  }

  function maxUlps(act: 'tanh' | 'sigmoid', xs: Float32Array): number {
    const y = activate(act, xs);
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const want = ACTIVATION_SCALAR[act](xs[i]!, 0);
      worst = Math.max(worst, Math.abs(y[i]! - want) / ulp(want));
    }
    return worst;
  }

  it('computes tanh within 7 float32 ulp of Math.tanh over a dense sweep of [-10, 10] (6.9 measured over every float32 there)', () => {
    const worst = maxUlps('tanh', sweep(10, 1021));
    expect(worst).toBeLessThanOrEqual(7);
    expect(worst).toBeGreaterThan(0);
  });

  it('computes the sigmoid within 3 float32 ulp over a dense sweep of [-87, 87]', () => {
    expect(maxUlps('sigmoid', sweep(87, 1021))).toBeLessThanOrEqual(3);
  });

  it('gets the edges right: signed zeros, infinities, NaN, tiny and saturated inputs', () => {
    const xs = Float32Array.of(0, -0, Infinity, -Infinity, NaN, 1e-30, -3e-4, 9.5, -20, -100, 100);
    const t = activate('tanh', xs);
    expect(Array.from(t.subarray(0, 4))).toEqual([0, -0, 1, -1]);
    expect(t[4]).toBeNaN();
    expect(Array.from(t.subarray(5))).toEqual([Math.fround(1e-30), Math.fround(-3e-4), 1, -1, -1, 1]);
    const s = activate('sigmoid', xs);
    expect(Array.from(s.subarray(0, 4))).toEqual([0.5, 0.5, 1, 0]);
    expect(s[4]).toBeNaN();
    expect(s[5]).toBe(0.5);
    expect(s[9]).toBe(0);
    expect(s[10]).toBe(1);
    const r = activate('relu', xs);
    expect(Array.from(r)).toEqual([0, 0, Infinity, 0, 0, Math.fround(1e-30), 0, 9.5, 0, 0, 100]);
  });

  it('allocates nothing per call', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const [y, b, s, dz] = [k.alloc(6 * 70), k.alloc(70), k.alloc(6 * 70), k.alloc(6 * 70)];
    const call = (): void => {
      for (const act of DENSE_ACTIVATIONS) {
        k.denseForward!(act, 6, 70, y, 0, b, 0, s, 0, 0.1);
        k.denseBackward!(act, 6, 70, dz, 0, act === 'leaky_relu' ? s : y, 0, b, 0, false, 0.1);
      }
    };
    for (let i = 0; i < 200; i++) call();
    expect(await settledBytesPerStep(call, 40, gc, 8)).toBeLessThan(8);
  });
});
