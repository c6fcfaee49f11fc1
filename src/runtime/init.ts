/**
 * Parameter initializers, exactly as `torch.nn.init` (PyTorch 1.13), drawing from the runtime's
 * seeded generator in row-major order. One entry point, `initialize`, driven by the table
 * `INITIALIZERS` keyed by the contract's initializer names.
 */
import type { Rng } from './random.js';

import type { FloatArray } from './tensor.js';

/** Where initial values are written. */
export type InitTarget = FloatArray;

/**
 * Fan-in and fan-out as `torch.nn.init._calculate_fan_in_and_fan_out`: for a weight
 * `[out, in, ...kernel]`, receptive = prod(kernel), fan_in = in·receptive, fan_out = out·receptive
 * (dense `[out, in]`: in and out; conv `[out, in, kh, kw]`: in·kh·kw and out·kh·kw).
 * Like torch, tensors with fewer than 2 dimensions have no fans.
 */
export function calculateFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new RangeError(`fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [${shape.join(', ')}])`);
  }
  let receptive = 1;
  for (let d = 2; d < shape.length; d++) receptive *= shape[d];
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Nonlinearities known to `calculateGain`. */
export type GainNonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * `torch.nn.init.calculate_gain`: linear, conv and sigmoid 1; tanh 5/3; relu √2;
 * leaky_relu √(2 / (1 + a²)) with a = `param` (default 0.01); selu 3/4.
 */
export function calculateGain(nonlinearity: GainNonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const a = param ?? 0.01;
      return Math.sqrt(2 / (1 + a * a));
    }
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/**
 * The error function, to ~1e-15: for |x| < 3 the positive-term series
 * erf(x) = 2/√π · e^(−x²) · Σ (2x²)^n · x / (2n+1)!! (no cancellation), beyond it erfc's
 * continued fraction.
 */
export function errorFunction(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 500; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  return Math.sign(x) * (1 - erfc);
}

/** The inverse error function on (-1, 1): Giles' approximation refined by two Newton steps on `errorFunction`. */
export function inverseErrorFunction(y: number): number {
  if (y <= -1) return y === -1 ? -Infinity : NaN;
  if (y >= 1) return y === 1 ? Infinity : NaN;
  let w = -Math.log((1 - y) * (1 + y));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  let x = p * y;
  for (let k = 0; k < 2; k++) x -= (errorFunction(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}

/**
 * Orthonormal factor of a Householder QR in float64: for `a` (m×n row-major, m ≥ n), returns
 * Q (m×n) with each column multiplied by sign(R_jj), i.e. the unique QR whose R has a positive
 * diagonal (torch multiplies by `diag(R).sign()`, and like it a zero diagonal zeroes the column).
 */
export function orthonormalQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = a.slice();
  const vs = new Float64Array(m * n); // Householder vectors, column k holds v_k in rows k..m-1
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k] > 0 ? -norm : norm;
    let vnorm = 0;
    for (let i = k; i < m; i++) {
      const v = r[i * n + k] - (i === k ? alpha : 0);
      vs[i * n + k] = v;
      vnorm += v * v;
    }
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) {
      for (let i = k; i < m; i++) vs[i * n + k] /= vnorm;
      applyReflector(r, vs, k, m, n, k);
    }
    diag[k] = r[k * n + k];
  }
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) applyReflector(q, vs, k, m, n, 0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= Math.sign(diag[j]);
  return q;
}

/** target[k.., from..] ← (I − 2 v vᵀ) target[k.., from..] with v = column k of `vs`. */
function applyReflector(target: Float64Array, vs: Float64Array, k: number, m: number, n: number, from: number): void {
  for (let j = from; j < n; j++) {
    let dot = 0;
    for (let i = k; i < m; i++) dot += vs[i * n + k] * target[i * n + j];
    if (dot === 0) continue;
    for (let i = k; i < m; i++) target[i * n + j] -= 2 * dot * vs[i * n + k];
  }
}

