/**
 * `conv2d` on CHW samples: im2col over chunks of the batch and one product per chunk, so the
 * kernel table multiplies a few large matrices instead of one small one per sample. Products
 * work in the chunk's `[O × samples·cols]` layout (see `ConvGeometry`); the passes that move data between it
 * and NCHW also add the bias, apply relu, mask the relu gradient and sum the bias gradient.
 */
import type { Kernels } from '../kernels/types.js';
import type { FloatArray } from '../tensor.js';
import { applyFused, fusedSavedSize, preActivationGrad } from './dense.js';
import type { Conv2dAttrs, OpSpec } from './types.js';
import { memoryRuns } from './runs.js';
import type { MemoryRuns } from './runs.js';
import { col2imAdd, convGeometry as geometryOf, im2col } from './unfold.js';
import type { ConvGeometry } from './unfold.js';

export { convAxis } from './unfold.js';
export type { ConvAxis } from './unfold.js';

/**
 * Moves a chunk's product `t` (`[O × n·cols]`, see `ConvGeometry`) into NCHW `y` from sample
 * `b0` on, adding `bias` (when given) and applying relu when `relu`. Columns past `outW` in each
 * row of `pitch` are dropped.
 */
function scatterOut(
  t: FloatArray, y: FloatArray, b0: number, n: number, o: number, g: ConvGeometry, bias: FloatArray | null, relu: boolean,
  fast: MemoryRuns | null,
): void {
  const { cols, ohw, pitch, ow } = g;
  const ld = n * cols;
  const flat = pitch === ow;
  const rows = flat ? 1 : g.oh;
  const run = flat ? ohw : ow;
  for (let c = 0; c < o; c++) {
    const bc = bias === null ? 0 : bias[c];
    for (let s = 0; s < n; s++) {
      let src = c * ld + s * cols;
      let dst = ((b0 + s) * o + c) * ohw;
      if (relu && fast !== null) {
        fast.biasRelu(y, dst, t, src, rows, run, flat ? run : pitch, flat ? run : ow, bc);
        continue;
      }
      for (let r = 0; r < rows; r++, src += pitch, dst += ow) {
        if (relu) {
          // (v + |v|) / 2 is exact and branch-free: a data-dependent branch here mispredicts half the time
          for (let i = 0; i < run; i++) {
            const v = t[src + i] + bc;
            y[dst + i] = (v + Math.abs(v)) * 0.5;
          }
        } else {
          for (let i = 0; i < run; i++) y[dst + i] = t[src + i] + bc;
        }
      }
    }
  }
}

/**
 * Gathers the pre-activation gradient of samples `b0..b0+n` from NCHW into the chunk layout
 * at `dz[dzo..]`: `gy` masked by `y > 0` when `relu`, else `gz` as it is, zeros in the columns
 * past `outW`. Adds each channel's sum into `gb` when given.
 */
function gatherGrad(
  gz: FloatArray, y: FloatArray, relu: boolean, dz: FloatArray, dzo: number,
  b0: number, n: number, o: number, g: ConvGeometry, gb: FloatArray | null, fast: MemoryRuns | null,
): void {
  const { cols, ohw, pitch, ow } = g;
  const ld = n * cols;
  const flat = pitch === ow;
  const rows = flat ? 1 : g.oh;
  const run = flat ? ohw : ow;
  const run4 = run - (run % 4);
  for (let c = 0; c < o; c++) {
    // four partial sums: one running sum would wait on each add's latency
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let s = 0; s < n; s++) {
      let src = ((b0 + s) * o + c) * ohw;
      let dst = dzo + c * ld + s * cols;
      if (relu && fast !== null) {
        // a single output row of a wide layout still needs its zero columns up to the pitch
        s0 += fast.reluGrad(dz, dst, gz, y, src, rows, run, flat ? run : ow, flat ? run : pitch);
        continue;
      }
      for (let r = 0; r < rows; r++, src += ow, dst += pitch) {
        let i = 0;
        if (relu) {
          for (; i < run4; i += 4) {
            const v0 = gz[src + i] * +(y[src + i] > 0), v1 = gz[src + i + 1] * +(y[src + i + 1] > 0);
            const v2 = gz[src + i + 2] * +(y[src + i + 2] > 0), v3 = gz[src + i + 3] * +(y[src + i + 3] > 0);
            dz[dst + i] = v0; dz[dst + i + 1] = v1; dz[dst + i + 2] = v2; dz[dst + i + 3] = v3;
            s0 += v0; s1 += v1; s2 += v2; s3 += v3;
          }
          for (; i < run; i++) {
            const v = gz[src + i] * +(y[src + i] > 0);
            dz[dst + i] = v;
            s0 += v;
          }
        } else {
          for (; i < run4; i += 4) {
            const v0 = gz[src + i], v1 = gz[src + i + 1], v2 = gz[src + i + 2], v3 = gz[src + i + 3];
            dz[dst + i] = v0; dz[dst + i + 1] = v1; dz[dst + i + 2] = v2; dz[dst + i + 3] = v3;
            s0 += v0; s1 += v1; s2 += v2; s3 += v3;
          }
          for (; i < run; i++) {
            const v = gz[src + i];
            dz[dst + i] = v;
            s0 += v;
          }
        }
        for (let i = run; i < pitch; i++) dz[dst + i] = 0;
      }
    }
    if (gb !== null) gb[c] += (s0 + s1) + (s2 + s3);
  }
}

