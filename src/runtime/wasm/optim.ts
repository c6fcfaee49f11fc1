/**
 * Optimizer updates in WebAssembly SIMD: a module generated for one optimizer configuration,
 * instantiated over the kernel table's memory, that updates parameters, gradients and slots in
 * place by byte address (four lanes of f32x4 at a time, then a scalar tail with the very same
 * operations, so an element's result never depends on its position).
 *
 * The update follows the reference loops in `../optim/adam.ts` and `../optim/sgd.ts` operation
 * by operation, in float32 (the reference rounds once per stored value from float64, so the two
 * agree to a few float32 ulps, not bit for bit). Per-step scalars (step count, bias corrections,
 * decoupled shrink) are computed in JavaScript in float64 exactly as the reference does and
 * passed in. Only IEEE operations (no relaxed SIMD, no fused multiply-add): a seed gives the
 * same numbers on every engine.
 *
 * Vectorized: adam, adamw (amsgrad, coupled or decoupled weight decay), sgd, gd, momentum and
 * nesterov (momentum, Nesterov, weight decay), adagrad, adadelta, rmsprop (momentum, centered)
 * and nadam. Adamax runs the reference update on the same storage (its max of |g| + ε would need
 * NaN-exact max and abs), and so does everything where the engine has no WebAssembly SIMD.
 *
 * `normKernels` gives the clipping loops (sums of squares, scaling) the same treatment.
 */
import type { ClipKernels } from '../clip.js';
import { PLAIN_CLIP_KERNELS } from '../clip.js';
import type { FastUpdate, OptimizerBackend } from '../optim/types.js';
import type { FloatArray } from '../tensor.js';
import type { Code, ValType } from './code.js';
import { ModuleBuilder, type MemoryImport } from './module.js';

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The import descriptor for `memory`: shared (threads) when its buffer is a SharedArrayBuffer. */
export function memoryImportFor(memory: WebAssembly.Memory): MemoryImport {
  return isShared(memory) ? { minPages: 1, maxPages: 65536, shared: true } : { minPages: 1 };
}

/**
 * Whether an array is a view of `memory`: of its current buffer, or, for a shared memory (whose
 * `buffer` is a new object after each grow while older views stay valid), of a buffer seen when
 * the kernels were made (`known`). A plain memory's older views are detached by a grow.
 */
function viewOf(memory: WebAssembly.Memory, known: readonly ArrayBufferLike[]): (a: ArrayBufferView) => boolean {
  const older = isShared(memory) ? [memory.buffer, ...known] : [];
  return (a) => a.buffer === memory.buffer || older.includes(a.buffer);
}

/** One element's update written once for both widths: `v` (f32x4 lanes) and `s` (one f32). */
class Lanes {
  constructor(
    private readonly f: Code,
    readonly wide: boolean,
    /** The local holding each f32 constant at this width (a splat for `v`). */
    private readonly constants: readonly number[],
  ) {}

  /** A fresh local of this width. */
  local(): number { return this.f.local(this.wide ? 'v128' : 'f32'); }
  /** Pushes the element at the byte address in local `ptr`. */
  load(ptr: number): this { this.f.get(ptr); if (this.wide) this.f.v128Load(); else this.f.f32Load(); return this; }
  /** Stores what `value` pushes at the byte address in local `ptr`. */
  store(ptr: number, value: () => void): this {
    this.f.get(ptr);
    value();
    if (this.wide) this.f.v128Store(); else this.f.f32Store();
    return this;
  }
  /** Pushes constant number `k` (a parameter of the update). */
  c(k: number): this { this.f.get(this.constants[k]); return this; }
  get(l: number): this { this.f.get(l); return this; }
  set(l: number): this { this.f.set(l); return this; }
  tee(l: number): this { this.f.tee(l); return this; }
  add(): this { if (this.wide) this.f.f32x4Add(); else this.f.f32Add(); return this; }
  sub(): this { if (this.wide) this.f.f32x4Sub(); else this.f.f32Sub(); return this; }
  mul(): this { if (this.wide) this.f.f32x4Mul(); else this.f.f32Mul(); return this; }
  div(): this { if (this.wide) this.f.f32x4Div(); else this.f.f32Div(); return this; }
  sqrt(): this { if (this.wide) this.f.f32x4Sqrt(); else this.f.f32Sqrt(); return this; }
  /** Pops b, a; pushes `a < b ? b : a` (a JavaScript `if (b > a) a = b`). */
  pmax(a: number, b: number): this {
    if (this.wide) this.f.get(a).get(b).f32x4Pmax();
    else this.f.get(b).get(a).get(b).get(a).f32Gt().select();
    return this;
  }
}

