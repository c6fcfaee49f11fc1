/**
 * Shared shapes of the optimizers: every optimizer updates ONE flat parameter buffer from ONE
 * flat gradient buffer in a single loop, with its state (slots the size of the buffer, plus a
 * few scalars such as the step count) allocated once at creation.
 */

import type { FloatArray } from '../tensor.js';

/** Storage precision of an optimizer's slots. */
export type StateDType = 'float32' | 'float64';

/** A plain copy of an optimizer's state, for checkpoints. */
export interface OptimizerSnapshot {
  /** The per-element slots in the optimizer's fixed order (see `Optimizer.slotNames`). */
  readonly slots: readonly FloatArray[];
  /** The scalars in fixed order (see `Optimizer.scalarNames`), e.g. the step count. */
  readonly scalars: readonly number[];
}

/** A live optimizer over a flat buffer of `paramCount` elements. */
export interface Optimizer {
  readonly name: string;
  /** Names of the per-element slots (`exp_avg`, `momentum_buffer`, ...), in snapshot order. */
  readonly slotNames: readonly string[];
  /** Names of the scalars (`step`, `mu_product`), in snapshot order. */
  readonly scalarNames: readonly string[];
  /** The live state: slots (one typed array each) and scalars (one Float64Array). */
  readonly state: { readonly slots: readonly FloatArray[]; readonly scalars: Float64Array };
  /**
   * One update in place: `params[i]` from `grads[i]` at learning rate `lr` (the schedule's value
   * for this epoch). Allocates nothing.
   */
  step(params: FloatArray, grads: FloatArray, lr: number): void;
  /** A deep copy of the state. */
  saveState(): OptimizerSnapshot;
  /** Restores a snapshot taken from an optimizer of the same name, arguments and size. */
  loadState(snapshot: OptimizerSnapshot): void;
}

/**
 * One optimizer family member: its argument defaults (`null` = required), its state layout,
 * and its update. `update` receives the live slots and scalars and must not allocate.
 */
export interface OptimizerSpec<A> {
  readonly defaults: { readonly [K in keyof A]: A[K] | null };
  /** Slot names for these arguments (e.g. amsgrad adds `max_exp_avg_sq`). */
  slots(args: A): readonly string[];
  readonly scalars: readonly string[];
  /** Initial scalar values, same order as `scalars`. */
  readonly initialScalars: readonly number[];
  update(args: A, p: FloatArray, g: FloatArray, lr: number, slots: readonly FloatArray[], scalars: Float64Array): void;
}

/**
 * A faster update of one optimizer over its float32 state, bound at creation: applies one step
 * to `params` from `grads` at rate `lr`, advancing `scalars` as the reference update does, and
 * returns true; or returns false, touching nothing, when it cannot run on these arrays (e.g.
 * they are not in its memory), and the reference update runs instead.
 */
export type FastUpdate = (params: Float32Array, grads: Float32Array, lr: number, scalars: Float64Array) => boolean;

/**
 * Where a float32 optimizer keeps its slots, and optionally a faster update over them (the
 * WebAssembly kernels give both: slots in their memory, SIMD updates by byte address).
 */
export interface OptimizerBackend {
  /** A zero-filled float32 array of `floats` elements for one slot. */
  alloc(floats: number): Float32Array;
  /**
   * The faster update of optimizer `name` with its full arguments over `slots` (from `alloc`, in
   * slot order) for `paramCount` parameters, or null to run the reference update.
   */
  fastUpdate(
    name: string, args: Readonly<Record<string, number | boolean>>, slots: readonly Float32Array[], paramCount: number,
  ): FastUpdate | null;
}
