/**
 * Convolution geometry and the im2col unfolding (and its adjoint) in the chunked layout the
 * `conv2d` op multiplies: the columns of several samples side by side, so one product covers
 * a chunk of the batch. Row `(c, ki, kj)` of a chunk's matrix holds, for each sample `s` of the
 * chunk, its `cols` values at `row·ld + s·cols`, where `ld` is the chunk's row length: `outH`
 * rows of `pitch` values, the first `outW` of each the unfolded input, the rest zeros.
 */
import type { FloatArray } from '../tensor.js';
import type { MemoryRuns } from './runs.js';
import type { Conv2dAttrs } from './types.js';

/** Output size and leading padding along one axis. */
export interface ConvAxis {
  readonly out: number;
  readonly padBefore: number;
}

/**
 * One axis of a convolution or pooling window: `valid` gives `floor((size-k)/stride)+1`;
 * `same` gives `ceil(size/stride)` with `floor(total/2)` padding first (TensorFlow/Keras).
 */
export function convAxis(size: number, kernel: number, stride: number, padding: 'valid' | 'same'): ConvAxis {
  if (padding === 'valid') return { out: Math.floor((size - kernel) / stride) + 1, padBefore: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

/** Derived sizes of one convolution. */
export interface ConvGeometry {
  readonly oh: number;
  readonly ow: number;
  readonly pt: number;
  readonly pl: number;
  /** Rows of the im2col matrix: C·kh·kw. */
  readonly ckk: number;
  /** Outputs of one sample's channel: outH·outW. */
  readonly ohw: number;
  /**
   * Columns per output row in the unfolded matrix: the input width for shifted runs (see
   * `shiftedRows`; a `valid` convolution then computes `width - outW` zero columns more per
   * row), else `outW`.
   */
  readonly pitch: number;
  /** Columns of one sample in the unfolded matrix: outH·pitch. */
  readonly cols: number;
  /** Elements of one sample's input: C·H·W. */
  readonly xSize: number;
  /** Samples per chunk (at most the batch). */
  readonly chunk: number;
}

/**
 * Columns one chunk's products aim for. Large enough that the products run at the gemm's
 * large-matrix speed, small enough that a chunk's unfolded input gradient stays near the cache.
 */
const CHUNK_COLUMNS = 2048;

/**
 * Derived sizes, memoized per attribute object: plans pass the same frozen attributes every
 * step, so a step allocates no geometry (a pure cache, keyed weakly; never observable). One
 * cache per layout choice.
 */
const geometries = { wide: new WeakMap<Conv2dAttrs, ConvGeometry>(), tight: new WeakMap<Conv2dAttrs, ConvGeometry>() };

/**
 * The geometry of a convolution (memoized per attribute object). `wide`: unfold every stride-1
 * convolution as shifted runs (`pitch` = input width), at the price of the extra zero columns
 * of a `valid` one in every product: worth it where runs are cheap and products fast (the
 * WebAssembly table), not on the TypeScript gemm (there a `valid` one keeps `pitch` = `outW`).
 */
export function convGeometry(a: Conv2dAttrs, wide: boolean): ConvGeometry {
  const cache = wide ? geometries.wide : geometries.tight;
  const known = cache.get(a);
  if (known) return known;
  const h = convAxis(a.height, a.kernelH, a.strideH, a.padding);
  const w = convAxis(a.width, a.kernelW, a.strideW, a.padding);
  const stride1 = a.strideH === 1 && a.strideW === 1;
  const pitch = stride1 && (wide || w.out === a.width) ? a.width : w.out;
  const cols = h.out * pitch;
  const g: ConvGeometry = {
    oh: h.out, ow: w.out, pt: h.padBefore, pl: w.padBefore, pitch, cols,
    ckk: a.inChannels * a.kernelH * a.kernelW, ohw: h.out * w.out, xSize: a.inChannels * a.height * a.width,
    chunk: Math.max(1, Math.min(a.batch, Math.floor(CHUNK_COLUMNS / Math.max(cols, 1)))),
  };
  cache.set(a, g);
  return g;
}

/**
 * The output columns `j` whose input column `j·stride - pad + kj` lies inside `[0, size)`:
 * `[lo, hi)`, so the copy loops run branch-free and only the margins are zero-filled.
 */
function insideLo(out: number, stride: number, pad: number, kj: number): number {
  return Math.min(out, Math.max(0, Math.ceil((pad - kj) / stride)));
}

function insideHi(out: number, stride: number, pad: number, kj: number, size: number): number {
  return Math.max(insideLo(out, stride, pad, kj), Math.min(out, Math.floor((size - 1 + pad - kj) / stride) + 1));
}

/**
 * Whether rows of the unfolded matrix are shifted copies of the input plane: stride 1, rows
 * `pitch = width` apart, so that element `(i, j)` of row `(c, ki, kj)` reads input
 * `(i + ki - pt, j + kj - pl)` at a constant distance in memory. Then one contiguous run covers
 * every valid row and only the margins (padding, and the columns past `outW`) are patched.
 */
function shiftedRows(g: ConvGeometry, a: Conv2dAttrs): boolean {
  return g.pitch === a.width && a.strideH === 1 && a.strideW === 1;
}

/**
 * Whether a convolution that is not `shiftedRows` reads no padding with stride 1 (a `valid`
 * one): then every row of the unfolded matrix is a plain window of the input plane, copied
 * and added back without bounds.
 */
function unpaddedRows(g: ConvGeometry, a: Conv2dAttrs): boolean {
  return a.strideH === 1 && a.strideW === 1 && g.pt === 0 && g.pl === 0 &&
    g.oh === a.height - a.kernelH + 1 && g.ow === a.width - a.kernelW + 1;
}

/** Unfolds one sample of an `unpaddedRows` convolution (see `im2col`). */
function im2colUnpadded(a: Conv2dAttrs, g: ConvGeometry, x: FloatArray, xo: number, col: FloatArray, co: number, ld: number): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW } = a;
  const { oh, ow } = g;
  let row = co;
  for (let c = 0; c < a.inChannels; c++) {
    for (let ki = 0; ki < KH; ki++) {
      const xr = xo + (c * H + ki) * W;
      for (let kj = 0; kj < KW; kj++, row += ld) {
        let src = xr + kj;
        let dst = row;
        // `| 0`: wrap-around index sums (exact here), so V8 checks none of them for overflow
        for (let i = 0; i < oh; i++, src += W, dst += ow) {
          for (let j = 0; j < ow; j++) col[(dst + j) | 0] = x[(src + j) | 0];
        }
      }
    }
  }
}

