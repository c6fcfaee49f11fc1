/**
 * The contenders of `npm run bench`, each reduced to a synchronous or asynchronous `step()` that
 * trains one batch of synthetic data: our compiled plan on its TypeScript kernels (`plan`) and on
 * its WebAssembly SIMD kernels (`plan-wasm`), and TensorFlow.js on its WebAssembly (SIMD, one
 * thread) and plain-JS `cpu` backends.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { nodeSpawn } from '../src/cli/threads.js';
import type { CheckedModel, CheckedTrain } from '../src/checker/types.js';
import { checkText } from '../src/compiler.js';
import { compilePlan, createPlanKernels, createTrainingPlan, type CompiledTrainingPlan, type KernelChoice } from '../src/plan/index.js';
import type { WasmKernels } from '../src/runtime/wasm/index.js';
import type { Step } from './measure.js';
import { syntheticBatch, type Workload } from './workloads.js';

/** Who runs a workload: `plan-wasm-2t` is the plan on the wasm kernels with two threads. */
export type Framework = 'plan' | 'plan-wasm' | 'plan-wasm-2t' | 'tfjs-wasm' | 'tfjs-cpu';
export const FRAMEWORKS: readonly Framework[] = ['plan', 'plan-wasm', 'plan-wasm-2t', 'tfjs-wasm', 'tfjs-cpu'];

/** The kernels and thread count of a plan framework. */
export function planSetup(f: Framework): { kernels: KernelChoice; threads: number } | null {
  return f === 'plan' ? { kernels: 'ts', threads: 1 } : f === 'plan-wasm' ? { kernels: 'wasm', threads: 1 } : f === 'plan-wasm-2t' ? { kernels: 'wasm', threads: 2 } : null;
}

/** The checked model and train block of a workload's `.nn` source (throws with the diagnostics if it does not check). */
function checked(w: Workload): { model: CheckedModel; train: CheckedTrain } {
  const r = checkText(w.source, `${w.id}.nn`);
  if (r.hasErrors) throw new Error(`${w.id}.nn does not check:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const { models, trains } = r.checked.program;
  return { model: models[0], train: trains[0] };
}

/** The compiled plan of a workload on the given kernels, one thread. */
export function buildPlan(w: Workload, seed = 1, kernels: KernelChoice = 'ts'): CompiledTrainingPlan {
  const { model, train } = checked(w);
  return createTrainingPlan(model, train, { batchCapacity: w.batch, seed, kernels });
}

/**
 * The compiled plan on the wasm kernels with `threads` threads; the workers start
 * asynchronously, so await `ready` before measuring (until then the plan runs on one thread).
 */
export function buildThreadedPlan(w: Workload, threads: number, seed = 1): { plan: CompiledTrainingPlan; ready: Promise<void> } {
  const { model, train } = checked(w);
  const table = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: w.batch }), { threads, spawn: nodeSpawn }) as WasmKernels;
  const plan = createTrainingPlan(model, train, { batchCapacity: w.batch, seed, kernels: table });
  return { plan, ready: workersReady(table) };
}

async function workersReady(k: WasmKernels): Promise<void> {
  const t0 = performance.now();
  while (k.readyThreads() < k.threads) {
    if (performance.now() - t0 > 10000) throw new Error(`only ${k.readyThreads()} of ${k.threads} threads started in 10 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A step of the plan on one fixed synthetic batch. */
export function planStep(w: Workload, kernels: KernelChoice = 'ts', threads = 1): { step: () => void; plan: CompiledTrainingPlan; ready: Promise<void> } {
  const { plan, ready } = threads > 1 ? buildThreadedPlan(w, threads) : { plan: buildPlan(w, 1, kernels), ready: Promise.resolve() };
  const { x, labels } = syntheticBatch(w);
  return { plan, ready, step: () => void plan.trainStep(x, labels, w.batch) };
}

/** Loads TensorFlow.js with the given backend: wasm with SIMD and no threads, or the plain-JS cpu backend. */
export async function loadTfjs(backend: 'wasm' | 'cpu'): Promise<typeof TF> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(dist, '/'));
    tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialize`);
  await tf.ready();
  return tf;
}

/** The two ways to train in TensorFlow.js; the bench takes whichever is faster per workload. */
export type TfjsMode = 'trainOnBatch' | 'minimize';

/** A tfjs step in the given mode (W3 needs global-norm clipping, which only `minimize` can do). */
export function tfjsStep(tf: typeof TF, w: Workload, mode: TfjsMode): Step {
  const s = w.tfjs;
  const { x: xs, labels } = syntheticBatch(w);
  const x = tf.tensor(xs, [w.batch, ...s.inputShape]);
  const y = w.classes > 0
    ? tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), w.classes).toFloat()
    : tf.tensor(labels, [w.batch, w.outputs]);
  const model = s.build(tf);
  const optimizer = s.optimizer(tf);
  if (mode === 'trainOnBatch') {
    if (s.clipNorm !== null) throw new Error(`${w.id}: trainOnBatch cannot clip by global norm`);
    model.compile({ optimizer, loss: s.loss === 'categorical' ? 'categoricalCrossentropy' : 'meanSquaredError' });
    return () => model.trainOnBatch(x, y);
  }
  const loss = (): TF.Scalar => {
    const out = model.apply(x, { training: true }) as TF.Tensor;
    return s.loss === 'categorical' ? tf.metrics.categoricalCrossentropy(y, out).mean() : tf.losses.meanSquaredError(y, out);
  };
  if (s.clipNorm === null) return () => void optimizer.minimize(loss, false);
  const clip = s.clipNorm;
  return () => tf.tidy(() => {
    const { grads } = tf.variableGrads(loss);
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clip), tf.add(norm, tf.scalar(1e-6))));
    const clipped: TF.NamedTensorMap = {};
    for (const n of names) clipped[n] = tf.mul(grads[n], scale);
    optimizer.applyGradients(clipped);
  });
}
