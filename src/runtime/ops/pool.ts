/** `maxpool2d` and `avgpool2d`: no padding, floor mode, as PyTorch's defaults. */
import type { FloatArray } from '../tensor.js';
import { convAxis } from './conv.js';
import type { InputSpec, OpSpec, Pool2dAttrs } from './types.js';

function outHW(a: Pool2dAttrs): [number, number] {
  return [convAxis(a.height, a.kernelH, a.strideH, 'valid').out, convAxis(a.width, a.kernelW, a.strideW, 'valid').out];
}

const poolInputs = (a: Pool2dAttrs): InputSpec[] => [
  { name: 'x', shape: [a.batch, a.channels, a.height, a.width], differentiable: true },
];

const poolShape = (a: Pool2dAttrs): number[] => [a.batch, a.channels, ...outHW(a)];

/** Index (into x) of the first maximum of the window of output (plane p, row i, column j). */
function argmaxWindow(a: Pool2dAttrs, x: FloatArray, plane: number, i: number, j: number): number {
  let best = plane + i * a.strideH * a.width + j * a.strideW;
  let max = x[best];
  for (let ki = 0; ki < a.kernelH; ki++) {
    const row = plane + (i * a.strideH + ki) * a.width + j * a.strideW;
    for (let kj = 0; kj < a.kernelW; kj++) {
      if (x[row + kj] > max) {
        max = x[row + kj];
        best = row + kj;
      }
    }
  }
  return best;
}

/** Max pooling; the gradient goes to the first maximum of each window (ties: the earliest). */
export const maxpool2d: OpSpec<Pool2dAttrs> = {
  inputs: poolInputs,
  outputShape: poolShape,
  savedSize: () => 0,
  scratchSize: () => 0,
  forward(a, [x], y) {
    const [oh, ow] = outHW(a);
    let o = 0;
    for (let p = 0; p < a.batch * a.channels; p++) {
      const plane = p * a.height * a.width;
      for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) y[o++] = x[argmaxWindow(a, x, plane, i, j)];
    }
  },
  backward(a, [x], _y, gy, [gx]) {
    if (!gx) return;
    const [oh, ow] = outHW(a);
    let o = 0;
    for (let p = 0; p < a.batch * a.channels; p++) {
      const plane = p * a.height * a.width;
      for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) gx[argmaxWindow(a, x, plane, i, j)] += gy[o++];
    }
  },
};

/** Average pooling over full windows. */
export const avgpool2d: OpSpec<Pool2dAttrs> = {
  inputs: poolInputs,
  outputShape: poolShape,
  savedSize: () => 0,
  scratchSize: () => 0,
  forward(a, [x], y) {
    const [oh, ow] = outHW(a);
    const inv = 1 / (a.kernelH * a.kernelW);
    let o = 0;
    for (let p = 0; p < a.batch * a.channels; p++) {
      const plane = p * a.height * a.width;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ki = 0; ki < a.kernelH; ki++) {
            const row = plane + (i * a.strideH + ki) * a.width + j * a.strideW;
            for (let kj = 0; kj < a.kernelW; kj++) s += x[row + kj];
          }
          y[o++] = s * inv;
        }
      }
    }
  },
  backward(a, _inputs, _y, gy, [gx]) {
    if (!gx) return;
    const [oh, ow] = outHW(a);
    const inv = 1 / (a.kernelH * a.kernelW);
    let o = 0;
    for (let p = 0; p < a.batch * a.channels; p++) {
      const plane = p * a.height * a.width;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const g = gy[o++] * inv;
          for (let ki = 0; ki < a.kernelH; ki++) {
            const row = plane + (i * a.strideH + ki) * a.width + j * a.strideW;
            for (let kj = 0; kj < a.kernelW; kj++) gx[row + kj] += g;
          }
        }
      }
    }
  },
};
