/** `conv2d` on CHW samples by im2col and the kernel table's gemm, activation fused in the write-out. */
import type { Kernels } from '../kernels/types.js';
import type { FloatArray } from '../tensor.js';
import { applyFused, fusedSavedSize, preActivationGrad } from './dense.js';
import type { Conv2dAttrs, OpSpec } from './types.js';

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

interface Geometry {
  readonly oh: number;
  readonly ow: number;
  readonly pt: number;
  readonly pl: number;
  /** Rows of the im2col matrix: C·kh·kw. */
  readonly ckk: number;
  /** Columns of the im2col matrix: outH·outW. */
  readonly ohw: number;
  /** Elements of one sample's input: C·H·W. */
  readonly xSize: number;
}

/**
 * Derived sizes, memoized per attribute object: plans pass the same frozen attributes every
 * step, so a step allocates no geometry (a pure cache, keyed weakly; never observable).
 */
const geometries = new WeakMap<Conv2dAttrs, Geometry>();

function geometry(a: Conv2dAttrs): Geometry {
  const known = geometries.get(a);
  if (known) return known;
  const h = convAxis(a.height, a.kernelH, a.strideH, a.padding);
  const w = convAxis(a.width, a.kernelW, a.strideW, a.padding);
  const g: Geometry = {
    oh: h.out, ow: w.out, pt: h.padBefore, pl: w.padBefore,
    ckk: a.inChannels * a.kernelH * a.kernelW, ohw: h.out * w.out, xSize: a.inChannels * a.height * a.width,
  };
  geometries.set(a, g);
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

/** Unfolds sample `x[xo..]` (C×H×W) into `col` (C·kh·kw × outH·outW), zeros where padded. */
function im2col(a: Conv2dAttrs, g: Geometry, x: FloatArray, xo: number, col: FloatArray, co: number): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW, strideH: SH, strideW: SW } = a;
  const { oh, ow } = g;
  let o = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++) {
        const lo = insideLo(ow, SW, g.pl, kj);
        const hi = insideHi(ow, SW, g.pl, kj, W);
        const shift = kj - g.pl;
        for (let i = 0; i < oh; i++) {
          const r = i * SH - g.pt + ki;
          if (r < 0 || r >= H) {
            col.fill(0, o, o + ow);
            o += ow;
            continue;
          }
          const xr = xc + r * W + shift;
          for (let j = 0; j < lo; j++) col[o + j] = 0;
          if (SW === 1) for (let j = lo; j < hi; j++) col[o + j] = x[xr + j];
          else for (let j = lo; j < hi; j++) col[o + j] = x[xr + j * SW];
          for (let j = hi; j < ow; j++) col[o + j] = 0;
          o += ow;
        }
      }
    }
  }
}

/** Adds the im2col-shaped `col` back into sample `gx[xo..]` (the adjoint of im2col). */
function col2imAdd(a: Conv2dAttrs, g: Geometry, col: FloatArray, co: number, gx: FloatArray, xo: number): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW, strideH: SH, strideW: SW } = a;
  const { oh, ow } = g;
  let o = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++) {
        const lo = insideLo(ow, SW, g.pl, kj);
        const hi = insideHi(ow, SW, g.pl, kj, W);
        const shift = kj - g.pl;
        for (let i = 0; i < oh; i++) {
          const r = i * SH - g.pt + ki;
          if (r >= 0 && r < H) {
            const xr = xc + r * W + shift;
            if (SW === 1) for (let j = lo; j < hi; j++) gx[xr + j] += col[o + j];
            else for (let j = lo; j < hi; j++) gx[xr + j * SW] += col[o + j];
          }
          o += ow;
        }
      }
    }
  }
}

/** Adds `bias[c]` to each of the `o` channel rows (of `ohw` values) of one sample's output at `yo`. */
function addBias(y: FloatArray, yo: number, bias: FloatArray, o: number, ohw: number): void {
  for (let c = 0; c < o; c++) {
    const bc = bias[c];
    const start = yo + c * ohw;
    for (let i = start; i < start + ohw; i++) y[i] += bc;
  }
}

/** Bias and relu over one sample's output in one pass (while it is still in cache). */
function biasRelu(y: FloatArray, yo: number, bias: FloatArray | null, o: number, ohw: number): void {
  for (let c = 0; c < o; c++) {
    const bc = bias === null ? 0 : bias[c];
    const start = yo + c * ohw;
    for (let i = start; i < start + ohw; i++) {
      const v = y[i] + bc;
      y[i] = v > 0 ? v : 0;
    }
  }
}