/**
 * Adds one sample of an `unpaddedRows` convolution back (see `col2imAdd`). With three columns
 * per window (the common 3×3; at least two output columns) the three rows of one kernel row go in one pass: each input
 * element takes their sum, one read-modify-write instead of three.
 */
function col2imUnpadded(a: Conv2dAttrs, g: ConvGeometry, col: FloatArray, co: number, ld: number, gx: FloatArray, xo: number): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW } = a;
  const { oh, ow } = g;
  let row = co;
  for (let c = 0; c < a.inChannels; c++) {
    for (let ki = 0; ki < KH; ki++) {
      const xr = xo + (c * H + ki) * W;
      if (KW === 3 && ow >= 2) {
        // input column j takes window column 0 of output j, 1 of j - 1, 2 of j - 2
        let r0 = row, r1 = row + ld - 1, r2 = row + 2 * ld - 2;
        for (let i = 0, dst = xr; i < oh; i++, dst += W, r0 += ow, r1 += ow, r2 += ow) {
          gx[dst] += col[r0];
          gx[dst + 1] += col[r0 + 1] + col[r1 + 1];
          for (let j = 2; j < ow; j++) gx[(dst + j) | 0] += col[(r0 + j) | 0] + col[(r1 + j) | 0] + col[(r2 + j) | 0];
          gx[dst + ow] += col[r1 + ow] + col[r2 + ow];
          gx[dst + ow + 1] += col[r2 + ow + 1];
        }
        row += 3 * ld;
        continue;
      }
      for (let kj = 0; kj < KW; kj++, row += ld) {
        let src = row;
        let dst = xr + kj;
        for (let i = 0; i < oh; i++, src += ow, dst += W) {
          for (let j = 0; j < ow; j++) gx[dst + j] += col[src + j];
        }
      }
    }
  }
}

/** Unfolds one sample of a `shiftedRows` convolution (see `im2col`). */
function im2colShifted(
  a: Conv2dAttrs, g: ConvGeometry, x: FloatArray, xo: number, col: FloatArray, co: number, ld: number, runs: MemoryRuns | null,
): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW } = a;
  const { oh, ow, cols, pt, pl } = g;
  let row = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      // valid output rows: 0 <= i + ki - pt < H
      const ilo = Math.min(oh, Math.max(0, pt - ki));
      const ihi = Math.max(ilo, Math.min(oh, H + pt - ki));
      for (let kj = 0; kj < KW; kj++, row += ld) {
        const lo = insideLo(ow, 1, pl, kj);
        const hi = insideHi(ow, 1, pl, kj, W);
        const d = xc + (ki - pt) * W + kj - pl - row;
        for (let q = row; q < row + ilo * W; q++) col[q] = 0;
        const start = row + ilo * W + lo, end = row + (ihi - 1) * W + hi;
        if (runs !== null && start < end) runs.copy(col, start, x, start + d, end - start);
        else for (let q = start; q < end; q++) col[q] = x[q + d];
        for (let q = row + ihi * W; q < row + cols; q++) col[q] = 0;
        // the run above wrapped across row ends: zero the margins of every valid row
        for (let i = ilo; i < ihi; i++) {
          const o = row + i * W;
          for (let j = 0; j < lo; j++) col[o + j] = 0;
          for (let j = hi; j < W; j++) col[o + j] = 0;
        }
      }
    }
  }
}