/** An update body: `ptrs` are the locals of the byte addresses (p, g, slots...), in that order. */
type Body = (l: Lanes, ptrs: readonly number[]) => void;

/**
 * Emits `update(n, ptr_0..ptr_{k-1}, c_0..c_{m-1})`: the body over n elements, four at a time,
 * then one at a time.
 */
function emitUpdate(mb: ModuleBuilder, exportName: string, pointers: number, constants: number, body: Body): void {
  const params: ValType[] = ['i32', ...new Array<ValType>(pointers).fill('i32'), ...new Array<ValType>(constants).fill('f32')];
  const { code: f } = mb.func(params, [], exportName);
  const ptrs = Array.from({ length: pointers }, (_, k) => 1 + k);
  const scalarConsts = Array.from({ length: constants }, (_, k) => 1 + pointers + k);
  const splats = scalarConsts.map((c) => {
    const v = f.local('v128');
    f.get(c).f32x4Splat().set(v);
    return v;
  });
  // both ends are computed before the vector loop advances the pointers:
  // p + 16·⌊n/4⌋ for the vectors, p + 4·n for everything
  const vectorEnd = f.local('i32'), end = f.local('i32');
  f.get(ptrs[0]).get(0).i32Const(-4).i32And().i32Const(2).i32Shl().i32Add().set(vectorEnd);
  f.get(ptrs[0]).get(0).i32Const(2).i32Shl().i32Add().set(end);
  const loop = (wide: boolean, consts: readonly number[], limit: number): void => {
    const width = wide ? 16 : 4;
    f.block().loop();
    f.get(ptrs[0]).get(limit).i32GeU().brIf(1);
    body(new Lanes(f, wide, consts), ptrs);
    for (const p of ptrs) f.get(p).i32Const(width).i32Add().set(p);
    f.br(0).end().end();
  };
  loop(true, splats, vectorEnd);
  loop(false, scalarConsts, end);
}

/** What the Adam body needs to know when it is generated. */
interface AdamShape {
  readonly decoupled: boolean;
  readonly coupled: boolean;
  readonly amsgrad: boolean;
}

