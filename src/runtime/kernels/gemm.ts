/**
 * Cache- and register-blocked matrix products in plain TypeScript, in the style of BLAS:
 * blocks of B (KC×NC) and A (MC×KC) are packed into 3-column and 4-row, zero-padded panels,
 * and one 4×3 micro-kernel keeps its 12 accumulators in locals for every tile, edges included
 * (an edge tile computes the padded tile and stores only its valid part). The three
 * transpositions differ only in how they pack. Products too small to repay packing (the overhead-bound tiny layers) take a
 * direct loop instead, and those whose packing costs more than it saves (a depth of a few steps,
 * or a thin `A·Bᵀ` of contiguous rows) the unpacked tiles of `unpacked.ts`.
 */
import type { FloatArray } from '../tensor.js';
import type { Gemm, Kernels } from './types.js';
import { unpackedProduct } from './unpacked.js';

/**
 * The micro-kernel's tile: 4×3. Twelve sums and seven operands nearly fit the fifteen double
 * registers V8 allocates on x64, where 4×4 spilled a third of its sums every step (same-process
 * A/B, best of 15 on a quiet core: 32×2016×144 4.85 -> 5.29 GFLOP/s, 32×144×2016 A·Bᵀ 4.85 ->
 * 5.39, 144×2016×32 Aᵀ·B 4.88 -> 5.35, 256³ 4.90 -> 5.39; about even while another process
 * shares the core). The hot loops write the sizes as literals: V8 reloads a module-level
 * constant, with a small-integer check, on every iteration that uses it.
 */
const MR = 4;
const NR = 3;
const KC = 256;
const MC = 64;
/** A multiple of both tile sizes, so a column block's panels fill it exactly. */
const NC = 1020;
/** At or below this many multiply-adds the direct loop beats packing (measured on 16×16×4..64×64×8). */
const DIRECT_MAX = 16384;
/**
 * At or below this depth the unpacked tiles win: each packed tile would run only a few steps
 * per call (measured against the packed 4×3 path: 16×1568×9, a 3×3 convolution of one
 * channel, 11-18% faster; 64×1152×10 about even).
 */
const TINY_DEPTH = 16;
/**
 * An `A·Bᵀ` with at most this many rows or columns reads its rows directly: packing them costs
 * more than their reuse saves (against the packed 4×3 path: 16×9×1568, a first convolution's
 * weight gradient, 24% faster; 64×10×1152 16-22%; 8×256×784 16-22%). At 24 rows the packed
 * path is already ahead (24×144×2016 2-4%).
 */
const THIN_NT = 16;

/**
 * `x` rounded up to a multiple of `to`, in small-integer arithmetic: until V8 has (re)optimized
 * `gemm`, a double such as `x / to` is a heap number, 16 bytes allocated per call.
 */
function roundUp(x: number, to: number): number {
  return x + ((to - (x % to)) % to);
}

/** Elements of packing space for an `m×n×k` product. */
export function gemmPackSize(m: number, n: number, k: number): number {
  const kc = Math.min(k, KC);
  return Math.min(roundUp(m, MR), MC) * kc + kc * Math.min(roundUp(n, NR), NC);
}

