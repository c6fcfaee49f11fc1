/** `maxpool2d` and `avgpool2d`: no padding, floor mode, as PyTorch's defaults. */
import { convAxis } from './conv.js';
import type { InputSpec, OpSpec, Pool2dAttrs } from './types.js';

/** Output height and width, memoized per attribute object (no allocation per step; a pure cache). */
const outSizes = new WeakMap<Pool2dAttrs, readonly [number, number]>();

function outHW(a: Pool2dAttrs): readonly [number, number] {
  const known = outSizes.get(a);
  if (known) return known;
  const hw = [convAxis(a.height, a.kernelH, a.strideH, 'valid').out, convAxis(a.width, a.kernelW, a.strideW, 'valid').out] as const;
  outSizes.set(a, hw);
  return hw;
}

const poolInputs = (a: Pool2dAttrs): InputSpec[] => [
  { name: 'x', shape: [a.batch, a.channels, a.height, a.width], differentiable: true },
];

const poolShape = (a: Pool2dAttrs): number[] => [a.batch, a.channels, ...outHW(a)];

/**
 * Max pooling; the gradient goes to the first maximum of each window (ties: the earliest). The
 * forward saves, per output, where its maximum sits relative to the window's top-left corner
 * (`ki·width + kj`: small integers, exact in any float dtype), so the backward is a scatter.
 */
export const maxpool2d: OpSpec<Pool2dAttrs> = {
  inputs: poolInputs,
  outputShape: poolShape,
  savedSize: (a) => {
    const [oh, ow] = outHW(a);
    return a.batch * a.channels * oh * ow;
  },
  scratchSize: () => 0,
  forward(a, [x], y, ws) {
    const [oh, ow] = outHW(a);
    const { height: H, width: W, strideH: SH, strideW: SW, kernelH: KH, kernelW: KW } = a;
    const arg = ws.saved;
    let o = 0;
    if (KH === 2 && KW === 2 && SH === 2 && SW === 2) {
      for (let p = 0; p < a.batch * a.channels; p++) {
        const plane = p * H * W;
        for (let i = 0; i < oh; i++) {
          let r0 = plane + 2 * i * W;
          for (let j = 0; j < ow; j++, r0 += 2) {
            // A branch-free tournament (comparisons as 0/1, the winner by index): data-dependent
            // branches mispredict on activations. Strict > keeps the earliest of equal maxima.
            const t = +(x[r0 + 1] > x[r0]);
            const b = W + +(x[r0 + W + 1] > x[r0 + W]);
            const at = t + +(x[r0 + b] > x[r0 + t]) * (b - t);
            y[o] = x[r0 + at];
            arg[o++] = at;
          }
        }
      }
      return;
    }
    for (let p = 0; p < a.batch * a.channels; p++) {
      const plane = p * H * W;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const corner = plane + i * SH * W + j * SW;
          let m = x[corner];
          let at = 0;
          for (let ki = 0; ki < KH; ki++) {
            for (let kj = 0; kj < KW; kj++) {
              const off = ki * W + kj;
              if (x[corner + off] > m) {
                m = x[corner + off];
                at = off;
              }
            }
          }
          y[o] = m;
          arg[o++] = at;
        }
      }
    }
  },
  backward(a, _x, _y, gy, [gx], ws) {
    if (!gx) return;
    const [oh, ow] = outHW(a);
    const { height: H, width: W, strideH: SH, strideW: SW } = a;
    const arg = ws.saved;
    let o = 0;
    for (let p = 0; p < a.batch * a.channels; p++) {
      const plane = p * H * W;
      for (let i = 0; i < oh; i++) {
        const row = plane + i * SH * W;
        for (let j = 0; j < ow; j++, o++) gx[row + j * SW + arg[o]] += gy[o];
      }
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