/**
 * The `conv2d` op built on the given kernels. The forward keeps every sample's im2col matrix in
 * `saved` (after the pre-activation, when the activation needs one), so the backward reuses it
 * for the weight gradient instead of unfolding again. A fused relu is applied per sample in the
 * forward and differentiated per sample in the backward, into a one-sample buffer.
 */
export function conv2dOp(k: Kernels): OpSpec<Conv2dAttrs> {
  const outSize = (a: Conv2dAttrs): number => a.batch * a.outChannels * geometry(a).ohw;
  /** Scratch for the pre-activation gradient: one sample's for relu, the whole batch's for other activations. */
  const dzSize = (a: Conv2dAttrs): number =>
    a.activation === 'linear' ? 0 : a.activation === 'relu' ? a.outChannels * geometry(a).ohw : outSize(a);
  const preSize = (a: Conv2dAttrs): number => fusedSavedSize(a.activation, outSize(a));
  return {
    inputs: (a) => [
      { name: 'x', shape: [a.batch, a.inChannels, a.height, a.width], differentiable: true },
      { name: 'weight', shape: [a.outChannels, a.inChannels, a.kernelH, a.kernelW], differentiable: true },
      ...(a.bias ? [{ name: 'bias', shape: [a.outChannels], differentiable: true }] : []),
    ],
    outputShape: (a) => {
      const g = geometry(a);
      return [a.batch, a.outChannels, g.oh, g.ow];
    },
    savedSize: (a) => preSize(a) + a.batch * geometry(a).ckk * geometry(a).ohw,
    scratchSize: (a) => {
      const { ckk, ohw } = geometry(a);
      const o = a.outChannels;
      return dzSize(a) + ckk * ohw + Math.max(k.packSize(o, ohw, ckk), k.packSize(o, ckk, ohw), k.packSize(ckk, ohw, o));
    },
    forward(a, [x, w, bias], y, ws) {
      const g = geometry(a);
      const o = a.outChannels;
      const cs = g.ckk * g.ohw;
      const col = ws.saved;
      const colAt = preSize(a);
      const relu = a.activation === 'relu';
      const b0 = a.bias ? bias : null;
      for (let b = 0; b < a.batch; b++) {
        const co = colAt + b * cs;
        im2col(a, g, x, b * g.xSize, col, co);
        const yo = b * o * g.ohw;
        k.gemmNN(o, g.ohw, g.ckk, w, 0, col, co, y, yo, false, ws.scratch, 0);
        if (relu) biasRelu(y, yo, b0, o, g.ohw);
        else if (b0 !== null) addBias(y, yo, b0, o, g.ohw);
      }
      if (!relu) applyFused(a.activation, a.alpha, y, ws.saved, outSize(a));
    },
    backward(a, [, w], y, gy, [gx, gw, gb], ws) {
      const g = geometry(a);
      const o = a.outChannels;
      const n = o * g.ohw;
      const cs = g.ckk * g.ohw;
      const relu = a.activation === 'relu';
      const col = ws.saved;
      const colAt = preSize(a);
      const sc = ws.scratch;
      const full = relu ? sc : preActivationGrad(a.activation, a.alpha, ws.saved, y, gy, sc, outSize(a));
      const gcolAt = dzSize(a);
      const packAt = gcolAt + cs;
      for (let b = 0; b < a.batch; b++) {
        const yo = b * n;
        let dz = full;
        let dzo = yo;
        if (relu) {
          for (let i = 0; i < n; i++) sc[i] = y[yo + i] > 0 ? gy[yo + i] : 0;
          dz = sc;
          dzo = 0;
        }
        if (gw) k.gemmNT(o, g.ckk, g.ohw, dz, dzo, col, colAt + b * cs, gw, 0, true, sc, packAt);
        if (gx) {
          k.gemmTN(g.ckk, g.ohw, o, w, 0, dz, dzo, sc, gcolAt, false, sc, packAt);
          col2imAdd(a, g, sc, gcolAt, gx, b * g.xSize);
        }
        if (a.bias && gb) {
          for (let c = 0; c < o; c++) {
            let s = 0;
            const start = dzo + c * g.ohw;
            for (let i = start; i < start + g.ohw; i++) s += dz[i];
            gb[c] += s;
          }
        }
      }
    },
  };
}