/** Arguments of each initializer, keyed by the contract's initializer name. */
export interface InitArgs {
  zeros: Record<string, never>;
  ones: Record<string, never>;
  constant: { readonly value: number };
  normal: { readonly mean: number; readonly std: number };
  uniform: { readonly low: number; readonly high: number };
  truncated_normal: { readonly mean: number; readonly std: number };
  xavier_normal: { readonly gain: number };
  xavier_uniform: { readonly gain: number };
  he_normal: Record<string, never>;
  he_uniform: Record<string, never>;
  lecun_normal: Record<string, never>;
  lecun_uniform: Record<string, never>;
  orthogonal: { readonly gain: number };
}

/** Every initializer name of the contract (aliases such as glorot_* are the registry's business). */
export type InitName = keyof InitArgs;

/** One initializer: its defaults (`null` = required), whether it needs fans, and how it fills. */
export interface InitSpec<A> {
  readonly defaults: { readonly [K in keyof A]: A[K] | null };
  /** True when the tensor needs at least 2 dimensions (fans, or orthogonal's matrix view). */
  readonly needsMatrix: boolean;
  fill(args: A, shape: readonly number[], out: InitTarget, offset: number, count: number, rng: Rng): void;
}

function fillConstant(value: number, out: InitTarget, offset: number, count: number): void {
  out.fill(value, offset, offset + count);
}

/** torch.nn.init.normal_(t, mean, std). */
function fillNormal(mean: number, std: number, out: InitTarget, offset: number, count: number, rng: Rng): void {
  for (let i = 0; i < count; i++) out[offset + i] = mean + std * rng.normal();
}

/** torch.nn.init.uniform_(t, a, b). */
function fillUniform(low: number, high: number, out: InitTarget, offset: number, count: number, rng: Rng): void {
  for (let i = 0; i < count; i++) out[offset + i] = low + (high - low) * rng.uniform();
}

/** kaiming_*_(mode='fan_in'): std = gain/√fan_in; the uniform bound is √3·std. */
function kaimingStd(shape: readonly number[], gain: number): number {
  return gain / Math.sqrt(calculateFans(shape).fanIn);
}

