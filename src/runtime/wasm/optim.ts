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

 */
import type { FastUpdate, OptimizerBackend } from '../optim/types.js';
import { nadamCoefficients } from '../optim/adam.js';
import { compile, emitPart, emitUpdate, memoryImportFor, viewOf, type Body, type ThreadJobs, type UpdateArgs } from './lanes.js';
import { ModuleBuilder } from './module.js';

export { memoryImportFor } from './lanes.js';

/** Arguments as the optimizer table resolves them (names as in ../optim). */
type Args = Readonly<Record<string, number | boolean>>;

function num(a: Args, key: string): number {
  return Number(a[key] ?? 0);
}

/**
 * Elements from which an update is split across the kernel table's threads: about 50 µs of Adam
 * on one thread, well above a job's cost of waking the workers.
 */
export const PARALLEL_ELEMENTS = 1 << 16;

type Fn = (...xs: number[]) => void;

/** A generated update: its exports, and the thread jobs of their `part` forms where the table has threads. */
interface Update {
  /** `name(n, pointers..., constants...)` for each body. */
  readonly fns: Readonly<Record<string, Fn>>;
  /**
   * The argument block to write before `run` when this update is split across threads; null
   * when it runs on the calling thread (no threads, workers started before it was made, or
   * fewer than `PARALLEL_ELEMENTS` elements).
   */
  readonly args: UpdateArgs | null;
  /** The job number of each body's part. */
  readonly job: Readonly<Record<string, number>>;
  /**
   * Runs job `job` over the `n` elements whose pointers (and constants) are written in the
   * jobs' argument block: one split per segment of `segments` (the plan's layers), so that each
   * thread updates the rows of the layers it computed; the whole range at once without them.
   */
  run(job: number, n: number): void;
}

/**
 * Segment boundaries for the split update: `bounds` (ascending element offsets from 0 to n, a
 * layer each) with segments under a quarter of `PARALLEL_ELEMENTS` merged into the one before
 * (waking the workers once more would cost more than they save); null for one segment.
 */
function segmentBounds(bounds: readonly number[] | undefined, n: number): Int32Array | null {
  if (!bounds || bounds.length < 3 || bounds[0] !== 0 || bounds[bounds.length - 1] !== n) return null;
  const kept = [0];
  for (let q = 1; q < bounds.length; q++) {
    if (!(bounds[q]! > bounds[q - 1]!)) return null;
    if (bounds[q]! - kept[kept.length - 1]! < PARALLEL_ELEMENTS / 4 && kept.length > 1) kept.pop();
    kept.push(bounds[q]!);
  }
  return kept.length > 2 ? Int32Array.from(kept) : null;
}

/**
 * Generates and instantiates the bodies as `update`-style exports over `memory` and, where the
 * table has threads, their `part` forms registered as jobs. Null where the engine has no SIMD.
 */
function buildUpdate(
  memory: WebAssembly.Memory, jobs: ThreadJobs | undefined, pointers: number, constants: number, bodies: Readonly<Record<string, Body>>,
  segments: Int32Array | null, n: number,
): Update | null {
  const mb = new ModuleBuilder(memoryImportFor(memory));
  for (const [name, body] of Object.entries(bodies)) {
    emitUpdate(mb, name, pointers, constants, body);
    if (jobs) emitPart(mb, `${name}Part`, pointers, constants, body);
  }
  const c = compile(mb, memory);
  if (c === null) return null;
  const job: Record<string, number> = {};
  let usable = jobs ?? null;
  for (const name of jobs ? Object.keys(bodies) : []) {
    const j = jobs!.add(c.module, `${name}Part`, c.exports[`${name}Part`]);
    if (j === null) usable = null;
    else job[name] = j;
  }
  const bases = new Int32Array(pointers);
  const run = (j: number, n: number): void => {
    if (segments === null) {
      usable!.run(j, n, 4);
      return;
    }
    const i32 = usable!.args.i32;
    for (let k = 0; k < pointers; k++) bases[k] = i32[k]!;
    for (let q = 0; q + 1 < segments.length; q++) {
      const lo = segments[q]!;
      for (let k = 0; k < pointers; k++) i32[k] = bases[k]! + 4 * lo;
      usable!.run(j, segments[q + 1]! - lo, 4);
    }
  };
  return { fns: c.exports, args: usable !== null && n >= PARALLEL_ELEMENTS ? usable.args : null, job, run };
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

function adamUpdate(
  memory: WebAssembly.Memory, jobs: ThreadJobs | undefined, segments: Int32Array | null, decoupled: boolean, a: Args, slots: readonly Float32Array[], n: number,
): FastUpdate | null {
  const amsgrad = a['amsgrad'] === true;
  const wd = num(a, 'weight_decay');
  const u = buildUpdate(memory, jobs, 5, 9, { update: adamBody({ decoupled, coupled: !decoupled && wd !== 0, amsgrad }) }, segments, n);
  if (u === null) return null;
  const fn = u.fns['update'], job = u.job['update'], split = u.args;
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
    if (split !== null) {
      const { i32, f32 } = split;
      i32[0] = p.byteOffset; i32[1] = g.byteOffset; i32[2] = m.byteOffset; i32[3] = v.byteOffset; i32[4] = vmax.byteOffset;
      f32[5] = shrink; f32[6] = beta1; f32[7] = 1 - beta1; f32[8] = beta2; f32[9] = 1 - beta2;
      f32[10] = wd; f32[11] = bc2Sqrt; f32[12] = eps; f32[13] = -stepSize;
      u.run(job, n);
    } else {
      fn(n, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, vmax.byteOffset,
        shrink, beta1, 1 - beta1, beta2, 1 - beta2, wd, bc2Sqrt, eps, -stepSize);
    }
    return true;
  };
}

