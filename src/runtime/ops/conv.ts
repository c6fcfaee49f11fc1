/**
 * `conv2d` on CHW samples: im2col over chunks of the batch and one product per chunk, so the
 * kernel table multiplies a few large matrices instead of one small one per sample. Products
 * work in the chunk's `[O × samples·outH·outW]` layout; the passes that move data between it
 * and NCHW also add the bias, apply relu, mask the relu gradient and sum the bias gradient.
 */
import type { Kernels } from '../kernels/types.js';
import type { FloatArray } from '../tensor.js';
import { applyFused, fusedSavedSize, preActivationGrad } from './dense.js';
import type { Conv2dAttrs, OpSpec } from './types.js';
import { col2imAdd, convGeometry, im2col } from './unfold.js';

export { convAxis } from './unfold.js';
export type { ConvAxis } from './unfold.js';

/**
 * Moves a chunk's product `t` (`[O × n·hw]`, sample s of the chunk at column s·hw) into NCHW `y`
 * from sample `b0` on, adding `bias` (when given) and applying relu when `relu`.
 */
function scatterOut(
  t: FloatArray, y: FloatArray, b0: number, n: number, o: number, hw: number, bias: FloatArray | null, relu: boolean,
): void {
  const ld = n * hw;
  for (let c = 0; c < o; c++) {
    const bc = bias === null ? 0 : bias[c];
    for (let s = 0; s < n; s++) {
      const src = c * ld + s * hw;
      const dst = ((b0 + s) * o + c) * hw;
      if (relu) {
        // (v + |v|) / 2 is exact and branch-free: a data-dependent branch here mispredicts half the time
        for (let i = 0; i < hw; i++) {
          const v = t[src + i] + bc;
          y[dst + i] = (v + Math.abs(v)) * 0.5;
        }
      } else {
        for (let i = 0; i < hw; i++) y[dst + i] = t[src + i] + bc;
      }
    }
  }
}

/**
 * Gathers the pre-activation gradient of samples `b0..b0+n` from NCHW into the chunk layout
 * at `dz[dzo..]`: `gy` masked by `y > 0` when `relu`, else `gz` as it is. Adds each channel's
 * sum into `gb` when given.
 */
function gatherGrad(
  gz: FloatArray, y: FloatArray, relu: boolean, dz: FloatArray, dzo: number,
  b0: number, n: number, o: number, hw: number, gb: FloatArray | null,
): void {
  const ld = n * hw;
  for (let c = 0; c < o; c++) {
    let sum = 0;
    for (let s = 0; s < n; s++) {
      const src = ((b0 + s) * o + c) * hw;
      const dst = dzo + c * ld + s * hw;
      if (relu) {
        for (let i = 0; i < hw; i++) {
          const v = gz[src + i] * +(y[src + i] > 0);
          dz[dst + i] = v;
          sum += v;
        }
      } else {
        for (let i = 0; i < hw; i++) {
          const v = gz[src + i];
          dz[dst + i] = v;
          sum += v;
        }
      }
    }
    if (gb !== null) gb[c] += sum;
  }
}

/**
 * The `conv2d` op built on the given kernels. The forward keeps the unfolded input of every
 * chunk in `saved` (after the pre-activation, when the activation needs one), so the backward
 * reuses it for the weight gradient instead of unfolding again.
 */
export function conv2dOp(k: Kernels): OpSpec<Conv2dAttrs> {
  const outSize = (a: Conv2dAttrs): number => a.batch * a.outChannels * convGeometry(a).ohw;
  /** Scratch for the whole batch's pre-activation gradient: only activations other than relu and linear need it. */
  const fullSize = (a: Conv2dAttrs): number => (a.activation === 'linear' || a.activation === 'relu' ? 0 : outSize(a));
  const preSize = (a: Conv2dAttrs): number => fusedSavedSize(a.activation, outSize(a));
  /** Columns of the largest chunk. */
  const chunkCols = (a: Conv2dAttrs): number => convGeometry(a).chunk * convGeometry(a).ohw;
  const packSize = (a: Conv2dAttrs): number => {
    const { ckk } = convGeometry(a);
    const o = a.outChannels, n = chunkCols(a);
    return Math.max(k.packSize(o, n, ckk), k.packSize(o, ckk, n), k.packSize(ckk, n, o));
  };
  return {
    inputs: (a) => [
      { name: 'x', shape: [a.batch, a.inChannels, a.height, a.width], differentiable: true },
      { name: 'weight', shape: [a.outChannels, a.inChannels, a.kernelH, a.kernelW], differentiable: true },
      ...(a.bias ? [{ name: 'bias', shape: [a.outChannels], differentiable: true }] : []),
    ],
    outputShape: (a) => {
      const g = convGeometry(a);
      return [a.batch, a.outChannels, g.oh, g.ow];
    },
    savedSize: (a) => preSize(a) + a.batch * convGeometry(a).ckk * convGeometry(a).ohw,
    scratchSize: (a) => {
      const cols = chunkCols(a);
      const forward = a.outChannels * cols;
      const backward = fullSize(a) + (a.outChannels + convGeometry(a).ckk) * cols;
      return Math.max(forward, backward) + packSize(a);
    },
    forward(a, [x, w, bias], y, ws) {
      const g = convGeometry(a);
      const o = a.outChannels;
      const col = ws.saved;
      const sc = ws.scratch;
      const colAt = preSize(a);
      const packAt = o * chunkCols(a);
      const relu = a.activation === 'relu';
      const b0 = a.bias ? bias : null;
      for (let first = 0; first < a.batch; first += g.chunk) {
        const n = Math.min(g.chunk, a.batch - first);
        const ld = n * g.ohw;
        const co = colAt + first * g.ckk * g.ohw;
        for (let s = 0; s < n; s++) im2col(a, g, x, (first + s) * g.xSize, col, co + s * g.ohw, ld);
        k.gemmNN(o, ld, g.ckk, w, 0, col, co, sc, 0, false, sc, packAt);
        scatterOut(sc, y, first, n, o, g.ohw, b0, relu);
      }
      if (!relu) applyFused(a.activation, a.alpha, y, ws.saved, outSize(a));
    },
    backward(a, [, w], y, gy, [gx, gw, gb], ws) {
      const g = convGeometry(a);
      const o = a.outChannels;
      const relu = a.activation === 'relu';
      const col = ws.saved;
      const colAt = preSize(a);
      const sc = ws.scratch;
      const gz = relu ? gy : preActivationGrad(a.activation, a.alpha, ws.saved, y, gy, sc, outSize(a));
      const dzAt = fullSize(a);
      const gcolAt = dzAt + o * chunkCols(a);
      const packAt = gcolAt + g.ckk * chunkCols(a);
      const gbias = a.bias && gb ? gb : null;
      for (let first = 0; first < a.batch; first += g.chunk) {
        const n = Math.min(g.chunk, a.batch - first);
        const ld = n * g.ohw;
        gatherGrad(gz, y, relu, sc, dzAt, first, n, o, g.ohw, gbias);
        if (gw) k.gemmNT(o, g.ckk, ld, sc, dzAt, col, colAt + first * g.ckk * g.ohw, gw, 0, true, sc, packAt);
        if (gx) {
          k.gemmTN(g.ckk, ld, o, w, 0, sc, dzAt, sc, gcolAt, false, sc, packAt);
          for (let s = 0; s < n; s++) col2imAdd(a, g, sc, gcolAt + s * g.ohw, ld, gx, (first + s) * g.xSize);
        }
      }
    },
  };
}
