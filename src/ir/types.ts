/**
 * The compiler's intermediate representation: a graph of runtime ops (the op table's closed
 * vocabulary is the IR's vocabulary) over values with static shapes. Every batched value has the
 * plan's batch capacity as its first dimension; the actual batch size `n <= capacity` is a
 * runtime argument that the emitted code substitutes into each op's attributes.
 */
import type { BuiltinRef } from '../checker/types.js';
import type { OpAttrs, OpName } from '../runtime/ops/types.js';

/** What a value is: data fed in, a parameter or buffer, dropout noise, or something an op computes. */
export type IrValueKind = 'input' | 'target' | 'param' | 'buffer' | 'noise' | 'activation';

/** One tensor of the graph. */
export interface IrValue {
  readonly id: number;
  readonly kind: IrValueKind;
  /** Full shape; batched values have the capacity first, a loss is `[1]`. */
  readonly shape: readonly number[];
  /** True when the first dimension is the batch (so the live size is `n * perSample`). */
  readonly batched: boolean;
  /** The layer this value belongs to (its producer's layer, or the parameter's owner). */
  readonly layer: string;
  /** For `param`/`buffer` values: the contract's weight name (`dense_1.weight`). */
  readonly param?: string;
}

/** One op use. The attributes are those of the runtime op at batch = capacity. */
export type IrNode = {
  [K in OpName]: {
    readonly id: number;
    readonly op: K;
    readonly attrs: OpAttrs[K];
    readonly inputs: readonly number[];
    readonly output: number;
    readonly layer: string;
  };
}[OpName];

/** The op families of the IR (a classification of the op table for passes and docs). */
export type OpFamily = 'matmul' | 'elementwise' | 'reduce' | 'movement' | 'fused';

/** The family of each op; a mapped type makes a missing op a compile error. */
export const OP_FAMILY: { readonly [K in OpName]: OpFamily } = {
  linear: 'matmul',
  conv2d: 'matmul',
  maxpool2d: 'reduce',
  avgpool2d: 'reduce',
  activation: 'elementwise',
  softmax: 'reduce',
  log_softmax: 'reduce',
  add: 'elementwise',
  dropout: 'elementwise',
  batchnorm: 'reduce',
  layernorm: 'reduce',
  reshape: 'movement',
  mse: 'reduce',
  mae: 'reduce',
  huber: 'reduce',
  bce: 'reduce',
  bce_logits: 'reduce',
  softmax_cross_entropy: 'fused',
};

/** One parameter or buffer tensor with everything initialization and regularization need. */
export interface IrParam {
  readonly name: string;
  readonly layer: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
  readonly init: { readonly name: string; readonly args: Readonly<Record<string, number>> };
  /** Regularizers on this tensor: the layer's own and the train block's global one. */
  readonly regularizers: readonly { readonly name: string; readonly args: Readonly<Record<string, number>> }[];
  /** The IR value holding it. */
  readonly value: number;
}

/** The training setup the plan needs besides the graph. */
export interface IrTraining {
  readonly optimizer: { readonly name: string; readonly args: Readonly<Record<string, number | boolean>> };
  readonly clip: { readonly name: string; readonly args: Readonly<Record<string, number>> } | null;
  readonly loss: string;
}

/** A whole lowered model: graph, parameters and training setup. */
export interface IrGraph {
  readonly model: string;
  readonly mode: 'train' | 'eval';
  readonly capacity: number;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly targetSize: number;
  readonly values: readonly IrValue[];
  /** In execution order. */
  readonly nodes: readonly IrNode[];
  readonly input: number;
  readonly target: number;
  /** The model's output value (what predict returns). */
  readonly output: number;
  /** The mean data loss, `[1]`. */
  readonly loss: number;
  readonly params: readonly IrParam[];
  /** Layer names in forward order (for reports and non-finite search). */
  readonly layers: readonly string[];
  /** Relu layers and the value whose zeros mark their dead units. */
  readonly reluOutputs: readonly { readonly layer: string; readonly value: number }[];
  readonly training: IrTraining;
}

/** Numeric arguments of a built-in use (nulls dropped; booleans kept for optimizers). */
export function refArgs(ref: BuiltinRef): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(ref.args)) if (typeof v === 'number') out[k] = v;
  return out;
}
