/** The op table, built on a kernel table. */
import { createKernels } from '../kernels/index.js';
import type { Kernels } from '../kernels/types.js';
import type { DType } from '../tensor.js';
import { conv2dOp } from './conv.js';
import { linearOp } from './dense.js';
import { activation, add, dropout, logSoftmax, reshape, softmax } from './elementwise.js';
import { bce, bceLogits, huber, mae, mse, softmaxCrossEntropy } from './loss.js';
import { batchnorm, layernorm } from './norm.js';
import { avgpool2d, maxpool2d } from './pool.js';
import type { OpTable } from './types.js';

export * from './types.js';
export { ACTIVATIONS, ACTIVATION_NAMES, ACTIVATION_SCALAR, erf } from './activations.js';
export type { ActivationKernel, ActivationName } from './activations.js';
export { convAxis } from './conv.js';
export type { ConvAxis } from './conv.js';

/** The op table whose matrix products and convolutions run on `kernels`. */
export function createOps(kernels: Kernels): OpTable {
  return {
    linear: linearOp(kernels),
    conv2d: conv2dOp(kernels),
    maxpool2d,
    avgpool2d,
    activation,
    softmax,
    log_softmax: logSoftmax,
    add,
    dropout,
    batchnorm,
    layernorm,
    reshape,
    mse,
    mae,
    huber,
    bce,
    bce_logits: bceLogits,
    softmax_cross_entropy: softmaxCrossEntropy,
  };
}

/** The op table on the plain TypeScript kernels for `dtype` (a fresh table per call). */
export function createDefaultOps(dtype: DType): OpTable {
  return createOps(createKernels(dtype));
}