// Adam constants, in parameter order.
const [SHRINK, B1, OMB1, B2, OMB2, WD, BC2SQRT, EPS, NEG_STEP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** Adam / AdamW as `adamLike` in ../optim/adam.ts; pointers p, g, m, v, vmax. */
function adamBody(s: AdamShape): Body {
  return (l, [p, g, m, v, vmax]) => {
    const gi = l.local(), mi = l.local(), vi = l.local(), pi = l.local();
    l.load(p).set(pi);
    if (s.decoupled) l.get(pi).c(SHRINK).mul().set(pi);
    l.load(g);
    if (s.coupled) l.c(WD).get(pi).mul().add();
    l.set(gi);
    l.store(m, () => l.load(m).c(B1).mul().c(OMB1).get(gi).mul().add().tee(mi));
    l.store(v, () => l.load(v).c(B2).mul().c(OMB2).get(gi).mul().get(gi).mul().add().tee(vi));
    const vhat = s.amsgrad ? l.local() : vi;
    if (s.amsgrad) {
      const old = l.local();
      l.load(vmax).set(old);
      l.store(vmax, () => l.pmax(old, vi).tee(vhat));
    }
    l.store(p, () => l.get(pi).c(NEG_STEP).get(mi).get(vhat).sqrt().c(BC2SQRT).div().c(EPS).add().div().mul().add());
  };
}

/** What the SGD body needs to know when it is generated. */
interface SgdShape {
  readonly momentum: boolean;
  readonly nesterov: boolean;
  readonly decay: boolean;
  readonly first: boolean;
}

const [NEG_LR, MOM, DECAY] = [0, 1, 2];

/** SGD as `sgdUpdate` in ../optim/sgd.ts; pointers p, g, buf. */
function sgdBody(s: SgdShape): Body {
  return (l, [p, g, buf]) => {
    const pi = l.local(), d = l.local();
    l.load(p).set(pi).load(g);
    if (s.decay) l.c(DECAY).get(pi).mul().add();
    l.set(d);
    if (s.momentum) {
      const b = l.local();
      if (s.first) l.store(buf, () => l.get(d).tee(b));
      else l.store(buf, () => l.c(MOM).load(buf).mul().get(d).add().tee(b));
      if (s.nesterov) l.get(d).c(MOM).get(b).mul().add().set(d);
      else l.get(b).set(d);
    }
    l.store(p, () => l.get(pi).c(NEG_LR).get(d).mul().add());
  };
}

/** Arguments as the optimizer table resolves them (names as in ../optim). */
type Args = Readonly<Record<string, number | boolean>>;

function num(a: Args, key: string): number {
  return Number(a[key] ?? 0);
}

interface Instance {
  readonly exports: Record<string, (...xs: number[]) => void>;
}

/** The module's exports over `memory`, or null where the engine has no WebAssembly SIMD. */
function instantiate(mb: ModuleBuilder, memory: WebAssembly.Memory): Instance['exports'] | null {
  const bytes = mb.encode();
  if (!WebAssembly.validate(bytes)) return null;
  return (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }) as unknown as Instance).exports;
}

function adamUpdate(memory: WebAssembly.Memory, decoupled: boolean, a: Args, slots: readonly Float32Array[], n: number): FastUpdate | null {
  const amsgrad = a['amsgrad'] === true;
  const wd = num(a, 'weight_decay');
  const mb = new ModuleBuilder(memoryImportFor(memory));
  emitUpdate(mb, 'update', 5, 9, adamBody({ decoupled, coupled: !decoupled && wd !== 0, amsgrad }));
  const fn = instantiate(mb, memory)?.['update'];
  if (fn === undefined) return null;
  const beta1 = num(a, 'beta1'), beta2 = num(a, 'beta2'), eps = num(a, 'eps');
  const [m, v] = slots;
  const vmax = amsgrad ? slots[2] : v;
  const inMemory = viewOf(memory, [m.buffer]);
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    const t = (scalars[0] += 1);
    const shrink = decoupled ? 1 - lr * wd : 1;
    const stepSize = lr / (1 - Math.pow(beta1, t));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    fn(n, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, vmax.byteOffset,
      shrink, beta1, 1 - beta1, beta2, 1 - beta2, wd, bc2Sqrt, eps, -stepSize);
    return true;
  };
}

function sgdUpdate(memory: WebAssembly.Memory, momentum: number, nesterov: boolean, wd: number, slots: readonly Float32Array[], n: number): FastUpdate | null {
  const mb = new ModuleBuilder(memoryImportFor(memory));
  const shape = { momentum: momentum !== 0, nesterov, decay: wd !== 0 };
  emitUpdate(mb, 'first', 3, 3, sgdBody({ ...shape, first: true }));
  emitUpdate(mb, 'next', 3, 3, sgdBody({ ...shape, first: false }));
  const fns = instantiate(mb, memory);
  if (fns === null) return null;
  const { first, next } = fns;
  // without momentum there is no buffer: point it at the gradients, which the body never reads then
  const buf = slots[0];
  const inMemory = viewOf(memory, slots.map((x) => x.buffer));
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    const fn = scalars[0] === 0 ? first : next;
    fn(n, p.byteOffset, g.byteOffset, buf === undefined ? g.byteOffset : buf.byteOffset, -lr, momentum, wd);
    scalars[0] += 1;
    return true;
  };
}

