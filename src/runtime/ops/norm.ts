/** `batchnorm` (PyTorch's BatchNorm1d/2d) and `layernorm` (PyTorch's LayerNorm(sample_shape)). */
import { sizeOf } from '../tensor.js';
import type { BatchnormAttrs, LayernormAttrs, OpSpec } from './types.js';

function bnDims(a: BatchnormAttrs): { b: number; c: number; s: number } {
  return { b: a.shape[0], c: a.shape[1], s: sizeOf(a.shape.slice(2)) };
}

/** Batch normalization; `saved` keeps each channel's batch mean and 1/sqrt(var+eps). */
export const batchnorm: OpSpec<BatchnormAttrs> = {
  inputs: (a) => {
    const c = [a.shape[1]];
    return [
      { name: 'x', shape: a.shape, differentiable: true },
      { name: 'weight', shape: c, differentiable: true },
      { name: 'bias', shape: c, differentiable: true },
      { name: 'running_mean', shape: c, differentiable: false },
      { name: 'running_var', shape: c, differentiable: false },
    ];
  },
  outputShape: (a) => a.shape,
  savedSize: (a) => 2 * a.shape[1],
  scratchSize: () => 0,
  forward(a, [x, gamma, beta, runMean, runVar], y, ws) {
    const { b, c, s } = bnDims(a);
    const n = b * s;
    for (let ch = 0; ch < c; ch++) {
      let mean: number;
      let rstd: number;
      if (a.training) {
        let sum = 0;
        for (let i = 0; i < b; i++) {
          const o = (i * c + ch) * s;
          for (let j = o; j < o + s; j++) sum += x[j];
        }
        mean = sum / n;
        let sq = 0;
        for (let i = 0; i < b; i++) {
          const o = (i * c + ch) * s;
          for (let j = o; j < o + s; j++) sq += (x[j] - mean) * (x[j] - mean);
        }
        const variance = sq / n;
        rstd = 1 / Math.sqrt(variance + a.eps);
        const unbiased = n > 1 ? sq / (n - 1) : variance;
        runMean[ch] = (1 - a.momentum) * runMean[ch] + a.momentum * mean;
        runVar[ch] = (1 - a.momentum) * runVar[ch] + a.momentum * unbiased;
      } else {
        mean = runMean[ch];
        rstd = 1 / Math.sqrt(runVar[ch] + a.eps);
      }
      ws.saved[ch] = mean;
      ws.saved[c + ch] = rstd;
      const g = gamma[ch] * rstd;
      const shift = beta[ch] - mean * g;
      for (let i = 0; i < b; i++) {
        const o = (i * c + ch) * s;
        for (let j = o; j < o + s; j++) y[j] = x[j] * g + shift;
      }
    }
  },
  backward(a, [x, gamma], _y, gy, [gx, gGamma, gBeta], ws) {
    const { b, c, s } = bnDims(a);
    const n = b * s;
    for (let ch = 0; ch < c; ch++) {
      const mean = ws.saved[ch];
      const rstd = ws.saved[c + ch];
      let sumG = 0;
      let sumGX = 0;
      for (let i = 0; i < b; i++) {
        const o = (i * c + ch) * s;
        for (let j = o; j < o + s; j++) {
          sumG += gy[j];
          sumGX += gy[j] * (x[j] - mean) * rstd;
        }
      }
      if (gGamma) gGamma[ch] += sumGX;
      if (gBeta) gBeta[ch] += sumG;
      if (!gx) continue;
      const g = gamma[ch] * rstd;
      for (let i = 0; i < b; i++) {
        const o = (i * c + ch) * s;
        for (let j = o; j < o + s; j++) {
          // training: the batch statistics depend on x too
          gx[j] += a.training ? (g / n) * (n * gy[j] - sumG - (x[j] - mean) * rstd * sumGX) : g * gy[j];
        }
      }
    }
  },
};

/** Layer normalization of each sample; `saved` keeps each sample's mean and 1/sqrt(var+eps). */
export const layernorm: OpSpec<LayernormAttrs> = {
  inputs: (a) => {
    const sample = a.shape.slice(1);
    return [
      { name: 'x', shape: a.shape, differentiable: true },
      { name: 'weight', shape: sample, differentiable: true },
      { name: 'bias', shape: sample, differentiable: true },
    ];
  },
  outputShape: (a) => a.shape,
  savedSize: (a) => 2 * a.shape[0],
  scratchSize: () => 0,
  forward(a, [x, gamma, beta], y, ws) {
    const b = a.shape[0];
    const d = sizeOf(a.shape.slice(1));
    for (let i = 0; i < b; i++) {
      const o = i * d;
      let sum = 0;
      for (let j = 0; j < d; j++) sum += x[o + j];
      const mean = sum / d;
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (x[o + j] - mean) * (x[o + j] - mean);
      const rstd = 1 / Math.sqrt(sq / d + a.eps);
      ws.saved[i] = mean;
      ws.saved[b + i] = rstd;
      for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - mean) * rstd * gamma[j] + beta[j];
    }
  },
  backward(a, [x, gamma], _y, gy, [gx, gGamma, gBeta], ws) {
    const b = a.shape[0];
    const d = sizeOf(a.shape.slice(1));
    for (let i = 0; i < b; i++) {
      const o = i * d;
      const mean = ws.saved[i];
      const rstd = ws.saved[b + i];
      let sumD = 0;
      let sumDX = 0;
      for (let j = 0; j < d; j++) {
        const xhat = (x[o + j] - mean) * rstd;
        const dxhat = gy[o + j] * gamma[j];
        sumD += dxhat;
        sumDX += dxhat * xhat;
        if (gGamma) gGamma[j] += gy[o + j] * xhat;
        if (gBeta) gBeta[j] += gy[o + j];
      }
      if (!gx) continue;
      for (let j = 0; j < d; j++) {
        const xhat = (x[o + j] - mean) * rstd;
        gx[o + j] += (rstd / d) * (d * gy[o + j] * gamma[j] - sumD - xhat * sumDX);
      }
    }
  },
};
