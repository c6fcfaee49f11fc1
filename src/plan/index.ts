/**
 * The in-process training plan: the JavaScript flavor of the very code `nn compile` writes,
 * evaluated with the runtime passed in (one execution path, no interpreter beside it).
 */
import type { CheckedModel, CheckedTrain } from '../checker/types.js';
import { arenaFloats, emitPlanCode } from '../emitter/index.js';
import { assertTensorsMatch, decodeSafetensors, encodeSafetensors } from '../io/safetensors.js';
import * as runtime from '../runtime/index.js';
import type { Kernels } from '../runtime/kernels/types.js';
import type { Plan } from '../planner/types.js';
import type { Spawn } from '../runtime/wasm/threads.js';
import { compilePlan, type CompileOptions } from './compile.js';
import type { TrainingPlan } from './types.js';

export type * from './types.js';
export { compilePlan, optimize } from './compile.js';
export type { CompileOptions, OptimizedGraphs } from './compile.js';

/** A training plan that can also read and write its weights as safetensors bytes. */
export interface CompiledTrainingPlan extends TrainingPlan {
  /** All parameters and buffers as safetensors bytes (contract names, PyTorch layouts, F32). */
  getWeights(): Uint8Array;
  /** Loads weights; throws DataError NN6039 listing every name or shape difference. */
  setWeights(bytes: Uint8Array, file: string): void;
  /**
   * Ends the worker threads of the plan's kernels, if it has any (the plan keeps working on
   * the calling thread). Idempotent; a plan without threads has nothing to end.
   */
  dispose(): void;
}

/** How many threads a plan's kernels use, and how to start them. */
export interface ThreadOptions {
  /**
   * Threads for the WebAssembly kernels' large matrix products (default 1). Ignored by the
   * TypeScript kernels. Results are bit-identical for every thread count.
   */
  readonly threads?: number;
  /** Starts a worker (default: a Blob-URL `Worker` where `globalThis.Worker` exists, else one thread). */
  readonly spawn?: Spawn;
}

/** What the generated code may use: the runtime and the safetensors codec. */
export function planRuntime(): Record<string, unknown> {
  return { ...runtime, encodeSafetensors, decodeSafetensors, assertTensorsMatch };
}

/** Evaluates the JavaScript flavor of plan code; returns its `build(seed, kernels?)`. */
export function loadPlanCode(code: string): (seed: number, kernels?: Kernels) => CompiledTrainingPlan {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one execution path: generated code
  const factory = new Function('rt', code) as (rt: Record<string, unknown>) => (seed: number, kernels?: Kernels) => Omit<CompiledTrainingPlan, 'dispose'>;
  const build = factory(planRuntime());
  return (seed, kernels) => {
    const plan = build(seed, kernels) as CompiledTrainingPlan;
    const owned = kernels as { dispose?: () => void } | undefined;
    plan.dispose = () => owned?.dispose?.();
    return plan;
  };
}

/** Which kernel table runs a plan's matrix products. */
export type KernelChoice = 'ts' | 'wasm';

/** The default choice: WebAssembly SIMD where the engine has it, the TypeScript kernels otherwise. */
export function defaultKernelChoice(): KernelChoice {
  return runtime.wasmSimdSupported() ? 'wasm' : 'ts';
}

/**
 * A kernel table for one plan: `ts` the runtime's TypeScript kernels; `wasm` WebAssembly SIMD
 * kernels whose arena holds all of the plan's buffers (so the memory never grows), with
 * unfused multiply-add so a seed gives the same numbers on every machine, on `threads`
 * threads (bit-identical to one). Throws when `wasm` is asked for and the engine has no
 * WebAssembly SIMD.
 */
export function createPlanKernels(choice: KernelChoice, plan: Plan, threads: ThreadOptions = {}): Kernels {
  if (choice === 'ts') return runtime.createKernels('float32');
  // No worker for a plan none of whose products would be split.
  const n = threads.threads !== undefined && largestProduct(plan) >= runtime.PARALLEL_MACS ? threads.threads : 1;
  const k = runtime.createWasmKernels({
    arenaFloats: arenaFloats(plan) + ARENA_HEADROOM, shape: { fma: false }, threads: n, ...(threads.spawn ? { spawn: threads.spawn } : {}),
  });
  if (k === null) throw new Error('WebAssembly SIMD is not available in this engine; use the TypeScript kernels');
  return k;
}

/**
 * Multiply-adds of the plan's largest forward matrix product: a dense layer's is one product
 * over the whole batch, a convolution's one per sample (im2col).
 */
export function largestProduct(plan: Plan): number {
  let most = 0;
  for (const step of plan.train.forward) {
    const { node, output } = step;
    if ((node.op !== 'linear' && node.op !== 'conv2d') || output.kind !== 'slot') continue;
    const w = plan.params.find((p) => p.value === node.inputs[1]);
    if (!w) continue;
    const depth = w.shape.slice(1).reduce((a, b) => a * b, 1);
    most = Math.max(most, output.perSample * depth * (node.op === 'linear' ? plan.capacity : 1));
  }
  return most;
}

// a few spare floats: the arena is one allocation, so this only guards rounding
const ARENA_HEADROOM = 64;

/**
 * Compiles a checked (valid) model and train block into a ready training plan, parameters
 * initialized from `seed` (init and dropout draw from separate forks of the seed's generator).
 * `kernels` runs every matrix product: a table (one with `alloc` then holds all the plan's
 * float32 buffers), or a choice for `createPlanKernels` (with `threads` and `spawn`); default the
 * plain TypeScript table. `dispose()` ends the plan's worker threads (those of a table passed
 * in too).
 */
export function createTrainingPlan(
  model: CheckedModel, train: CheckedTrain,
  options: CompileOptions & ThreadOptions & { readonly seed: number; readonly kernels?: Kernels | KernelChoice },
): CompiledTrainingPlan {
  const planned = compilePlan(model, train, options);
  const code = emitPlanCode(planned, 'js');
  const k = options.kernels;
  return loadPlanCode(code)(options.seed, typeof k === 'string' ? createPlanKernels(k, planned, options) : k);
}

/** The plan's weights as safetensors bytes. */
export function getWeights(plan: CompiledTrainingPlan): Uint8Array {
  return plan.getWeights();
}

/** Loads safetensors bytes into the plan; `file` names the source in error messages. */
export function setWeights(plan: CompiledTrainingPlan, bytes: Uint8Array, file: string): void {
  plan.setWeights(bytes, file);
}