// Constants of the adaptive family, in parameter order (each body uses a prefix of its own).
const [A_NEG_LR, A_EPS, A_RHO, A_OMRHO, A_MOM] = [0, 1, 2, 3, 4];

/** Adagrad, RMSprop and Adadelta as in ../optim/adaptive.ts; pointers p, g, then the slots in slot order. */
function adaptiveBody(kind: 'adagrad' | 'adadelta' | 'rmsprop', momentum: boolean, centered: boolean): Body {
  return (l, [p, g, s0, s1, s2]) => {
    const gi = l.local(), sq = l.local(), d = l.local();
    l.load(g).set(gi);
    if (kind === 'adagrad') {
      l.store(s0, () => l.load(s0).get(gi).get(gi).mul().add().tee(sq));
      l.store(p, () => l.load(p).c(A_NEG_LR).get(gi).get(sq).sqrt().c(A_EPS).add().div().mul().add());
      return;
    }
    l.store(s0, () => l.load(s0).c(A_RHO).mul().c(A_OMRHO).get(gi).mul().get(gi).mul().add().tee(sq));
    if (kind === 'adadelta') {
      l.load(s1).c(A_EPS).add().sqrt().get(sq).c(A_EPS).add().sqrt().div().get(gi).mul().set(d);
      l.store(s1, () => l.load(s1).c(A_RHO).mul().c(A_OMRHO).get(d).mul().get(d).mul().add());
      l.store(p, () => l.load(p).c(A_NEG_LR).get(d).mul().add());
      return;
    }
    const avg = l.local();
    if (centered) {
      const ga = l.local(), gavg = momentum ? s2 : s1;
      l.store(gavg, () => l.load(gavg).c(A_RHO).mul().c(A_OMRHO).get(gi).mul().add().tee(ga));
      l.get(sq).get(ga).get(ga).mul().sub().sqrt().c(A_EPS).add().set(avg);
    } else {
      l.get(sq).sqrt().c(A_EPS).add().set(avg);
    }
    if (momentum) {
      l.store(s1, () => l.load(s1).c(A_MOM).mul().get(gi).get(avg).div().add().tee(d));
      l.store(p, () => l.load(p).c(A_NEG_LR).get(d).mul().add());
    } else {
      l.store(p, () => l.load(p).c(A_NEG_LR).get(gi).get(avg).div().mul().add());
    }
  };
}

function adaptiveUpdate(
  memory: WebAssembly.Memory, kind: 'adagrad' | 'adadelta' | 'rmsprop', a: Args, slots: readonly Float32Array[], n: number,
): FastUpdate | null {
  const momentum = num(a, 'momentum'), centered = a['centered'] === true;
  const mb = new ModuleBuilder(memoryImportFor(memory));
  emitUpdate(mb, 'update', 5, 5, adaptiveBody(kind, momentum > 0, centered));
  const fn = instantiate(mb, memory)?.['update'];
  if (fn === undefined) return null;
  const eps = num(a, 'eps'), rho = num(a, 'rho');
  const [s0, s1 = s0, s2 = s0] = slots;
  const inMemory = viewOf(memory, [s0.buffer]);
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    fn(n, p.byteOffset, g.byteOffset, s0.byteOffset, s1.byteOffset, s2.byteOffset, -lr, eps, rho, 1 - rho, momentum);
    scalars[0] += 1;
    return true;
  };
}

const [N_B1, N_OMB1, N_B2, N_OMB2, N_BC2, N_EPS, N_GRAD, N_AVG] = [0, 1, 2, 3, 4, 5, 6, 7];

