/**
 * The planner's product: every step of a training step and of an evaluation pass, each tensor
 * located in preallocated storage (pooled slots shared by values whose lifetimes do not overlap,
 * or segments of the flat parameter, buffer and gradient arrays).
 */
import type { IrNode, IrParam } from '../ir/types.js';

/** Where a tensor lives. `perSample` > 0 means its live length is `n * perSample`. */
export type Ref =
  | { readonly kind: 'slot'; readonly slot: number; readonly perSample: number; readonly length: number }
  | { readonly kind: 'param' | 'grad' | 'buffer'; readonly offset: number; readonly length: number }
  | { readonly kind: 'x' | 'y' }
  | { readonly kind: 'seed' }
  | { readonly kind: 'empty' };

/** One node's forward: op, attributes at capacity, operand locations, workspace. */
export interface ForwardStep {
  readonly node: IrNode;
  readonly inputs: readonly Ref[];
  readonly output: Ref;
  readonly saved: Ref;
  /** Dropout: the noise slot to fill with uniforms before the op. */
  readonly noise: Ref | null;
}

/** One node's backward: gradient locations (`null` where no gradient is wanted) and slots to zero first. */
export interface BackwardStep {
  readonly forward: ForwardStep;
  readonly gradOutput: Ref;
  readonly gradInputs: readonly (Ref | null)[];
  /** Activation-gradient slots this step writes first, zeroed (n * perSample) just before it. */
  readonly zero: readonly Ref[];
}

/** A parameter or buffer in the flat arrays, with its initializer and regularizers. */
export interface PlannedParam extends IrParam {
  readonly offset: number;
  readonly length: number;
}

/** One phase (training or inference): its pooled slots and steps. */
export interface PhasePlan {
  /** Element count of each pooled slot (at capacity). */
  readonly slots: readonly number[];
  readonly forward: readonly ForwardStep[];
  readonly backward: readonly BackwardStep[];
  /** The loss node's step (the last forward step). */
  readonly output: Ref;
  readonly loss: Ref;
  /** Forward activations in order with their layer (for the non-finite search at loss time). */
  readonly activations: readonly { readonly layer: string; readonly ref: Ref }[];
  /** Relu monitors: layer and output location. */
  readonly relus: readonly { readonly layer: string; readonly ref: Ref }[];
  /** Bytes of all pooled tensors without sharing and with it. */
  readonly bytesUnshared: number;
  readonly bytesShared: number;
}

/** The whole plan for one model at one batch capacity. */
export interface Plan {
  readonly model: string;
  readonly capacity: number;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly targetSize: number;
  readonly params: readonly PlannedParam[];
  readonly paramCount: number;
  readonly bufferCount: number;
  /** Layers owning trainable parameters and their contiguous range of the gradient array. */
  readonly paramLayers: readonly { readonly layer: string; readonly offset: number; readonly length: number }[];
  /** Every layer in forward order. */
  readonly layers: readonly string[];
  readonly train: PhasePlan;
  readonly eval: PhasePlan;
  /** Shared scratch length (the maximum any op asks for). */
  readonly scratch: number;
  readonly optimizer: { readonly name: string; readonly args: Readonly<Record<string, number | boolean>> };
  readonly clip: { readonly name: string; readonly args: Readonly<Record<string, number>> } | null;
  /** Regularizers grouped by rule, each with the segments it covers. */
  readonly regularizers: readonly {
    readonly name: string;
    readonly args: Readonly<Record<string, number>>;
    readonly segments: readonly { readonly offset: number; readonly length: number }[];
  }[];
}
