/**
 * The dense layers' activations and their derivatives on f32x4 vectors, as emitters of
 * WebAssembly code for the elementwise module. Every instruction is IEEE (no relaxed SIMD), so a
 * routine gives the same bits on every engine.
 *
 * - `tanh`: Eigen's 13/6-degree odd rational function (`generic_fast_tanh_float`) on the input
 *   clamped to [-9, 9], and `x` itself below 4e-4 in magnitude (tanh x = x there to
 *   float32 precision, while the rational's products of tiny inputs lose bits to underflow). Measured against Math.tanh over every float32 of [-10, 10]: at most 6.9 ulp
 *   (near |x| = 5.83, an absolute error of 4e-7).
 * - `sigmoid`: `e / (1 + e)` with `e = exp(-|x|)`, mirrored as `1 - that` for positive `x`;
 *   exp by `2ⁿ·p(t)` with `n = round(-|x|·log₂e)`, a two-constant Cody-Waite reduction and a
 *   degree-6 polynomial (Chebyshev interpolant of exp on [-ln2/2, ln2/2]). 0 below -87.34 (the
 *   float32 subnormal range). At most 2.5 ulp against the float64 sigmoid over every float32 of [-87, 87].
 *
 * NaN passes through every activation except `relu`, which maps it to 0 as the TypeScript loop does.
 */
import type { DenseActivation } from '../kernels/types.js';
import type { Code } from './code.js';

/** Eigen's tanh numerator (odd powers 1..13) and denominator (even powers 0..6) coefficients. */
const TANH_P = [4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16];
const TANH_Q = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];
const TANH_CLAMP = 9;
const TANH_TINY = 4e-4;

/** exp(t) on |t| ≤ ln2/2 (float32 coefficients of t⁰..t⁶). */
const EXP_P = [1, 1, 0.5, 0.166664153, 0.0416663513, 0.00837512594, 0.00139411085];
/** ln 2 split so that n·LN2_HI is exact for |n| < 2⁸. */
const LN2_HI = 0.693145751953125;
const LN2_LO = Math.LN2 - LN2_HI;
/** Below this, exp(x) is subnormal in float32; the sigmoid there is 0. */
const EXP_CUTOFF = -87.33654;
const ONE_BITS = 0x3f800000;

/** Pushes `act(v)` for the vector in local `v`. */
export type VectorForward = (v: number) => void;

/**
 * Pushes `dz · act'(…)` for the vectors in locals `dz` and `from` (the output `y`, or the
 * pre-activation for `leaky_relu`).
 */
export type VectorDerivative = (dz: number, from: number) => void;

/** Constant splats, one v128 local each, set where `Splats` is created (before any loop). */
class Splats {
  private readonly locals = new Map<string, number>();
  constructor(private readonly f: Code) {}

  /** The local holding `value` in all four f32 lanes. */
  f32(value: number): number {
    return this.make(`f${Math.fround(value)}`, () => this.f.f32Const(value).f32x4Splat());
  }

  /** The local holding the 32-bit pattern `bits` in all four lanes. */
  i32(bits: number): number {
    return this.make(`i${bits}`, () => this.f.i32Const(bits).i32x4Splat());
  }

  private make(key: string, push: () => void): number {
    let l = this.locals.get(key);
    if (l === undefined) {
      l = this.f.local('v128');
      push();
      this.f.set(l);
      this.locals.set(key, l);
    }
    return l;
  }
}

/** Horner's rule `((c[k]·x + c[k-1])·x + …) + c[0]` for x in local `x`; coefficient locals in `c`. */
function horner(f: Code, x: number, c: readonly number[]): void {
  f.get(c[c.length - 1]!);
  for (let k = c.length - 2; k >= 0; k--) f.get(x).f32x4Mul().get(c[k]!).f32x4Add();
}

function tanh(f: Code, k: Splats): VectorForward {
  const p = TANH_P.map((c) => k.f32(c));
  const q = TANH_Q.map((c) => k.f32(c));
  const lo = k.f32(-TANH_CLAMP), hi = k.f32(TANH_CLAMP), tiny = k.f32(TANH_TINY);
  const x = f.local('v128'), x2 = f.local('v128');
  return (v) => {
    f.get(v).get(lo).f32x4Pmax().get(hi).f32x4Pmin().tee(x);
    f.get(x).f32x4Mul().set(x2);
    horner(f, x2, p);
    f.get(x).f32x4Mul();
    horner(f, x2, q);
    f.f32x4Div();
    // tiny inputs: x itself, selected after the division so the common path has no branch
    f.set(x2).get(v).get(x2).get(v).f32x4Abs().get(tiny).f32x4Lt().v128Bitselect();
  };
}

