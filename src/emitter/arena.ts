/**
 * The float32 storage a plan allocates through its kernel table: parameters, gradients, buffers,
 * the shared scratch, the staged input (when a product reads it), every pooled slot of both
 * phases and the optimizer's slots (allocated last). With a table that has `alloc` (the WebAssembly kernels) the generated `build` takes all
 * of it as one arena of `arenaFloats(plan)` floats in the kernels' memory, so every matrix product
 * runs in place; create the kernels with at least that `arenaFloats` so the memory never grows.
 */
import type { Plan } from '../planner/types.js';
import { isOptimizerName, optimizerSlotNames } from '../runtime/optim/index.js';

/** The kernel table type the generated `build` accepts (TypeScript flavor). */
export const KERNELS_TYPE = 'rt.Kernels & { alloc?(floats: number): Float32Array }';

/** Elements rounded up to whole 16-byte groups, as the generated `f32` advances. */
function rounded(size: number): number {
  return Math.ceil(size / 4) * 4;
}

/** Whether a dense step of either phase reads the input directly (then the input is staged in the arena). */
export function inputFeedsProduct(plan: Plan): boolean {
  return [...plan.train.forward, ...plan.eval.forward].some((s) => s.node.op === 'linear' && s.inputs[0]?.kind === 'x');
}

/** Floats of the arena a plan's `build` allocates from a table with `alloc`. */
export function arenaFloats(plan: Plan): number {
  const inputSize = plan.inputShape.reduce((a, b) => a * b, 1);
  const sizes = [
    plan.paramCount, plan.paramCount, plan.bufferCount, plan.scratch,
    ...(inputFeedsProduct(plan) ? [plan.capacity * inputSize] : []),
    ...plan.train.slots, ...plan.eval.slots,
  ];
  return sizes.reduce((s, x) => s + rounded(x), 0) + optimizerArenaFloats(plan);
}

/** Floats of the optimizer's slots (`exp_avg`, ...), one rounded parameter-sized run each. */
function optimizerArenaFloats(plan: Plan): number {
  const { name, args } = plan.optimizer;
  if (!isOptimizerName(name)) throw new Error(`plan: unknown optimizer ${name}`);
  return optimizerSlotNames(name, args).length * rounded(plan.paramCount);
}