/** NAdam as in ../optim/adam.ts (two separate additions to p, each rounded); pointers p, g, m, v. */
const nadamBody: Body = (l, [p, g, m, v]) => {
  const gi = l.local(), mi = l.local(), vi = l.local(), denom = l.local(), pi = l.local();
  l.load(g).set(gi);
  l.store(m, () => l.load(m).c(N_B1).mul().c(N_OMB1).get(gi).mul().add().tee(mi));
  l.store(v, () => l.load(v).c(N_B2).mul().c(N_OMB2).get(gi).mul().get(gi).mul().add().tee(vi));
  l.get(vi).c(N_BC2).div().sqrt().c(N_EPS).add().set(denom);
  l.load(p).c(N_GRAD).get(gi).get(denom).div().mul().add().set(pi);
  l.store(p, () => l.get(pi).c(N_AVG).get(mi).get(denom).div().mul().add());
};

function nadamUpdate(memory: WebAssembly.Memory, a: Args, slots: readonly Float32Array[], n: number): FastUpdate | null {
  const mb = new ModuleBuilder(memoryImportFor(memory));
  emitUpdate(mb, 'update', 4, 8, nadamBody);
  const fn = instantiate(mb, memory)?.['update'];
  if (fn === undefined) return null;
  const beta1 = num(a, 'beta1'), beta2 = num(a, 'beta2'), eps = num(a, 'eps'), psi = num(a, 'momentum_decay');
  const [m, v] = slots;
  const inMemory = viewOf(memory, [m.buffer]);
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    const t = (scalars[0] += 1);
    const bc2 = 1 - Math.pow(beta2, t);
    const mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * psi));
    const muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * psi));
    const muProduct = (scalars[1] *= mu);
    const muProductNext = muProduct * muNext;
    const gradCoef = (-lr * (1 - mu)) / (1 - muProduct);
    const avgCoef = (-lr * muNext) / (1 - muProductNext);
    fn(n, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, beta1, 1 - beta1, beta2, 1 - beta2, bc2, eps, gradCoef, avgCoef);
    return true;
  };
}

/**
 * The WebAssembly update of optimizer `name(args)` over `slots` (views of `memory`, in the
 * optimizer's slot order) for `n` parameters, or null when `name` has none (or the engine no SIMD).
 */
export function wasmOptimizerUpdate(
  memory: WebAssembly.Memory, name: string, args: Args, slots: readonly Float32Array[], n: number,
): FastUpdate | null {
  const inMemory = viewOf(memory, []);
  if (slots.some((s) => !inMemory(s) || s.length !== n)) return null;
  switch (name) {
    case 'adam': return adamUpdate(memory, false, args, slots, n);
    case 'adamw': return adamUpdate(memory, true, args, slots, n);
    case 'gd': return sgdUpdate(memory, 0, false, 0, slots, n);
    case 'sgd': return sgdUpdate(memory, num(args, 'momentum'), args['nesterov'] === true, num(args, 'weight_decay'), slots, n);
    case 'momentum': return sgdUpdate(memory, num(args, 'beta'), false, 0, slots, n);
    case 'nesterov': return sgdUpdate(memory, num(args, 'beta'), true, 0, slots, n);
    case 'adagrad': case 'adadelta': case 'rmsprop': return adaptiveUpdate(memory, name, args, slots, n);
    case 'nadam': return nadamUpdate(memory, args, slots, n);
    default: return null;
  }
}

/**
 * The optimizer backend of a kernel table: slots from `alloc` (the plan's arena, so they live
 * in the table's memory) and, when the table is the WebAssembly one (it has a `memory`) and the
 * engine has SIMD, the WebAssembly updates above; otherwise the reference updates run on them.
 */
export function optimizerBackend(kernels: object, alloc: (floats: number) => Float32Array): OptimizerBackend {
  const memory = 'memory' in kernels && kernels.memory instanceof WebAssembly.Memory ? kernels.memory : null;
  return {
    alloc,
    fastUpdate: (name, args, slots, n) => (memory === null ? null : wasmOptimizerUpdate(memory, name, args, slots, n)),
  };
}

