/**
 * Elementwise activations as array kernels, one loop per activation (a call per element through
 * a table would make the hot call site megamorphic). Definitions follow PyTorch's defaults.
 */
import type { FloatArray } from '../tensor.js';

/** Every elementwise activation of the contract (softmax and log_softmax are ops of their own). */
export type ActivationName =
  | 'linear'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'silu'
  | 'softplus'
  | 'softsign';

/** All activation names, in a fixed order. */
export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'silu', 'softplus', 'softsign',
];

/** One activation's kernels over `n` elements from offset 0. */
export interface ActivationKernel {
  /** `y[i] = f(x[i])`; `x` and `y` may be the same array. */
  readonly forward: (x: FloatArray, y: FloatArray, n: number, alpha: number) => void;
  /**
   * `gx[i] (+)= gy[i]·f'(x[i])`, adding when `accumulate`. `gx` may be `gy` (then not accumulating).
   * When `fromOutput` is true only `y` is read, and `x` may be passed as `y`.
   */
  readonly backward: (
    x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, n: number, alpha: number, accumulate: boolean,
  ) => void;
  /** The derivative is a function of the output alone, so a fused op need not keep the input. */
  readonly fromOutput: boolean;
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** The error function to about 1e-15 (series below 3, continued fraction of erfc above). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    // erf(x) = 2/sqrt(pi) · sum (-1)^n x^(2n+1) / (n! (2n+1))
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return sum * 1.1283791670955126;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  // erfc(x) = exp(-x^2)/sqrt(pi) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / (f * 1.7724538509055159);
  return x > 0 ? 1 - erfc : erfc - 1;
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Scalar forms, for tests and for tools that need one value (`f(x, alpha)`). */
export const ACTIVATION_SCALAR: { readonly [K in ActivationName]: (x: number, alpha: number) => number } = {
  linear: (x) => x,
  sigmoid,
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  leaky_relu: (x, a) => (x > 0 ? x : a * x),
  elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x * INV_SQRT2)),
  silu: (x) => x * sigmoid(x),
  softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
  softsign: (x) => x / (1 + Math.abs(x)),
};

/** The activation kernels. */
export const ACTIVATIONS: { readonly [K in ActivationName]: ActivationKernel } = {
  linear: {
    fromOutput: true,
    forward(x, y, n) {
      if (x !== y) for (let i = 0; i < n; i++) y[i] = x[i];
    },
    backward(_x, _y, gy, gx, n, _a, acc) {
      if (acc) for (let i = 0; i < n; i++) gx[i] += gy[i];
      else if (gx !== gy) for (let i = 0; i < n; i++) gx[i] = gy[i];
    },
  },
  sigmoid: {
    fromOutput: true,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = sigmoid(x[i]);
    },
    backward(_x, y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const d = gy[i] * y[i] * (1 - y[i]);
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  tanh: {
    fromOutput: true,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
    },
    backward(_x, y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const d = gy[i] * (1 - y[i] * y[i]);
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  relu: {
    fromOutput: true,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
    },
    backward(_x, y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const d = y[i] > 0 ? gy[i] : 0;
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  leaky_relu: {
    fromOutput: false,
    forward(x, y, n, a) {
      for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : a * x[i];
    },
    backward(x, _y, gy, gx, n, a, acc) {
      for (let i = 0; i < n; i++) {
        const d = x[i] > 0 ? gy[i] : a * gy[i];
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  elu: {
    fromOutput: false,
    forward(x, y, n, a) {
      for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : a * Math.expm1(x[i]);
    },
    backward(x, _y, gy, gx, n, a, acc) {
      for (let i = 0; i < n; i++) {
        const d = x[i] > 0 ? gy[i] : gy[i] * a * Math.exp(x[i]);
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  selu: {
    fromOutput: false,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = SELU_SCALE * (x[i] > 0 ? x[i] : SELU_ALPHA * Math.expm1(x[i]));
    },
    backward(x, _y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const d = gy[i] * SELU_SCALE * (x[i] > 0 ? 1 : SELU_ALPHA * Math.exp(x[i]));
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  gelu: {
    fromOutput: false,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = 0.5 * x[i] * (1 + erf(x[i] * INV_SQRT2));
    },
    backward(x, _y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const v = x[i];
        const cdf = 0.5 * (1 + erf(v * INV_SQRT2));
        const d = gy[i] * (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  silu: {
    fromOutput: false,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = x[i] * sigmoid(x[i]);
    },
    backward(x, _y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const s = sigmoid(x[i]);
        const d = gy[i] * s * (1 + x[i] * (1 - s));
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  softplus: {
    fromOutput: false,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = x[i] > 20 ? x[i] : Math.log1p(Math.exp(x[i]));
    },
    backward(x, _y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const d = x[i] > 20 ? gy[i] : gy[i] * sigmoid(x[i]);
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
  softsign: {
    fromOutput: false,
    forward(x, y, n) {
      for (let i = 0; i < n; i++) y[i] = x[i] / (1 + Math.abs(x[i]));
    },
    backward(x, _y, gy, gx, n, _a, acc) {
      for (let i = 0; i < n; i++) {
        const t = 1 + Math.abs(x[i]);
        const d = gy[i] / (t * t);
        gx[i] = acc ? gx[i] + d : d;
      }
    },
  },
};