/** A fresh set of gemm closures (they still share V8's type feedback; see `createKernels`). */
export function createGemmKernels(): Kernels {
  /** The accumulators of an edge tile on their way to C (per table, so no per-call allocation). */
  const tile = new Float64Array(MR * NR);

  /**
   * Packs rows ic..ic+mc, depth pc..pc+kc of A (element (i,p) at `a[off + i·rs + p·cs]`) as
   * MR-row panels, each depth-major (MR values per depth step), rows past mc as zeros.
   */
  function packA(
    a: FloatArray, off: number, rs: number, cs: number,
    ic: number, mc: number, pc: number, kc: number, pack: FloatArray, o: number,
  ): void {
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = mc - ir;
      let base = off + (ic + ir) * rs + pc * cs;
      if (rows >= MR) {
        const r1 = rs, r2 = 2 * rs, r3 = 3 * rs;
        for (let p = 0; p < kc; p++) {
          pack[o] = a[base]; pack[o + 1] = a[base + r1]; pack[o + 2] = a[base + r2]; pack[o + 3] = a[base + r3];
          o += 4;
          base += cs;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < 4; r++) pack[o + r] = r < rows ? a[base + r * rs] : 0;
          o += 4;
          base += cs;
        }
      }
    }
  }

  /** Packs depth pc..pc+kc, columns jc..jc+nc of B (element (p,j) at `b[off + p·rs + j·cs]`) as NR-column panels. */
  function packB(
    b: FloatArray, off: number, rs: number, cs: number,
    pc: number, kc: number, jc: number, nc: number, pack: FloatArray, o: number,
  ): void {
    for (let jr = 0; jr < nc; jr += NR) {
      const cols = nc - jr;
      let base = off + pc * rs + (jc + jr) * cs;
      if (cols >= NR) {
        const c1 = cs, c2 = 2 * cs;
        for (let p = 0; p < kc; p++) {
          pack[o] = b[base]; pack[o + 1] = b[base + c1]; pack[o + 2] = b[base + c2];
          o += 3;
          base += rs;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let q = 0; q < 3; q++) pack[o + q] = q < cols ? b[base + q * cs] : 0;
          o += 3;
          base += rs;
        }
      }
    }
  }

  /** C tile (rows×cols of the padded 4×3 tile at co, leading dimension ldc) (+)= packed A panel · packed B panel. */
  function micro(
    kc: number, pk: FloatArray, ao: number, bo: number,
    c: FloatArray, co: number, ldc: number, rows: number, cols: number, add: boolean,
  ): void {
    let c00 = 0, c01 = 0, c02 = 0;
    let c10 = 0, c11 = 0, c12 = 0;
    let c20 = 0, c21 = 0, c22 = 0;
    let c30 = 0, c31 = 0, c32 = 0;
    // `| 0` marks the index sums as 32-bit wrap-around (exact: indices stay far below 2^31), so
    // V8 drops the overflow check it puts on every small-integer add (8-10% of this loop).
    const end = (ao + 4 * kc) | 0;
    for (; ao < end; ao = (ao + 4) | 0, bo = (bo + 3) | 0) {
      const a0 = pk[ao], a1 = pk[(ao + 1) | 0], a2 = pk[(ao + 2) | 0], a3 = pk[(ao + 3) | 0];
      const b0 = pk[bo], b1 = pk[(bo + 1) | 0], b2 = pk[(bo + 2) | 0];
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2;
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2;
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2;
    }
    if (rows === 4 && cols === 3) {
      let i = co;
      if (add) {
        c[i] += c00; c[i + 1] += c01; c[i + 2] += c02; i += ldc;
        c[i] += c10; c[i + 1] += c11; c[i + 2] += c12; i += ldc;
        c[i] += c20; c[i + 1] += c21; c[i + 2] += c22; i += ldc;
        c[i] += c30; c[i + 1] += c31; c[i + 2] += c32;
      } else {
        c[i] = c00; c[i + 1] = c01; c[i + 2] = c02; i += ldc;
        c[i] = c10; c[i + 1] = c11; c[i + 2] = c12; i += ldc;
        c[i] = c20; c[i + 1] = c21; c[i + 2] = c22; i += ldc;
        c[i] = c30; c[i + 1] = c31; c[i + 2] = c32;
      }
      return;
    }
    // Edge tile: through a small buffer, since passing the doubles to a helper would box them.
    const t = tile;
    t[0] = c00; t[1] = c01; t[2] = c02;
    t[3] = c10; t[4] = c11; t[5] = c12;
    t[6] = c20; t[7] = c21; t[8] = c22;
    t[9] = c30; t[10] = c31; t[11] = c32;
    for (let r = 0; r < rows; r++) {
      const i = co + r * ldc;
      for (let q = 0; q < cols; q++) c[i + q] = add ? c[i + q] + t[r * 3 + q] : t[r * 3 + q];
    }
  }

  /**
   * Unpacked product for tiny shapes. When B is stored transposed (`csB !== 1`, so its rows are
   * C's columns) each C element is a dot product of two contiguous runs; otherwise row i of C
   * takes a(i,p)·(row p of B) for each p, the first p assigning when not accumulating (no
   * separate clearing pass).
   */
  function direct(
    m: number, n: number, k: number,
    a: FloatArray, aOff: number, rsA: number, csA: number,
    b: FloatArray, bOff: number, rsB: number, csB: number,
    c: FloatArray, cOff: number, accumulate: boolean,
  ): void {
    if (csB !== 1 && rsB === 1) {
      for (let i = 0; i < m; i++) {
        const ci = cOff + i * n;
        const ai = aOff + i * rsA;
        for (let j = 0; j < n; j++) {
          const bj = bOff + j * csB;
          let s = 0;
          if (csA === 1) for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
          else for (let p = 0; p < k; p++) s += a[ai + p * csA] * b[bj + p];
          c[ci + j] = accumulate ? c[ci + j] + s : s;
        }
      }
      return;
    }
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      const ai = aOff + i * rsA;
      if (k === 0) {
        if (!accumulate) c.fill(0, ci, ci + n);
        continue;
      }
      let p = 0;
      if (!accumulate) {
        const av = a[ai];
        for (let j = 0; j < n; j++) c[ci + j] = av * b[bOff + j * csB];
        p = 1;
      }
      for (; p < k; p++) {
        const av = a[ai + p * csA];
        const bp = bOff + p * rsB;
        if (csB === 1) for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
        else for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j * csB];
      }
    }
  }

  function gemm(
    m: number, n: number, k: number,
    a: FloatArray, aOff: number, rsA: number, csA: number,
    b: FloatArray, bOff: number, rsB: number, csB: number,
    c: FloatArray, cOff: number, accumulate: boolean, pack: FloatArray, aBase: number,
  ): void {
    if (m * n * k <= DIRECT_MAX) {
      direct(m, n, k, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, accumulate);
      return;
    }
    if (k <= TINY_DEPTH || (csA === 1 && rsB === 1 && Math.min(m, n) <= THIN_NT)) {
      unpackedProduct(m, n, k, a, aOff, rsA, csA, b, bOff, rsB, csB, c, cOff, n, accumulate);
      return;
    }
    const bBase = aBase + Math.min(roundUp(m, MR), MC) * Math.min(k, KC);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        const add = accumulate || pc > 0;
        packB(b, bOff, rsB, csB, pc, kc, jc, nc, pack, bBase);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          packA(a, aOff, rsA, csA, ic, mc, pc, kc, pack, aBase);
          for (let jr = 0; jr < nc; jr += NR) {
            const cols = Math.min(NR, nc - jr);
            const bo = bBase + jr * kc;
            for (let ir = 0; ir < mc; ir += MR) {
              const rows = Math.min(MR, mc - ir);
              micro(kc, pack, aBase + ir * kc, bo, c, cOff + (ic + ir) * n + jc + jr, n, rows, cols, add);
            }
          }
        }
      }
    }
  }

  const gemmNN: Gemm = (m, n, k, a, ao, b, bo, c, co, acc, pack, po) =>
    gemm(m, n, k, a, ao, k, 1, b, bo, n, 1, c, co, acc, pack, po);
  const gemmTN: Gemm = (m, n, k, a, ao, b, bo, c, co, acc, pack, po) =>
    gemm(m, n, k, a, ao, 1, m, b, bo, n, 1, c, co, acc, pack, po);
  const gemmNT: Gemm = (m, n, k, a, ao, b, bo, c, co, acc, pack, po) =>
    gemm(m, n, k, a, ao, k, 1, b, bo, 1, k, c, co, acc, pack, po);
  return { gemmNN, gemmTN, gemmNT, packSize: gemmPackSize };
}
