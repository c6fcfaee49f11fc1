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
}

function geometry(a: Conv2dAttrs): Geometry {
  const h = convAxis(a.height, a.kernelH, a.strideH, a.padding);
  const w = convAxis(a.width, a.kernelW, a.strideW, a.padding);
  return {
    oh: h.out, ow: w.out, pt: h.padBefore, pl: w.padBefore,
    ckk: a.inChannels * a.kernelH * a.kernelW, ohw: h.out * w.out,
  };
}

/** Unfolds sample `x[xo..]` (C×H×W) into `col` (C·kh·kw × outH·outW), zeros where padded. */
function im2col(a: Conv2dAttrs, g: Geometry, x: FloatArray, xo: number, col: FloatArray, co: number): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW, strideH: SH, strideW: SW } = a;
  let o = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++) {
        for (let i = 0; i < g.oh; i++) {
          const r = i * SH - g.pt + ki;
          if (r < 0 || r >= H) {
            col.fill(0, o, o + g.ow);
            o += g.ow;
            continue;
          }
          const xr = xc + r * W;
          for (let j = 0; j < g.ow; j++) {
            const s = j * SW - g.pl + kj;
            col[o++] = s >= 0 && s < W ? x[xr + s] : 0;
          }
        }
      }
    }
  }
}

/** Adds the im2col-shaped `col` back into sample `gx[xo..]` (the adjoint of im2col). */
function col2imAdd(a: Conv2dAttrs, g: Geometry, col: FloatArray, co: number, gx: FloatArray, xo: number): void {
  const { height: H, width: W, kernelH: KH, kernelW: KW, strideH: SH, strideW: SW } = a;
  let o = co;
  for (let c = 0; c < a.inChannels; c++) {
    const xc = xo + c * H * W;
    for (let ki = 0; ki < KH; ki++) {
      for (let kj = 0; kj < KW; kj++) {
        for (let i = 0; i < g.oh; i++) {
          const r = i * SH - g.pt + ki;
          if (r < 0 || r >= H) {
            o += g.ow;
            continue;
          }
          const xr = xc + r * W;
          for (let j = 0; j < g.ow; j++) {
            const s = j * SW - g.pl + kj;
            if (s >= 0 && s < W) gx[xr + s] += col[o];
            o++;
          }
        }
      }
    }
  }
}

/** The `conv2d` op built on the given kernels. */
export function conv2dOp(k: Kernels): OpSpec<Conv2dAttrs> {
  const outSize = (a: Conv2dAttrs): number => a.batch * a.outChannels * geometry(a).ohw;
  const dzSize = (a: Conv2dAttrs): number => (a.activation === 'linear' ? 0 : outSize(a));
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
    savedSize: (a) => fusedSavedSize(a.activation, outSize(a)),
    scratchSize: (a) => {
      const { ckk, ohw } = geometry(a);
      const o = a.outChannels;
      return dzSize(a) + ckk * ohw + Math.max(k.packSize(o, ohw, ckk), k.packSize(o, ckk, ohw), k.packSize(ckk, ohw, o));
    },
    forward(a, [x, w, bias], y, ws) {
      const g = geometry(a);
      const o = a.outChannels;
      const colAt = 0;
      const packAt = g.ckk * g.ohw;
      const xSize = a.inChannels * a.height * a.width;
      for (let b = 0; b < a.batch; b++) {
        im2col(a, g, x, b * xSize, ws.scratch, colAt);
        const yo = b * o * g.ohw;
        k.gemmNN(o, g.ohw, g.ckk, w, 0, ws.scratch, colAt, y, yo, false, ws.scratch, packAt);
        if (a.bias) {
          for (let c = 0; c < o; c++) {
            const bc = bias[c];
            const start = yo + c * g.ohw;
            for (let i = start; i < start + g.ohw; i++) y[i] += bc;
          }
        }
      }
      applyFused(a.activation, a.alpha, y, ws.saved, outSize(a));
    },
    backward(a, [x, w], y, gy, [gx, gw, gb], ws) {
      const g = geometry(a);
      const o = a.outChannels;
      const dz = preActivationGrad(a.activation, a.alpha, ws.saved, y, gy, ws.scratch, outSize(a));
      const colAt = dzSize(a);
      const packAt = colAt + g.ckk * g.ohw;
      const xSize = a.inChannels * a.height * a.width;
      for (let b = 0; b < a.batch; b++) {
        const yo = b * o * g.ohw;
        if (gw) {
          im2col(a, g, x, b * xSize, ws.scratch, colAt);
          k.gemmNT(o, g.ckk, g.ohw, dz, yo, ws.scratch, colAt, gw, 0, true, ws.scratch, packAt);
        }
        if (gx) {
          k.gemmTN(g.ckk, g.ohw, o, w, 0, dz, yo, ws.scratch, colAt, false, ws.scratch, packAt);
          col2imAdd(a, g, ws.scratch, colAt, gx, b * xSize);
        }
        if (a.bias && gb) {
          for (let c = 0; c < o; c++) {
            let s = 0;
            const start = yo + c * g.ohw;
            for (let i = start; i < start + g.ohw; i++) s += dz[i];
            gb[c] += s;
          }
        }
      }
    },
  };
}