/**
 * Emits `sumsq(p, n) -> f64`: Σ p[i]² with each float widened to f64 (so each square is exact),
 * eight at a time into four f64x2 accumulators, then the tail in order; the partial sums are
 * combined as ((a0 + a1) + (a2 + a3)), low lane + high lane, + tail. A fixed order: the same
 * bits on every engine, within float64 rounding of the sequential sum.
 */
function emitSumSquares(mb: ModuleBuilder): void {
  const { code: f } = mb.func(['i32', 'i32'], ['f64'], 'sumsq');
  const [p, n] = [0, 1];
  const acc = [0, 1, 2, 3].map(() => f.local('v128'));
  const x = f.local('v128'), vectorEnd = f.local('i32'), end = f.local('i32'), tail = f.local('f64'), y = f.local('f64');
  f.get(p).get(n).i32Const(-8).i32And().i32Const(2).i32Shl().i32Add().set(vectorEnd);
  f.get(p).get(n).i32Const(2).i32Shl().i32Add().set(end);
  f.block().loop();
  f.get(p).get(vectorEnd).i32GeU().brIf(1);
  acc.forEach((a, k) => {
    f.get(p).v128Load64Zero(8 * k).f64x2PromoteLowF32x4().tee(x).get(x).f64x2Mul().get(a).f64x2Add().set(a);
  });
  f.get(p).i32Const(32).i32Add().set(p).br(0).end().end();
  f.block().loop();
  f.get(p).get(end).i32GeU().brIf(1);
  f.get(p).f32Load().f64PromoteF32().tee(y).get(y).f64Mul().get(tail).f64Add().set(tail);
  f.get(p).i32Const(4).i32Add().set(p).br(0).end().end();
  f.get(acc[0]).get(acc[1]).f64x2Add().get(acc[2]).get(acc[3]).f64x2Add().f64x2Add().tee(x);
  f.f64x2ExtractLane(0).get(x).f64x2ExtractLane(1).f64Add().get(tail).f64Add();
}

/** Emits `scale(p, n, factor)`: p[i] *= factor in float32, four at a time, then the tail. */
function emitScale(mb: ModuleBuilder): void {
  emitUpdate(mb, 'scale', 1, 1, (l, [p]) => {
    l.store(p, () => l.load(p).c(0).mul());
  });
}

/**
 * The clipping loops over a kernel table's memory: WebAssembly SIMD sums of squares and scaling
 * for float32 arrays in the table's `memory`, the plain loops for anything else (float64 arrays,
 * arrays elsewhere, a table without a memory, an engine without SIMD). The sums add in a fixed
 * order of their own and the scaling multiplies by the factor rounded to float32, so results
 * differ from the plain loops' by float rounding only.
 */
export function normKernels(kernels: object): ClipKernels {
  const memory = 'memory' in kernels && kernels.memory instanceof WebAssembly.Memory ? kernels.memory : null;
  if (memory === null) return PLAIN_CLIP_KERNELS;
  const mb = new ModuleBuilder(memoryImportFor(memory));
  emitSumSquares(mb);
  emitScale(mb);
  const fns = instantiate(mb, memory);
  if (fns === null) return PLAIN_CLIP_KERNELS;
  const sumsq = fns['sumsq'] as unknown as (p: number, n: number) => number;
  const scale = fns['scale'];
  const view = viewOf(memory, []);
  const inMemory = (buf: FloatArray, offset: number, length: number): buf is Float32Array =>
    buf instanceof Float32Array && view(buf) && offset >= 0 && length >= 0 && offset + length <= buf.length;
  return {
    sumSquares: (buf, offset, length) =>
      inMemory(buf, offset, length) ? sumsq(buf.byteOffset + 4 * offset, length) : PLAIN_CLIP_KERNELS.sumSquares(buf, offset, length),
    scale(buf, offset, length, factor) {
      if (inMemory(buf, offset, length)) scale(length, buf.byteOffset + 4 * offset, factor);
      else PLAIN_CLIP_KERNELS.scale(buf, offset, length, factor);
    },
  };
}
