/** `linear`: `y = act(x·Wᵀ + b)` with the activation fused into the write-out. */
import type { Kernels } from '../kernels/types.js';
import type { FloatArray } from '../tensor.js';
import { ACTIVATIONS } from './activations.js';
import type { LinearAttrs, OpSpec } from './types.js';

/** Adds `bias[j]` to every row of the `rows×cols` matrix at `y`. */
export function addBiasRows(y: FloatArray, bias: FloatArray, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) y[o + j] += bias[j];
  }
}

/**
 * Turns `gy` into the gradient of the pre-activation: into `dz` (scratch) unless the activation
 * is `linear`, in which case `gy` itself is returned. `pre` holds the pre-activation when the
 * activation needs it, `y` the output.
 */
export function preActivationGrad(
  activation: LinearAttrs['activation'], alpha: number,
  pre: FloatArray, y: FloatArray, gy: FloatArray, dz: FloatArray, n: number,
): FloatArray {
  if (activation === 'linear') return gy;
  const act = ACTIVATIONS[activation];
  act.backward(act.fromOutput ? y : pre, y, gy, dz, n, alpha, false);
  return dz;
}

/** Saved size of an op with a fused activation over `n` outputs (the pre-activation, when needed). */
export function fusedSavedSize(activation: LinearAttrs['activation'], n: number): number {
  return ACTIVATIONS[activation].fromOutput ? 0 : n;
}

/** Writes the fused activation in place over `y`, keeping the pre-activation in `saved` if needed. */
export function applyFused(
  activation: LinearAttrs['activation'], alpha: number, y: FloatArray, saved: FloatArray, n: number,
): void {
  if (activation === 'linear') return;
  const act = ACTIVATIONS[activation];
  if (!act.fromOutput) for (let i = 0; i < n; i++) saved[i] = y[i];
  act.forward(y, y, n, alpha);
}

/** The `linear` op built on the given kernels. */
export function linearOp(k: Kernels): OpSpec<LinearAttrs> {
  const dzSize = (a: LinearAttrs): number => (a.activation === 'linear' ? 0 : a.batch * a.outFeatures);
  return {
    inputs: (a) => [
      { name: 'x', shape: [a.batch, a.inFeatures], differentiable: true },
      { name: 'weight', shape: [a.outFeatures, a.inFeatures], differentiable: true },
      ...(a.bias ? [{ name: 'bias', shape: [a.outFeatures], differentiable: true }] : []),
    ],
    outputShape: (a) => [a.batch, a.outFeatures],
    savedSize: (a) => fusedSavedSize(a.activation, a.batch * a.outFeatures),
    scratchSize: (a) => {
      const { batch: b, inFeatures: i, outFeatures: o } = a;
      return dzSize(a) + Math.max(k.packSize(b, o, i), k.packSize(b, i, o), k.packSize(o, i, b));
    },
    forward(a, [x, w, bias], y, ws) {
      const n = a.batch * a.outFeatures;
      k.gemmNT(a.batch, a.outFeatures, a.inFeatures, x, 0, w, 0, y, 0, false, ws.scratch, 0);
      if (a.bias) addBiasRows(y, bias, a.batch, a.outFeatures);
      applyFused(a.activation, a.alpha, y, ws.saved, n);
    },
    backward(a, [x, w], y, gy, [gx, gw, gb], ws) {
      const { batch: b, inFeatures: inF, outFeatures: outF } = a;
      const dz = preActivationGrad(a.activation, a.alpha, ws.saved, y, gy, ws.scratch, b * outF);
      const po = dzSize(a);
      if (gx) k.gemmNN(b, inF, outF, dz, 0, w, 0, gx, 0, true, ws.scratch, po);
      if (gw) k.gemmTN(outF, inF, b, dz, 0, x, 0, gw, 0, true, ws.scratch, po);
      if (a.bias && gb) {
        for (let i = 0; i < b; i++) {
          const o = i * outF;
          for (let j = 0; j < outF; j++) gb[j] += dz[o + j];
        }
      }
    },
  };
}