function sigmoid(f: Code, k: Splats): VectorForward {
  const c = EXP_P.map((v) => k.f32(v));
  const one = k.f32(1), log2e = k.f32(Math.LOG2E), ln2hi = k.f32(LN2_HI), ln2lo = k.f32(LN2_LO);
  const cutoff = k.f32(EXP_CUTOFF), oneBits = k.i32(ONE_BITS), zero = k.f32(0);
  const z = f.local('v128'), n = f.local('v128'), t = f.local('v128'), e = f.local('v128');
  return (v) => {
    // z = -|v|, n = round(z·log₂e), t = z - n·ln2, e = 2ⁿ·p(t)
    f.get(zero).get(v).f32x4Abs().f32x4Sub().tee(z).get(log2e).f32x4Mul().f32x4Nearest().set(n);
    f.get(z).get(n).get(ln2hi).f32x4Mul().f32x4Sub().get(n).get(ln2lo).f32x4Mul().f32x4Sub().set(t);
    horner(f, t, c);
    f.get(n).i32x4TruncSatF32x4S().i32Const(23).i32x4Shl().get(oneBits).i32x4Add().f32x4Mul().set(e);
    // f = e / (1 + e), 0 where exp underflows; 1 - f for positive inputs
    f.get(e).get(one).get(e).f32x4Add().f32x4Div().get(z).get(cutoff).f32x4Lt().v128Andnot().set(e);
    f.get(one).get(e).f32x4Sub().get(e).get(v).get(zero).f32x4Gt().v128Bitselect();
  };
}

/** How an activation's emitter is made: `k` sets its constants, `alpha` is leaky_relu's slope splat. */
type Make<T> = (f: Code, k: Splats, alpha: number) => T;

const FORWARD: { readonly [A in DenseActivation]: Make<VectorForward> } = {
  linear: (f) => (v) => void f.get(v),
  relu: (f, k) => {
    const zero = k.f32(0);
    return (v) => void f.get(v).get(v).get(zero).f32x4Gt().v128And();
  },
  leaky_relu: (f, k, alpha) => {
    const zero = k.f32(0);
    return (v) => void f.get(v).get(v).get(alpha).f32x4Mul().get(v).get(zero).f32x4Gt().v128Bitselect();
  },
  tanh,
  sigmoid,
};

const DERIVATIVE: { readonly [A in DenseActivation]: Make<VectorDerivative | null> } = {
  linear: () => null,
  relu: (f, k) => {
    const zero = k.f32(0);
    return (dz, y) => void f.get(dz).get(y).get(zero).f32x4Gt().v128And();
  },
  leaky_relu: (f, k, alpha) => {
    const zero = k.f32(0);
    return (dz, pre) => void f.get(dz).get(dz).get(alpha).f32x4Mul().get(pre).get(zero).f32x4Gt().v128Bitselect();
  },
  tanh: (f, k) => {
    // (1 - y)(1 + y), not 1 - y·y: near |y| = 1 the subtraction is exact (Sterbenz), not cancelling
    const one = k.f32(1);
    return (dz, y) => void f.get(dz).get(one).get(y).f32x4Sub().get(one).get(y).f32x4Add().f32x4Mul().f32x4Mul();
  },
  sigmoid: (f, k) => {
    const one = k.f32(1);
    return (dz, y) => void f.get(dz).get(y).f32x4Mul().get(one).get(y).f32x4Sub().f32x4Mul();
  },
};

/**
 * Declares and sets (at the current position: call it before the loop) the constants of `act`'s
 * forward, and returns its emitter. `alpha` is a v128 local holding leaky_relu's slope in every lane.
 */
export function vectorForward(f: Code, act: DenseActivation, alpha: number): VectorForward {
  return FORWARD[act](f, new Splats(f), alpha);
}

/** As `vectorForward`, for the derivative; `null` for `linear` (derivative 1). */
export function vectorDerivative(f: Code, act: DenseActivation, alpha: number): VectorDerivative | null {
  return DERIVATIVE[act](f, new Splats(f), alpha);
}