/**
 * Adds one sample of a `shiftedRows` convolution back (see `col2imAdd`). The margins of `col`
 * are zeroed first (it is the caller's scratch), so one contiguous run adds every valid row.
 */
function col2imShifted(
  a: Conv2dAttrs, g: ConvGeometry, col: FloatArray, co: number, ld: number, gx: FloatArray, xo: number, runs: MemoryRuns | null,
): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW } = a;
  const { oh, ow, pt, pl } = g;
  let row = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      const ilo = Math.min(oh, Math.max(0, pt - ki));
      const ihi = Math.max(ilo, Math.min(oh, H + pt - ki));
      for (let kj = 0; kj < KW; kj++, row += ld) {
        const lo = insideLo(ow, 1, pl, kj);
        const hi = insideHi(ow, 1, pl, kj, W);
        if (lo >= hi) continue;
        const d = xc + (ki - pt) * W + kj - pl - row;
        for (let i = ilo + 1; i < ihi; i++) {
          const o = row + i * W;
          for (let j = 0; j < lo; j++) col[o + j] = 0;
        }
        for (let i = ilo; i < ihi - 1; i++) {
          const o = row + i * W;
          for (let j = hi; j < W; j++) col[o + j] = 0;
        }
        const start = row + ilo * W + lo, end = row + (ihi - 1) * W + hi;
        if (runs !== null) runs.add(gx, start + d, col, start, end - start);
        else for (let q = start; q < end; q++) gx[q + d] += col[q];
      }
    }
  }
}

/**
 * Unfolds sample `x[xo..]` (C×H×W) into the chunk matrix at `col[co..]` (this sample's first
 * column) with rows `ld` apart, zeros where padded. `runs`, when given, owns both arrays.
 */
export function im2col(
  a: Conv2dAttrs, g: ConvGeometry, x: FloatArray, xo: number, col: FloatArray, co: number, ld: number, runs: MemoryRuns | null,
): void {
  if (shiftedRows(g, a)) {
    im2colShifted(a, g, x, xo, col, co, ld, runs);
    return;
  }
  if (unpaddedRows(g, a)) {
    im2colUnpadded(a, g, x, xo, col, co, ld);
    return;
  }
  const { height: H, width: W, kernelH: KH, kernelW: KW, strideH: SH, strideW: SW } = a;
  const { oh, ow } = g;
  let row = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++, row += ld) {
        const lo = insideLo(ow, SW, g.pl, kj);
        const hi = insideHi(ow, SW, g.pl, kj, W);
        const shift = kj - g.pl;
        let o = row;
        for (let i = 0; i < oh; i++, o += ow) {
          const r = i * SH - g.pt + ki;
          if (r < 0 || r >= H) {
            for (let j = 0; j < ow; j++) col[o + j] = 0;
            continue;
          }
          const xr = xc + r * W + shift;
          for (let j = 0; j < lo; j++) col[o + j] = 0;
          if (SW === 1) for (let j = lo; j < hi; j++) col[o + j] = x[xr + j];
          else for (let j = lo; j < hi; j++) col[o + j] = x[xr + j * SW];
          for (let j = hi; j < ow; j++) col[o + j] = 0;
        }
      }
    }
  }
}

/**
 * Adds this sample's columns of the chunk matrix at `col[co..]` (rows `ld` apart) back into
 * `gx[xo..]`: the adjoint of `im2col`. May overwrite the padded positions of `col` with zeros.
 * `runs`, when given, owns both arrays.
 */
export function col2imAdd(
  a: Conv2dAttrs, g: ConvGeometry, col: FloatArray, co: number, ld: number, gx: FloatArray, xo: number, runs: MemoryRuns | null,
): void {
  if (shiftedRows(g, a)) {
    col2imShifted(a, g, col, co, ld, gx, xo, runs);
    return;
  }
  if (unpaddedRows(g, a)) {
    col2imUnpadded(a, g, col, co, ld, gx, xo);
    return;
  }
  const { height: H, width: W, kernelH: KH, kernelW: KW, strideH: SH, strideW: SW } = a;
  const { oh, ow } = g;
  let row = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++, row += ld) {
        const lo = insideLo(ow, SW, g.pl, kj);
        const hi = insideHi(ow, SW, g.pl, kj, W);
        const shift = kj - g.pl;
        let o = row;
        for (let i = 0; i < oh; i++, o += ow) {
          const r = i * SH - g.pt + ki;
          if (r < 0 || r >= H) continue;
          const xr = xc + r * W + shift;
          if (SW === 1) for (let j = lo; j < hi; j++) gx[xr + j] += col[o + j];
          else for (let j = lo; j < hi; j++) gx[xr + j * SW] += col[o + j];
        }
      }
    }
  }
}
