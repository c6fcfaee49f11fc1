/**
 * A register-blocked product that reads both operands where they lie, for the shapes where
 * packing does not pay: a tiny depth (a first convolution's 3×3 window: each tile would run a
 * handful of steps after its packing and call), and thin products whose operands are rows of
 * contiguous depth (`A·Bᵀ` with few rows or columns, the weight gradient of such a
 * convolution). 4×3 tiles keep their twelve sums in locals (the packed kernel's shape, see
 * `gemm.ts`); the edges take 4×1, 1×3 and 1×1 tiles, so a width that is not a multiple of the
 * tile's computes nothing it throws away.
 */
import type { FloatArray } from '../tensor.js';

/**
 * `C[m×n] (+)= A·B` with `A(i,p) = a[ao + i·rsA + p·csA]`, `B(p,j) = b[bo + p·rsB + j·csB]` and
 * `C(i,j) = c[co + i·ldc + j]`; adds into C when `add`, else assigns.
 */
export function unpackedProduct(
  m: number, n: number, k: number,
  a: FloatArray, ao: number, rsA: number, csA: number,
  b: FloatArray, bo: number, rsB: number, csB: number,
  c: FloatArray, co: number, ldc: number, add: boolean,
): void {
  const m4 = m - (m % 4);
  const n3 = n - (n % 3);
  const ra1 = rsA, ra2 = 2 * rsA, ra3 = 3 * rsA;
  const cb1 = csB, cb2 = 2 * csB;
  // Columns outside, rows inside: a tile's columns of B stay in cache for every row block.
  for (let j = 0; j < n3; j += 3) {
    for (let i = 0; i < m4; i += 4) {
      let ap = ao + i * rsA;
      let bp = bo + j * csB;
      let c00 = 0, c01 = 0, c02 = 0;
      let c10 = 0, c11 = 0, c12 = 0;
      let c20 = 0, c21 = 0, c22 = 0;
      let c30 = 0, c31 = 0, c32 = 0;
      for (let p = 0; p < k; p++) {
        const a0 = a[ap], a1 = a[ap + ra1], a2 = a[ap + ra2], a3 = a[ap + ra3];
        const b0 = b[bp], b1 = b[bp + cb1], b2 = b[bp + cb2];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2;
        ap += csA;
        bp += rsB;
      }
      let q = co + i * ldc + j;
      if (add) {
        c[q] += c00; c[q + 1] += c01; c[q + 2] += c02; q += ldc;
        c[q] += c10; c[q + 1] += c11; c[q + 2] += c12; q += ldc;
        c[q] += c20; c[q + 1] += c21; c[q + 2] += c22; q += ldc;
        c[q] += c30; c[q + 1] += c31; c[q + 2] += c32;
      } else {
        c[q] = c00; c[q + 1] = c01; c[q + 2] = c02; q += ldc;
        c[q] = c10; c[q + 1] = c11; c[q + 2] = c12; q += ldc;
        c[q] = c20; c[q + 1] = c21; c[q + 2] = c22; q += ldc;
        c[q] = c30; c[q + 1] = c31; c[q + 2] = c32;
      }
    }
  }
  // The last n % 3 columns, four rows at a time.
  for (let j = n3; j < n; j++) {
    for (let i = 0; i < m4; i += 4) {
      let ap = ao + i * rsA;
      let bp = bo + j * csB;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let p = 0; p < k; p++) {
        const bv = b[bp];
        c0 += a[ap] * bv; c1 += a[ap + ra1] * bv; c2 += a[ap + ra2] * bv; c3 += a[ap + ra3] * bv;
        ap += csA;
        bp += rsB;
      }
      const q = co + i * ldc + j;
      if (add) {
        c[q] += c0; c[q + ldc] += c1; c[q + 2 * ldc] += c2; c[q + 3 * ldc] += c3;
      } else {
        c[q] = c0; c[q + ldc] = c1; c[q + 2 * ldc] = c2; c[q + 3 * ldc] = c3;
      }
    }
  }
  // The last m % 4 rows: three columns at a time, then one.
  for (let i = m4; i < m; i++) {
    const ai = ao + i * rsA;
    const ci = co + i * ldc;
    for (let j = 0; j < n3; j += 3) {
      let ap = ai;
      let bp = bo + j * csB;
      let c0 = 0, c1 = 0, c2 = 0;
      for (let p = 0; p < k; p++) {
        const av = a[ap];
        c0 += av * b[bp]; c1 += av * b[bp + cb1]; c2 += av * b[bp + cb2];
        ap += csA;
        bp += rsB;
      }
      const q = ci + j;
      if (add) {
        c[q] += c0; c[q + 1] += c1; c[q + 2] += c2;
      } else {
        c[q] = c0; c[q + 1] = c1; c[q + 2] = c2;
      }
    }
    for (let j = n3; j < n; j++) {
      let ap = ai;
      let bp = bo + j * csB;
      // two partial sums: one would wait on each add's latency over a long depth
      let s0 = 0, s1 = 0;
      let p = 0;
      for (; p + 1 < k; p += 2) {
        s0 += a[ap] * b[bp];
        s1 += a[ap + csA] * b[bp + rsB];
        ap += 2 * csA;
        bp += 2 * rsB;
      }
      if (p < k) s0 += a[ap] * b[bp];
      c[ci + j] = add ? c[ci + j] + (s0 + s1) : s0 + s1;
    }
  }
}
