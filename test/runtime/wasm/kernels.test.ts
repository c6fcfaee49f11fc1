import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKernels } from '../../../src/runtime/kernels/index.js';
import type { Gemm, Kernels } from '../../../src/runtime/kernels/index.js';
import { createWasmKernels, DEFAULT_SHAPE, gemmModuleBytes, wasmSimdSupported } from '../../../src/runtime/wasm/index.js';
import type { GemmShape, WasmKernels } from '../../../src/runtime/wasm/index.js';
import { RUNS, values } from '../arbitraries.js';

type Kind = 'gemmNN' | 'gemmTN' | 'gemmNT';
const KINDS: Kind[] = ['gemmNN', 'gemmTN', 'gemmNT'];
const ts64 = createKernels('float64');

function make(shape?: Partial<GemmShape>): WasmKernels {
  const k = createWasmKernels({ arenaFloats: 1 << 16, ...(shape ? { shape } : {}) });
  if (!k) throw new Error('Node 20 has WebAssembly SIMD');
  return k;
}

interface Case {
  m: number; n: number; k: number; aOff: number; bOff: number; cOff: number; accumulate: boolean;
  a: Float64Array; b: Float64Array; c0: Float64Array;
}

/**
 * Runs `kind` of the wasm table on float32 copies of the case's operands, placed by `place`
 * (a view of wasm memory for zero copy, a plain array to copy), and checks it against the
 * TypeScript kernel in float64: |C - ref| ≤ 1e-5 · (Σ|a·b| + |C₀|) elementwise (relative to the
 * magnitude of the terms, the error float32 accumulation actually has), and C untouched outside
 * its range.
 */
function check(w: Kernels, kind: Kind, s: Case, place: (x: Float64Array, which: 'a' | 'b' | 'c') => Float32Array): void {
  const a32 = place(s.a, 'a'), b32 = place(s.b, 'b'), c32 = place(s.c0, 'c');
  w[kind](s.m, s.n, s.k, a32, s.aOff, b32, s.bOff, c32, s.cOff, s.accumulate, new Float32Array(0), 0);
  // Reference on exactly the float32 values, in float64.
  const a = Float64Array.from(s.a.map(Math.fround));
  const b = Float64Array.from(s.b.map(Math.fround));
  const c0 = Float64Array.from(s.c0.map(Math.fround));
  const ref = c0.slice();
  const scale = new Float64Array(c0.length);
  const pack = new Float64Array(ts64.packSize(s.m, s.n, s.k));
  const gemm = ts64[kind] as Gemm;
  gemm(s.m, s.n, s.k, a, s.aOff, b, s.bOff, ref, s.cOff, s.accumulate, pack, 0);
  gemm(s.m, s.n, s.k, a.map(Math.abs), s.aOff, b.map(Math.abs), s.bOff, scale, s.cOff, false, pack, 0);
  const mn = s.m * s.n;
  for (let i = 0; i < c32.length; i++) {
    if (i < s.cOff || i >= s.cOff + mn) {
      expect(c32[i]).toBe(c0[i]);
      continue;
    }
    const bound = 1e-5 * (scale[i] + (s.accumulate ? Math.abs(c0[i]) : 0)) + 1e-30;
    if (!(Math.abs(c32[i] - ref[i]) <= bound)) {
      throw new Error(`${kind} ${s.m}×${s.n}×${s.k} at ${i - s.cOff}: ${c32[i]} vs ${ref[i]} (bound ${bound})`);
    }
  }
}

function cases(maxM: number, maxN: number, maxK: number): fc.Arbitrary<Case> {
  return fc
    .record({
      m: fc.integer({ min: 1, max: maxM }), n: fc.integer({ min: 1, max: maxN }), k: fc.integer({ min: 0, max: maxK }),
      aOff: fc.nat(5), bOff: fc.nat(5), cOff: fc.nat(5), accumulate: fc.boolean(),
    })
    .chain((s) =>
      fc.tuple(values(s.aOff + s.m * s.k + 2), values(s.bOff + s.k * s.n + 2), values(s.cOff + s.m * s.n + 3))
        .map(([a, b, c0]) => ({ ...s, a, b, c0 })));
}

/** Places operands as views of the table's memory (zero copy). */
function inMemory(w: WasmKernels): (x: Float64Array) => Float32Array {
  return (x) => {
    const v = w.alloc(x.length);
    v.set(x);
    return v;
  };
}

const plain = (x: Float64Array): Float32Array => Float32Array.from(x);

