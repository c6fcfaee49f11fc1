/**
 * The runtime's seeded random generator: PCG32 (PCG-XSH-RR 64/32, M. E. O'Neill,
 * https://www.pcg-random.org), written with 32-bit integer math so that a seed reproduces every
 * draw on every machine. The 64-bit state is held as two unsigned 32-bit halves.
 *
 * `createRng(42, 54)` reproduces the reference `pcg32-demo` sequence
 * (`pcg32_srandom_r(&rng, 42u, 54u)` → 0xa15c02b7, 0x7b47f409, ...).
 *
 * Floating draws: `uniform()` is a float64 built from 53 random bits (two 32-bit outputs), so
 * it takes every multiple of 2^-53 in [0, 1). `normal()` is Marsaglia's polar method; its second
 * value is kept as a spare in the state (and in `getState()`), so checkpoints resume exactly.
 * The polar method uses only `+ * / Math.sqrt` (correctly rounded) and `Math.log`; V8 computes
 * `Math.log` with its fdlibm port, the same on every platform.
 */

/** A PCG32 generator's complete state, as plain numbers (JSON-safe) for checkpoints. */
export interface RngState {
  /** High and low unsigned 32-bit halves of the 64-bit LCG state. */
  readonly stateHi: number;
  readonly stateLo: number;
  /** High and low halves of the (odd) 64-bit increment, which selects the stream. */
  readonly incHi: number;
  readonly incLo: number;
  /** Whether `normal()` holds a second value from its last pair, and that value. */
  readonly hasSpare: boolean;
  readonly spare: number;
}

/** A seeded generator. All draws advance its state; nothing else does. */
export interface Rng {
  /** The next raw 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number;
  /** A float64 in [0, 1) from 53 random bits. */
  uniform(): number;
  /** A standard normal draw (Marsaglia polar method, spare kept in the state). */
  normal(): number;
  /** An integer in [0, n) without modulo bias (rejection, as pcg32_boundedrand_r); 1 <= n <= 2^32. */
  intBelow(n: number): number;
  /** Shuffles `indices` in place with Fisher-Yates (from the last position down). */
  shuffle(indices: { length: number; [i: number]: number }): void;
  /**
   * An independent generator for sub-stream `stream` (e.g. 0 init, 1 dropout, 2 shuffling),
   * derived from this generator's current state; the parent is not advanced, so forking and
   * drawing from one stream never changes another.
   */
  fork(stream: number): Rng;
  /** A snapshot of the full state. */
  getState(): RngState;
  /** Restores a snapshot; the following draws continue bit-identically. */
  setState(state: RngState): void;
}

const TWO32 = 4294967296;

// 6364136223846793005 = 0x5851F42D_4C957F2D, the PCG multiplier.
const MUL_HI = 0x5851f42d;
const MUL_LO = 0x4c957f2d;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers (Hacker's Delight mulhu). */
function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const t0 = a0 * b0;
  const t1 = a1 * b0 + (t0 >>> 16);
  const t2 = a0 * b1 + (t1 & 0xffff);
  return (a1 * b1 + Math.floor(t1 / 65536) + Math.floor(t2 / 65536)) >>> 0;
}

/** 64-bit wrap-around arithmetic on [hi, lo] pairs, writing into `out`. */
function mul64(out: Uint32Array, aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = Math.imul(aLo, bLo) >>> 0;
  const hi = (mulHi32(aLo, bLo) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  out[0] = hi;
  out[1] = lo;
}

function add64(out: Uint32Array, aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  out[1] = lo >>> 0;
  out[0] = (aHi + bHi + (lo >= TWO32 ? 1 : 0)) >>> 0;
}

/** SplitMix64's finalizer: a bijective 64-bit mix used to derive fork seeds. */
function mix64(out: Uint32Array, hi: number, lo: number): void {
  // z ^= z >>> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >>> 27; z *= 0x94d049bb133111eb; z ^= z >>> 31
  let l = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0;
  let h = (hi ^ (hi >>> 30)) >>> 0;
  mul64(out, h, l, 0xbf58476d, 0x1ce4e5b9);
  h = out[0];
  l = out[1];
  l = (l ^ ((l >>> 27) | (h << 5))) >>> 0;
  h = (h ^ (h >>> 27)) >>> 0;
  mul64(out, h, l, 0x94d049bb, 0x133111eb);
  h = out[0];
  l = out[1];
  out[1] = (l ^ ((l >>> 31) | (h << 1))) >>> 0;
  out[0] = (h ^ (h >>> 31)) >>> 0;
}

/** Splits a non-negative safe integer (or a negative one, as 64-bit two's complement) into halves. */
function splitSeed(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO32) >>> 0;
  return [hi, lo];
}

class Pcg32 implements Rng {
  private stateHi = 0;
  private stateLo = 0;
  private incHi = 0;
  private incLo = 1;
  private hasSpare = false;
  private spare = 0;
  private readonly tmp = new Uint32Array(2);