/** xavier_*_: std = gain·√(2/(fan_in + fan_out)); the uniform bound is √3·std. */
function xavierStd(shape: readonly number[], gain: number): number {
  const { fanIn, fanOut } = calculateFans(shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** The initializer table. */
export const INITIALIZERS: { readonly [N in InitName]: InitSpec<InitArgs[N]> } = {
  zeros: { defaults: {}, needsMatrix: false, fill: (_a, _s, out, o, n) => fillConstant(0, out, o, n) },
  ones: { defaults: {}, needsMatrix: false, fill: (_a, _s, out, o, n) => fillConstant(1, out, o, n) },
  constant: { defaults: { value: null }, needsMatrix: false, fill: (a, _s, out, o, n) => fillConstant(a.value, out, o, n) },
  normal: { defaults: { mean: 0, std: 0.05 }, needsMatrix: false, fill: (a, _s, out, o, n, rng) => fillNormal(a.mean, a.std, out, o, n, rng) },
  uniform: { defaults: { low: -0.05, high: 0.05 }, needsMatrix: false, fill: (a, _s, out, o, n, rng) => fillUniform(a.low, a.high, out, o, n, rng) },
  truncated_normal: {
    defaults: { mean: 0, std: 0.05 },
    needsMatrix: false,
    // trunc_normal_(t, mean, std, a = mean − 2std, b = mean + 2std), torch's inverse-CDF method:
    // l = Φ((a−mean)/std), u = Φ((b−mean)/std); t ~ U(2l−1, 2u−1); t = erfinv(t)·std·√2 + mean;
    // clamp to [a, b]. Φ(x) = (1 + erf(x/√2))/2.
    fill(a, _s, out, offset, count, rng) {
      const lo = a.mean - 2 * a.std;
      const hi = a.mean + 2 * a.std;
      const cdf = (x: number) => (1 + errorFunction(x / Math.SQRT2)) / 2;
      const l = cdf((lo - a.mean) / a.std);
      const u = cdf((hi - a.mean) / a.std);
      for (let i = 0; i < count; i++) {
        const t = 2 * l - 1 + (2 * u - 2 * l) * rng.uniform();
        const x = inverseErrorFunction(t) * a.std * Math.SQRT2 + a.mean;
        out[offset + i] = Math.min(hi, Math.max(lo, x));
      }
    },
  },
  xavier_normal: {
    defaults: { gain: 1 },
    needsMatrix: true,
    fill: (a, s, out, o, n, rng) => fillNormal(0, xavierStd(s, a.gain), out, o, n, rng),
  },
  xavier_uniform: {
    defaults: { gain: 1 },
    needsMatrix: true,
    fill(a, s, out, o, n, rng) {
      const bound = Math.sqrt(3) * xavierStd(s, a.gain);
      fillUniform(-bound, bound, out, o, n, rng);
    },
  },
  he_normal: { defaults: {}, needsMatrix: true, fill: (_a, s, out, o, n, rng) => fillNormal(0, kaimingStd(s, calculateGain('relu')), out, o, n, rng) },
  he_uniform: {
    defaults: {},
    needsMatrix: true,
    fill(_a, s, out, o, n, rng) {
      const bound = Math.sqrt(3) * kaimingStd(s, calculateGain('relu'));
      fillUniform(-bound, bound, out, o, n, rng);
    },
  },
  lecun_normal: { defaults: {}, needsMatrix: true, fill: (_a, s, out, o, n, rng) => fillNormal(0, kaimingStd(s, calculateGain('linear')), out, o, n, rng) },
  lecun_uniform: {
    defaults: {},
    needsMatrix: true,
    fill(_a, s, out, o, n, rng) {
      const bound = Math.sqrt(3) * kaimingStd(s, calculateGain('linear'));
      fillUniform(-bound, bound, out, o, n, rng);
    },
  },
  orthogonal: {
    defaults: { gain: 1 },
    needsMatrix: true,
    // torch.nn.init.orthogonal_: flatten to [rows, cols = numel/rows], fill with N(0, 1), transpose
    // if rows < cols, QR, Q ·= sign(diag(R)), transpose back, multiply by gain.
    fill(a, s, out, offset, count, rng) {
      if (s.length < 2) throw new RangeError('only tensors with 2 or more dimensions are supported by orthogonal');
      if (count === 0) return;
      const rows = s[0];
      const cols = count / rows;
      const flat = new Float64Array(count);
      for (let i = 0; i < count; i++) flat[i] = rng.normal();
      if (rows >= cols) {
        const q = orthonormalQ(flat, rows, cols);
        for (let i = 0; i < count; i++) out[offset + i] = a.gain * q[i];
      } else {
        const t = new Float64Array(count);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = flat[i * cols + j];
        const q = orthonormalQ(t, cols, rows);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[offset + i * cols + j] = a.gain * q[j * rows + i];
      }
    },
  },
};

/** Whether `name` is an initializer of the table. */
export function isInitName(name: string): name is InitName {
  return Object.prototype.hasOwnProperty.call(INITIALIZERS, name);
}

/** The full arguments of an initializer: the given ones over the defaults; throws if a required one is missing. */
export function resolveInitArgs<N extends InitName>(name: N, args: Partial<InitArgs[N]>): InitArgs[N] {
  const defaults = INITIALIZERS[name].defaults as Record<string, unknown>;
  const given = args as Record<string, unknown>;
  const full: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = given[key] ?? defaults[key];
    if (value === null || value === undefined) throw new Error(`initializer ${name}: missing required argument ${key}`);
    full[key] = value;
  }
  return full as unknown as InitArgs[N];
}

/**
 * Fills `out[offset .. offset + prod(shape))` with initializer `name(args)` for a tensor of
 * `shape` (PyTorch layout: dense `[out, in]`, conv `[out, in, kh, kw]`), drawing from `rng`.
 * Throws (an internal error: the checker rejects it first) when a fan-based or orthogonal
 * initializer is applied to a tensor of fewer than 2 dimensions, as torch does.
 */
export function initialize<N extends InitName>(
  name: N,
  args: Partial<InitArgs[N]>,
  shape: readonly number[],
  out: InitTarget,
  offset: number,
  rng: Rng,
): void {
  const spec = INITIALIZERS[name] as InitSpec<InitArgs[N]>;
  let count = 1;
  for (const d of shape) count *= d;
  if (offset < 0 || offset + count > out.length) throw new RangeError(`initializer ${name}: [${offset}, ${offset + count}) is outside a buffer of ${out.length}`);
  if (spec.needsMatrix && shape.length < 2) calculateFans(shape);
  spec.fill(resolveInitArgs(name, args), shape, out, offset, count, rng);
}