describe('WebAssembly SIMD matrix products', () => {
  it('are available in Node 20, so createWasmKernels returns a table', () => {
    expect(wasmSimdSupported()).toBe(true);
    expect(createWasmKernels()).not.toBeNull();
  });

  it('compile from a module small enough for a synchronous compile on a browser main thread (4 KiB)', () => {
    expect(gemmModuleBytes(DEFAULT_SHAPE, { minPages: 1 }).length).toBeLessThan(4096);
  });

  describe.each(KINDS)('%s', (kind) => {
    it('matches the TypeScript reference on random shapes, offsets and accumulation, operands in wasm memory (zero copy)', () => {
      fc.assert(fc.property(cases(70, 70, 300), (s) => {
        const w = make();
        check(w, kind, s, inMemory(w));
      }), { numRuns: RUNS });
    });

    it('matches the TypeScript reference with operands in ordinary arrays (copying path)', () => {
      const w = make();
      fc.assert(fc.property(cases(70, 70, 300), (s) => check(w, kind, s, plain)), { numRuns: RUNS });
    });

    it('matches the TypeScript reference when only some operands live in wasm memory', () => {
      const w = make();
      const mem = inMemory(w);
      fc.assert(fc.property(cases(20, 20, 40), fc.constantFrom('a', 'b', 'c'), (s, inside) => {
        check(w, kind, s, (x, which) => (which === inside ? mem(x) : plain(x)));
      }), { numRuns: RUNS });
    });

    it('matches the TypeScript reference across every block edge with tiny blocks and other tiles', () => {
      const shapes: Partial<GemmShape>[] = [
        { kc: 8, mc: 8, nc: 16 }, { mr: 2, nr: 16, kc: 12, mc: 6, nc: 32 }, { mr: 5, nr: 4, mc: 10, nc: 8, kc: 5 },
        { unroll: 3, kc: 16, mc: 8, nc: 16 }, { fma: true, kc: 8, mc: 8, nc: 16 },
      ];
      for (const shape of shapes) {
        const w = make(shape);
        fc.assert(fc.property(cases(40, 60, 40), (s) => check(w, kind, s, inMemory(w))), { numRuns: 10 });
      }
    });

    it.each([
      [1, 1, 1], [4, 8, 256], [5, 9, 257], [64, 1024, 3], [65, 1031, 2], [130, 17, 520], [3, 2050, 1],
    ])('matches the TypeScript reference at %i×%i×%i (tile, KC, MC and NC edges)', (m, n, k) => {
      const w = createWasmKernels({ arenaFloats: 2 * (m * k + k * n + m * n) + 64 });
      if (!w) throw new Error('no SIMD');
      const gen = (len: number, seed: number): Float64Array => Float64Array.from({ length: len }, (_, i) => Math.sin(i * 0.7 + seed));
      const s: Case = { m, n, k, aOff: 1, bOff: 2, cOff: 3, accumulate: true, a: gen(m * k + 1, 1), b: gen(k * n + 2, 2), c0: gen(m * n + 4, 3) };
      check(w, kind, s, inMemory(w));
      check(w, kind, { ...s, accumulate: false }, plain);
    });
  });

  it('run float64 operands on the TypeScript kernels, bit for bit', () => {
    const w = make();
    fc.assert(fc.property(cases(20, 20, 30), fc.constantFrom(...KINDS), (s, kind) => {
      const c = s.c0.slice(), want = s.c0.slice();
      const pack = new Float64Array(w.packSize(s.m, s.n, s.k));
      w[kind](s.m, s.n, s.k, s.a, s.aOff, s.b, s.bOff, c, s.cOff, s.accumulate, pack, 0);
      ts64[kind](s.m, s.n, s.k, s.a, s.aOff, s.b, s.bOff, want, s.cOff, s.accumulate, pack, 0);
      expect(Array.from(c)).toEqual(Array.from(want));
    }), { numRuns: RUNS });
  });

  it('allocate nothing per call on the zero-copy path (no garbage per training step)', () => {
    const w = make();
    const a = w.alloc(64), b = w.alloc(64), c = w.alloc(64), none = new Float32Array(0);
    const calls = (n: number): void => {
      for (let i = 0; i < n; i++) for (const kind of KINDS) w[kind](8, 8, 8, a, 0, b, 0, c, 0, true, none, 0);
    };
    calls(20000);
    // Best of a few windows: tier-up can still allocate code metadata in the first one. A single
    // small array per call would be ≥ 32 bytes; a collection inside a window only lowers it.
    let best = Infinity;
    for (let r = 0; r < 4; r++) {
      const before = process.memoryUsage().heapUsed;
      calls(3000);
      best = Math.min(best, (process.memoryUsage().heapUsed - before) / 9000);
    }
    expect(best).toBeLessThan(4);
  });

  it('refuse operands shorter than the product needs instead of reading other arrays in the arena', () => {
    const w = make();
    const a = w.alloc(6), b = w.alloc(6), c = w.alloc(4);
    expect(() => w.gemmNN(2, 2, 3, a, 1, b, 0, c, 0, false, a, 0)).toThrow(/out of range/);
    expect(() => w.gemmNN(2, 2, 3, a, 0, b, 0, c, 1, false, a, 0)).toThrow(/out of range/);
  });

  it('hand out zero-filled, 16-byte-aligned, disjoint views of the kernel memory', () => {
    const w = make();
    const views = [3, 1, 17, 8, 0, 5].map((n) => w.alloc(n));
    for (const v of views) {
      expect(v.buffer).toBe(w.memory.buffer);
      expect(v.byteOffset % 16).toBe(0);
      expect(Array.from(v).every((x) => x === 0)).toBe(true);
      v.fill(1);
    }
    for (let i = 0; i + 1 < views.length; i++) expect(views[i].byteOffset + views[i].byteLength).toBeLessThanOrEqual(views[i + 1].byteOffset);
    expect(views.reduce((s, v) => s + v.reduce((x, y) => x + y, 0), 0)).toBe(34);
  });

  it('grow the memory when the arena is full, detaching earlier views, and keep computing in place', () => {
    const w = createWasmKernels({ arenaFloats: 16 });
    if (!w) throw new Error('no SIMD');
    const early = w.alloc(16);
    const big = w.alloc(70000);
    expect(early.length).toBe(0);
    expect(big.buffer).toBe(w.memory.buffer);
    const a = w.alloc(12), b = w.alloc(12), c = w.alloc(9);
    a.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    b.fill(1);
    w.gemmNN(3, 3, 4, a, 0, b, 0, c, 0, false, a, 0);
    expect(Array.from(c)).toEqual([10, 10, 10, 26, 26, 26, 42, 42, 42]);
  });
});