  /** pcg32_srandom_r: state = 0, inc = initseq << 1 | 1, step, state += initstate, step. */
  seed(initHi: number, initLo: number, seqHi: number, seqLo: number): void {
    this.incHi = ((seqHi << 1) | (seqLo >>> 31)) >>> 0;
    this.incLo = ((seqLo << 1) | 1) >>> 0;
    this.stateHi = 0;
    this.stateLo = 0;
    this.nextUint32();
    add64(this.tmp, this.stateHi, this.stateLo, initHi >>> 0, initLo >>> 0);
    this.stateHi = this.tmp[0];
    this.stateLo = this.tmp[1];
    this.nextUint32();
    this.hasSpare = false;
    this.spare = 0;
  }

  nextUint32(): number {
    const oldHi = this.stateHi;
    const oldLo = this.stateLo;
    const t = this.tmp;
    mul64(t, oldHi, oldLo, MUL_HI, MUL_LO);
    add64(t, t[0], t[1], this.incHi, this.incLo);
    this.stateHi = t[0];
    this.stateLo = t[1];
    // xorshifted = ((old >> 18) ^ old) >> 27, truncated to 32 bits; rot = old >> 59.
    const xHi = (oldHi ^ (oldHi >>> 18)) >>> 0;
    const xLo = (oldLo ^ ((oldLo >>> 18) | (oldHi << 14))) >>> 0;
    const xorshifted = ((xLo >>> 27) | (xHi << 5)) >>> 0;
    const rot = oldHi >>> 27;
    return ((xorshifted >>> rot) | (xorshifted << (-rot & 31))) >>> 0;
  }

  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  intBelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO32) throw new RangeError(`intBelow needs 1 <= n <= 2^32, got ${n}`);
    // Values below (2^32 mod n) would make the low residues more likely: reject them.
    const threshold = (TWO32 - n) % n;
    for (;;) {
      const r = this.nextUint32();
      if (r >= threshold) return r % n;
    }
  }

  shuffle(indices: { length: number; [i: number]: number }): void {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = this.intBelow(i + 1);
      const tmp = indices[i];
      indices[i] = indices[j];
      indices[j] = tmp;
    }
  }

  fork(stream: number): Rng {
    const [sHi, sLo] = splitSeed(stream);
    const t = this.tmp;
    // initstate = mix(state + (stream + 1) * golden), initseq = mix(inc ^ stream)
    add64(t, sHi, sLo, 0, 1);
    mul64(t, t[0], t[1], 0x9e3779b9, 0x7f4a7c15);
    add64(t, t[0], t[1], this.stateHi, this.stateLo);
    mix64(t, t[0], t[1]);
    const initHi = t[0];
    const initLo = t[1];
    mix64(t, (this.incHi ^ sHi) >>> 0, (this.incLo ^ sLo) >>> 0);
    const child = new Pcg32();
    child.seed(initHi, initLo, t[0], t[1]);
    return child;
  }

  getState(): RngState {
    return {
      stateHi: this.stateHi,
      stateLo: this.stateLo,
      incHi: this.incHi,
      incLo: this.incLo,
      hasSpare: this.hasSpare,
      spare: this.spare,
    };
  }

  setState(state: RngState): void {
    this.stateHi = state.stateHi >>> 0;
    this.stateLo = state.stateLo >>> 0;
    this.incHi = state.incHi >>> 0;
    this.incLo = (state.incLo | 1) >>> 0;
    this.hasSpare = state.hasSpare;
    this.spare = state.spare;
  }
}

/**
 * A PCG32 generator seeded as `pcg32_srandom_r(rng, seed, sequence)`.
 * @param seed any safe integer (negative seeds are taken as 64-bit two's complement)
 * @param sequence the PCG stream selector (only its low 63 bits matter); default 0
 */
export function createRng(seed: number, sequence = 0): Rng {
  const [hi, lo] = splitSeed(seed);
  const [qHi, qLo] = splitSeed(sequence);
  const rng = new Pcg32();
  rng.seed(hi, lo, qHi, qLo);
  return rng;
}

/** A generator restored from a checkpointed state. */
export function rngFromState(state: RngState): Rng {
  const rng = new Pcg32();
  rng.setState(state);
  return rng;
}

/** The state as six numbers `[stateHi, stateLo, incHi, incLo, hasSpare (0|1), spare]`, for flat checkpoints. */
export function rngStateToArray(state: RngState): number[] {
  return [state.stateHi, state.stateLo, state.incHi, state.incLo, state.hasSpare ? 1 : 0, state.spare];
}

/** The inverse of `rngStateToArray`. */
export function rngStateFromArray(a: readonly number[]): RngState {
  if (a.length !== 6) throw new RangeError(`an RNG state has 6 numbers, got ${a.length}`);
  return { stateHi: a[0], stateLo: a[1], incHi: a[2], incLo: a[3], hasSpare: a[4] === 1, spare: a[5] };
}