/**
 * The `conv2d` op built on the given kernels. The forward keeps the unfolded input of every
 * chunk in `saved` (after the pre-activation, when the activation needs one), so the backward
 * reuses it for the weight gradient instead of unfolding again.
 */
export function conv2dOp(k: Kernels): OpSpec<Conv2dAttrs> {
  const runs = memoryRuns(k);
  const wide = runs !== null;
  const convGeometry = (a: Conv2dAttrs): ConvGeometry => geometryOf(a, wide);
  const outSize = (a: Conv2dAttrs): number => a.batch * a.outChannels * convGeometry(a).ohw;
  /** Scratch for the whole batch's pre-activation gradient: only activations other than relu and linear need it. */
  const fullSize = (a: Conv2dAttrs): number => (a.activation === 'linear' || a.activation === 'relu' ? 0 : outSize(a));
  const preSize = (a: Conv2dAttrs): number => fusedSavedSize(a.activation, outSize(a));
  /** Columns of the largest chunk. */
  const chunkCols = (a: Conv2dAttrs): number => convGeometry(a).chunk * convGeometry(a).cols;
  /** Scratch a layout needs: forward's product or backward's gradients, then the packing space. */
  const scratchOf = (a: Conv2dAttrs, g: ConvGeometry): number => {
    const o = a.outChannels, n = g.chunk * g.cols;
    const pack = Math.max(k.packSize(o, n, g.ckk), k.packSize(o, g.ckk, n), k.packSize(g.ckk, n, o));
    return Math.max(o * n, fullSize(a) + (o + g.ckk) * n) + pack;
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
    // Sizes cover both layouts: a plan is sized once and may run on either kind of table.
    savedSize: (a) => preSize(a) + a.batch * geometryOf(a, true).ckk * Math.max(geometryOf(a, true).cols, geometryOf(a, false).cols),
    scratchSize: (a) => Math.max(scratchOf(a, geometryOf(a, true)), scratchOf(a, geometryOf(a, false))),
    forward(a, [x, w, bias], y, ws) {
      const g = convGeometry(a);
      const o = a.outChannels;
      const col = ws.saved;
      const sc = ws.scratch;
      const colAt = preSize(a);
      const packAt = o * chunkCols(a);
      const relu = a.activation === 'relu';
      const b0 = a.bias ? bias : null;
      const fast = runs !== null && runs.owns(x, col) ? runs : null;
      const out = runs !== null && runs.owns(y, sc) ? runs : null;
      for (let first = 0; first < a.batch; first += g.chunk) {
        const n = Math.min(g.chunk, a.batch - first);
        const ld = n * g.cols;
        const co = colAt + first * g.ckk * g.cols;
        for (let s = 0; s < n; s++) im2col(a, g, x, (first + s) * g.xSize, col, co + s * g.cols, ld, fast);
        k.gemmNN(o, ld, g.ckk, w, 0, col, co, sc, 0, false, sc, packAt);
        scatterOut(sc, y, first, n, o, g, b0, relu, out);
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
      const fast = runs !== null && gx !== null && runs.owns(gx, sc) ? runs : null;
      const grad = runs !== null && runs.owns(gy, y) && runs.owns(sc, sc) ? runs : null;
      for (let first = 0; first < a.batch; first += g.chunk) {
        const n = Math.min(g.chunk, a.batch - first);
        const ld = n * g.cols;
        gatherGrad(gz, y, relu, sc, dzAt, first, n, o, g, gbias, grad);
        if (gw) k.gemmNT(o, g.ckk, ld, sc, dzAt, col, colAt + first * g.ckk * g.cols, gw, 0, true, sc, packAt);
        if (gx) {
          k.gemmTN(g.ckk, ld, o, w, 0, sc, dzAt, sc, gcolAt, false, sc, packAt);
          for (let s = 0; s < n; s++) col2imAdd(a, g, sc, gcolAt + s * g.cols, ld, gx, (first + s) * g.xSize, fast);
        }
      }
    },
  };
}
