import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { settledBytesPerStep } from '../../../bench/measure.js';
import { nodeSpawn } from '../../../src/cli/threads.js';
import { DENSE_ACTIVATIONS, type DenseActivation } from '../../../src/runtime/kernels/types.js';
import { denseForwardReference } from '../../../src/runtime/wasm/elementwise.js';
import { createWasmKernels, DEFAULT_SHAPE, gemmModuleBytes, wasmSimdSupported, type WasmKernels } from '../../../src/runtime/wasm/index.js';

// Every table a test makes, ended after it so no worker outlives its test.
const live: WasmKernels[] = [];
afterEach(() => {
  for (const k of live.splice(0)) k.dispose();
});

async function table(threads: number, arenaFloats: number, spin?: number): Promise<WasmKernels> {
  // threshold 0: with workers, every product is split
  const k = createWasmKernels({ arenaFloats, threads, spawn: nodeSpawn, parallelMacs: 0, shape: { fma: false }, ...(spin === undefined ? {} : { spin }) });
  if (!k) throw new Error('Node 20 has WebAssembly SIMD');
  live.push(k);
  const t0 = Date.now();
  while (k.readyThreads() < threads) {
    if (Date.now() - t0 > 20000) throw new Error(`timed out waiting for ${threads} threads`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return k;
}

interface Case {
  act: DenseActivation;
  m: number;
  n: number;
  k: number;
  bias: boolean;
  off: number;
  alpha: number;
  seed: number;
}

// depths past the 256 of a packed block (several depth blocks: the epilogue runs on the last
// one only), sizes off the 4×8 tile (edge tiles), offsets off the vector alignment
const cases: fc.Arbitrary<Case> = fc.record({
  act: fc.constantFrom(...DENSE_ACTIVATIONS),
  m: fc.integer({ min: 1, max: 37 }),
  n: fc.integer({ min: 1, max: 43 }),
  k: fc.integer({ min: 1, max: 600 }),
  bias: fc.boolean(),
  off: fc.nat(3),
  alpha: fc.constantFrom(0.01, 0.2, 1.5),
  seed: fc.integer(),
});

/** Guard floats around every operand: they must come back unchanged. */
const GUARD = 5;

interface Operands {
  x: Float32Array;
  w: Float32Array;
  y: Float32Array;
  b: Float32Array;
  s: Float32Array;
}

function operands(alloc: (n: number) => Float32Array, c: Case): Operands {
  const make = (len: number, salt: number): Float32Array => {
    const a = alloc(len + c.off + GUARD);
    for (let i = 0; i < a.length; i++) a[i] = 3 * Math.sin(c.seed * 0.001 + 1.3 * i + salt);
    return a;
  };
  return { x: make(c.m * c.k, 1), w: make(c.n * c.k, 2), y: make(c.m * c.n, 3), b: make(c.n, 4), s: make(c.m * c.n, 5) };
}

/** The fused product on `t`, or (`fused` false) the table's product followed by its epilogue pass. */
function compute(t: WasmKernels, c: Case, fused: boolean): Operands {
  const o = operands((n) => t.alloc(n), c);
  const bias = c.bias ? o.b : null;
  const saved = c.act === 'leaky_relu' ? o.s : null;
  if (fused) {
    t.denseProduct!(c.act, c.m, c.n, c.k, o.x, c.off, o.w, c.off, o.y, c.off, bias, c.off, saved, c.off, c.alpha, o.x, 0);
  } else {
    t.gemmNT(c.m, c.n, c.k, o.x, c.off, o.w, c.off, o.y, c.off, false, o.x, 0);
    t.denseForward!(c.act, c.m, c.n, o.y, c.off, bias, c.off, saved, c.off, c.alpha);
  }
  return o;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe.skipIf(!wasmSimdSupported())('the fused dense product (epilogue in the write-out of the product tiles)', () => {
  it('gives the bits of the product followed by the epilogue pass, on 1, 2 and 3 threads, leaving the memory around the operands alone', async () => {
    const floats = 60 * (37 * 600 + 43 * 600 + 3 * 37 * 43 + 43 + 6 * 10);
    const tables = [await table(1, floats), await table(2, floats), await table(3, floats)];
    fc.assert(fc.property(cases, (c) => {
      const want = compute(tables[0]!, c, false);
      for (const t of tables) {
        const got = compute(t, c, true);
        expect(sameBits(got.y, want.y)).toBe(true);
        // the pre-activation is written for leaky_relu only, and nothing else is
        expect(sameBits(got.s, want.s)).toBe(true);
        expect(sameBits(got.x, want.x) && sameBits(got.w, want.w) && sameBits(got.b, want.b)).toBe(true);
      }
    }), { numRuns: 40 });
  });

  it('gives the bits of the table\'s product and the reference epilogue for arrays outside the kernel memory, float32 and float64', async () => {
    const t = await table(1, 1 << 12);
    fc.assert(fc.property(cases, fc.boolean(), (c, wide) => {
      const alloc = (n: number): Float32Array => new Float32Array(n);
      const o = operands(alloc, c);
      const r = operands(alloc, c);
      const as = (a: Float32Array): Float32Array | Float64Array => (wide ? Float64Array.from(a) : a);
      const [x, w, y, b, s] = [o.x, o.w, o.y, o.b, o.s].map(as) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const [rx, rw, ry, rb, rs] = [r.x, r.w, r.y, r.b, r.s].map(as) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const saved = c.act === 'leaky_relu';
      const pack = (): Float32Array => new (wide ? Float64Array : Float32Array)(t.packSize(c.m, c.n, c.k)) as Float32Array;
      t.denseProduct!(c.act, c.m, c.n, c.k, x, c.off, w, c.off, y, c.off, c.bias ? b : null, c.off, saved ? s : null, c.off, c.alpha, pack(), 0);
      // float32 copied into the table's private memory for the product, float64 on the TypeScript kernels
      t.gemmNT(c.m, c.n, c.k, rx, c.off, rw, c.off, ry, c.off, false, pack(), 0);
      denseForwardReference(c.act, c.m, c.n, ry, c.off, c.bias ? rb : null, c.off, saved ? rs : null, c.off, c.alpha);
      expect(Array.from(y)).toEqual(Array.from(ry));
      expect(Array.from(s)).toEqual(Array.from(rs));
    }), { numRuns: 25 });
  });

  it('adds a bias that a caller placed at address 0 of the memory (which the modules read as none), fused or in the pass', async () => {
    const t = await table(1, 1 << 12);
    const x = t.alloc(6), w = t.alloc(6), y = t.alloc(4);
    x.set([1, 2, 3, 4, 5, 6]);
    w.set([1, 0, -1, 2, 1, 0]);
    const bias = new Float32Array(t.memory.buffer, 0, 2);
    const keep = Float32Array.from(bias);
    bias.set([10, -20]);
    const want = [1 - 3 + 10, 2 + 2 - 20, 4 - 6 + 10, 8 + 5 - 20];
    t.denseProduct!('linear', 2, 2, 3, x, 0, w, 0, y, 0, bias, 0, null, 0, 0, x, 0);
    expect(Array.from(y)).toEqual(want);
    // and the epilogue pass alone
    t.gemmNT(2, 2, 3, x, 0, w, 0, y, 0, false, x, 0);
    t.denseForward!('linear', 2, 2, y, 0, bias, 0, null, 0, 0);
    expect(Array.from(y)).toEqual(want);
    bias.set(keep);
  });

  it('refuses operands that do not hold the product, and an activation it has no epilogue for', async () => {
    const t = await table(1, 1 << 12);
    const x = t.alloc(12), w = t.alloc(12), y = t.alloc(9), b = t.alloc(3), s = t.alloc(9);
    expect(() => t.denseProduct!('relu', 3, 3, 4, x, 1, w, 0, y, 0, b, 0, null, 0, 0, x, 0)).toThrow(/out of range/);
    expect(() => t.denseProduct!('relu', 3, 3, 4, x, 0, w, 0, y, 0, b, 1, null, 0, 0, x, 0)).toThrow(/out of range/);
    expect(() => t.denseProduct!('leaky_relu', 3, 3, 4, x, 0, w, 0, y, 0, b, 0, s, 1, 0.1, x, 0)).toThrow(/out of range/);
    expect(() => t.denseProduct!('gelu' as DenseActivation, 3, 3, 4, x, 0, w, 0, y, 0, b, 0, null, 0, 0, x, 0)).toThrow(/no epilogue for 'gelu'/);
  });

  it('compiles each activation\'s product module under the 4 KiB some browsers allow for a synchronous compile on the main thread', () => {
    for (const act of DENSE_ACTIVATIONS) expect(gemmModuleBytes(DEFAULT_SHAPE, { minPages: 1 }, act).length).toBeLessThan(4096);
  });

  it('allocates nothing per call, split across threads or not', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    for (const threads of [1, 2]) {
      // Threads that spin instead of sleeping: an Atomics.wait that blocks allocates inside V8
      // (~115 bytes a wait), which happens only when a thread outwaits its spin, as on a loaded
      // machine (74 bytes a call was seen with the full suite running beside it).
      const t = await table(threads, 1 << 18, 1e8);
      const x = t.alloc(128 * 200), w = t.alloc(64 * 200), y = t.alloc(128 * 64), b = t.alloc(64), s = t.alloc(128 * 64);
      x.fill(0.5);
      w.fill(-0.25);
      const call = (): void => {
        for (const act of DENSE_ACTIVATIONS) t.denseProduct!(act, 128, 64, 200, x, 0, w, 0, y, 0, b, 0, s, 0, 0.1, x, 0);
      };
      for (let i = 0; i < 200; i++) call();
      expect(await settledBytesPerStep(call, 40, gc, 8)).toBeLessThan(8);
    }
  });
});