function sgdUpdate(
  memory: WebAssembly.Memory, jobs: ThreadJobs | undefined, segments: Int32Array | null, momentum: number, nesterov: boolean, wd: number, slots: readonly Float32Array[], n: number,
): FastUpdate | null {
  const shape = { momentum: momentum !== 0, nesterov, decay: wd !== 0 };
  const u = buildUpdate(memory, jobs, 3, 3, { first: sgdBody({ ...shape, first: true }), next: sgdBody({ ...shape, first: false }) }, segments, n);
  if (u === null) return null;
  const { first, next } = u.fns;
  const firstJob = u.job['first'], nextJob = u.job['next'], split = u.args;
  // without momentum there is no buffer: point it at the gradients, which the body never reads then
  const buf = slots[0];
  const inMemory = viewOf(memory, slots.map((x) => x.buffer));
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    // two call sites, each with one known target: V8 can then inline the call into WebAssembly
    // (a call through a variable target boxes its float arguments, an allocation per step)
    const b = buf === undefined ? g.byteOffset : buf.byteOffset;
    if (split !== null) {
      const { i32, f32 } = split;
      i32[0] = p.byteOffset; i32[1] = g.byteOffset; i32[2] = b;
      f32[3] = -lr; f32[4] = momentum; f32[5] = wd;
      u.run(scalars[0] === 0 ? firstJob : nextJob, n);
    } else if (scalars[0] === 0) first(n, p.byteOffset, g.byteOffset, b, -lr, momentum, wd);
    else next(n, p.byteOffset, g.byteOffset, b, -lr, momentum, wd);
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
  memory: WebAssembly.Memory, jobs: ThreadJobs | undefined, segments: Int32Array | null, kind: 'adagrad' | 'adadelta' | 'rmsprop', a: Args, slots: readonly Float32Array[], n: number,
): FastUpdate | null {
  const momentum = num(a, 'momentum'), centered = a['centered'] === true;
  const u = buildUpdate(memory, jobs, 5, 5, { update: adaptiveBody(kind, momentum > 0, centered) }, segments, n);
  if (u === null) return null;
  const fn = u.fns['update'], job = u.job['update'], split = u.args;
  const eps = num(a, 'eps'), rho = num(a, 'rho');
  const [s0, s1 = s0, s2 = s0] = slots;
  const inMemory = viewOf(memory, [s0.buffer]);
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    if (split !== null) {
      const { i32, f32 } = split;
      i32[0] = p.byteOffset; i32[1] = g.byteOffset; i32[2] = s0.byteOffset; i32[3] = s1.byteOffset; i32[4] = s2.byteOffset;
      f32[5] = -lr; f32[6] = eps; f32[7] = rho; f32[8] = 1 - rho; f32[9] = momentum;
      u.run(job, n);
    } else {
      fn(n, p.byteOffset, g.byteOffset, s0.byteOffset, s1.byteOffset, s2.byteOffset, -lr, eps, rho, 1 - rho, momentum);
    }
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

function nadamUpdate(memory: WebAssembly.Memory, jobs: ThreadJobs | undefined, segments: Int32Array | null, a: Args, slots: readonly Float32Array[], n: number): FastUpdate | null {
  const u = buildUpdate(memory, jobs, 4, 8, { update: nadamBody }, segments, n);
  if (u === null) return null;
  const fn = u.fns['update'], job = u.job['update'], split = u.args;
  const beta1 = num(a, 'beta1'), beta2 = num(a, 'beta2'), eps = num(a, 'eps'), psi = num(a, 'momentum_decay');
  const [m, v] = slots;
  const inMemory = viewOf(memory, [m.buffer]);
  const coef = new Float64Array(3);
  return (p, g, lr, scalars) => {
    if (!inMemory(p) || !inMemory(g) || p.length !== n || g.length !== n) return false;
    nadamCoefficients(beta1, beta2, psi, lr, scalars, coef);
    const bc2 = coef[0], gradCoef = coef[1], avgCoef = coef[2];
    if (split !== null) {
      const { i32, f32 } = split;
      i32[0] = p.byteOffset; i32[1] = g.byteOffset; i32[2] = m.byteOffset; i32[3] = v.byteOffset;
      f32[4] = beta1; f32[5] = 1 - beta1; f32[6] = beta2; f32[7] = 1 - beta2; f32[8] = bc2; f32[9] = eps; f32[10] = gradCoef; f32[11] = avgCoef;
      u.run(job, n);
    } else {
      fn(n, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, beta1, 1 - beta1, beta2, 1 - beta2, bc2, eps, gradCoef, avgCoef);
    }
    return true;
  };
}

/**
 * The WebAssembly update of optimizer `name(args)` over `slots` (views of `memory`, in the
 * optimizer's slot order) for `n` parameters, or null when `name` has none (or the engine no SIMD).
 * With `jobs` (a threaded kernel table's, before its workers start), updates of at least
 * `PARALLEL_ELEMENTS` parameters are split across the threads, with the same numbers, layer by
 * layer when `layers` gives the layers' boundaries (element offsets from 0 to n).
 */
export function wasmOptimizerUpdate(
  memory: WebAssembly.Memory, name: string, args: Args, slots: readonly Float32Array[], n: number, jobs?: ThreadJobs, layers?: readonly number[],
): FastUpdate | null {
  const inMemory = viewOf(memory, []);
  if (slots.some((s) => !inMemory(s) || s.length !== n)) return null;
  const segments = segmentBounds(layers, n);
  switch (name) {
    case 'adam': return adamUpdate(memory, jobs, segments, false, args, slots, n);
    case 'adamw': return adamUpdate(memory, jobs, segments, true, args, slots, n);
    case 'gd': return sgdUpdate(memory, jobs, segments, 0, false, 0, slots, n);
    case 'sgd': return sgdUpdate(memory, jobs, segments, num(args, 'momentum'), args['nesterov'] === true, num(args, 'weight_decay'), slots, n);
    case 'momentum': return sgdUpdate(memory, jobs, segments, num(args, 'beta'), false, 0, slots, n);
    case 'nesterov': return sgdUpdate(memory, jobs, segments, num(args, 'beta'), true, 0, slots, n);
    case 'adagrad': case 'adadelta': case 'rmsprop': return adaptiveUpdate(memory, jobs, segments, name, args, slots, n);
    case 'nadam': return nadamUpdate(memory, jobs, segments, args, slots, n);
    default: return null;
  }
}

/**
 * The optimizer backend of a kernel table: slots from `alloc` (the plan's arena, so they live
 * in the table's memory) and, when the table is the WebAssembly one (it has a `memory`) and the
 * engine has SIMD, the WebAssembly updates above; otherwise the reference updates run on them.
 * `layers`: the boundaries of the parameters' layers in the flat buffer (see
 * `wasmOptimizerUpdate`), so a split update follows the layers.
 */
export function optimizerBackend(kernels: object, alloc: (floats: number) => Float32Array, layers?: readonly number[]): OptimizerBackend {
  const memory = 'memory' in kernels && kernels.memory instanceof WebAssembly.Memory ? kernels.memory : null;
  const jobs = 'jobs' in kernels && kernels.jobs !== undefined ? (kernels.jobs as ThreadJobs) : undefined;
  return {
    alloc,
    fastUpdate: (name, args, slots, n) => (memory === null ? null : wasmOptimizerUpdate(memory, name, args, slots, n, jobs, layers)),
  };
}
