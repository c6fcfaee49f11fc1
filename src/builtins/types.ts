import type { ArgValue, BuiltinKind, Shape } from '../checker/types.js';

/**
 * The shapes of registry entries. One entry describes one built-in completely: its parameters
 * (for checking, completion, hover and docs) and, per family, what the checker, the gradient
 * health estimate and the compiler need to know about it.
 */

/** The value type of a parameter. `size2` is an integer or `[h, w]`; builtin kinds take a name or a call. */
export type ParamType =
  | 'number'
  | 'integer'
  | 'boolean'
  | 'string'
  | 'enum'
  | 'shape'
  | 'size2'
  | 'initializer'
  | 'regularizer'
  | 'activation';

/** One parameter of a built-in. */
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** True when the user must give it. */
  readonly required?: boolean;
  /**
   * The default when not required: a number/boolean/string, a built-in NAME for builtin-typed
   * parameters (`'xavier_uniform'`), `null` for "unset" (an optional parameter without default,
   * such as `regularizer:`), or `{ sameAs }` to copy another parameter (pool `stride` = `size`).
   */
  readonly default?: number | boolean | string | null | { readonly sameAs: string };
  /** Inclusive/exclusive numeric bounds. */
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: number;
  readonly maxExclusive?: number;
  /** Allowed values of an `enum` parameter. */
  readonly values?: readonly string[];
  /** One line for hover, signature help and docs. */
  readonly doc: string;
}

/** What every registry entry has. */
export interface BuiltinBase<K extends BuiltinKind = BuiltinKind, N extends string = string> {
  readonly kind: K;
  readonly name: N;
  readonly aliases: readonly string[];
  readonly params: readonly ParamSpec[];
  /** How many leading parameters may be given positionally. */
  readonly positional: number;
  /** One line summary. */
  readonly summary: string;
  /** A paragraph for docs and hover (Markdown). */
  readonly doc: string;
  /** A complete `.nn` program using this built-in; a test checks that it has no errors. */
  readonly example: string;
}

/** Resolved arguments of one use (defaults filled). */
export type Args = Readonly<Record<string, ArgValue>>;

/** A shape rule's answer: the output shape, or a diagnostic code with its message arguments. */
export type ShapeResult =
  | { readonly ok: true; readonly shape: Shape }
  | { readonly ok: false; readonly code: ShapeErrorCode; readonly args: Readonly<Record<string, string | number>> };

/** The shape-band codes a layer's shape rule may return (see `src/diagnostics/codes/shapes.ts`). */
export type ShapeErrorCode = 'NN3004' | 'NN3005' | 'NN3006' | 'NN3007';

/** One parameter tensor a layer owns. */
export interface TensorSpec {
  /** `weight`, `bias`, `running_mean`, `running_var`. */
  readonly role: 'weight' | 'bias' | 'running_mean' | 'running_var';
  readonly shape: Shape;
  readonly trainable: boolean;
  /** Dense/conv kernels only: the global `regularize:` applies to these. */
  readonly regularizable: boolean;
  /** Where the initializer comes from: a parameter of the layer (`init`), or a fixed built-in name. */
  readonly init: { readonly param: string } | { readonly fixed: string };
  /** The layer parameter holding this tensor's own regularizer, if any. */
  readonly regularizerParam?: string;
  readonly fanIn: number;
  readonly fanOut: number;
}

/** A layer (`dense`, `conv2d`, `flatten`, ...). */
export interface LayerSpec<N extends string = string> extends BuiltinBase<'layer', N> {
  /** Output shape of one sample from the input shape, or a shape diagnostic. */
  readonly shape: (input: Shape, args: Args) => ShapeResult;
  /** The output shape when the input shape is unknown but the layer fixes it anyway (dense). */
  readonly shapeWithoutInput?: (args: Args) => Shape | null;
  /** The parameter tensors, in the order they are listed (weights file order). */
  readonly tensors: (input: Shape, args: Args) => readonly TensorSpec[];
  /** Dense/conv: counts toward depth and has its own init and `activation:`. */
  readonly weighted: boolean;
  /** Batchnorm/layernorm: resets the gradient-scale estimate. */
  readonly normalizes: boolean;
  /** Dropout: the rate parameter name (for the high-rate lint). */
  readonly dropoutParam?: string;
}

/** Which initialization family an activation wants, for the init/activation mismatch lint. */
export type InitFamily = 'he' | 'xavier' | 'lecun' | 'other';

/** An activation (usable as a layer and as `activation:`). */
export interface ActivationSpec<N extends string = string> extends BuiltinBase<'activation', N> {
  /** The scalar derivative f'(x), for element-wise activations; absent for softmax-like ones. */
  readonly derivative?: (x: number, args: Args) => number;
  /** For non-element-wise activations: the gradient gain used by the estimate instead. */
  readonly fixedGain2?: number;
  /** `torch.nn.init.calculate_gain` for this nonlinearity (1 where torch has no entry). */
  readonly torchGain: (args: Args) => number;
  /** The init family this activation is usually paired with, or null if no opinion. */
  readonly prefersInit: InitFamily | null;
  /** Softmax and log_softmax: normalize over the features of a flat input. */
  readonly softmaxLike: boolean;
  /** Needs a flat input. */
  readonly flatOnly: boolean;
}

/** A weight initializer. */
export interface InitializerSpec<N extends string = string> extends BuiltinBase<'initializer', N> {
  /** Variance of one weight, as `torch.nn.init` draws it, for the given fans. */
  readonly variance: (fanIn: number, fanOut: number, args: Args) => number;
  /** Every weight gets the same value (units stay symmetric). */
  readonly constant: boolean;
  readonly family: InitFamily;
  /** The same distribution in the other families (`he_normal` -> `{ xavier: 'xavier_normal' }`). */
  readonly counterparts: Partial<Record<InitFamily, string>>;
}

export interface RegularizerSpec<N extends string = string> extends BuiltinBase<'regularizer', N> {}

export interface ClipSpec<N extends string = string> extends BuiltinBase<'clip', N> {}

export interface OptimizerSpec<N extends string = string> extends BuiltinBase<'optimizer', N> {
  /** Per-parameter state tensors the update keeps (PyTorch's names). */
  readonly state: readonly string[];
  /** A learning rate above this in a deep stack without clipping gets a lint. */
  readonly largeLr: number;
  /** Full-batch gradient descent by definition (`gd`). */
  readonly fullBatch: boolean;
}

export interface ScheduleSpec<N extends string = string> extends BuiltinBase<'schedule', N> {
  /** Watches the validation loss (needs `validation:`). */
  readonly needsValidation: boolean;
}

export interface LossSpec<N extends string = string> extends BuiltinBase<'loss', N> {
  /** Why the model's output shape does not fit, or null when it does. */
  readonly fitsOutput: (output: Shape) => string | null;
  /** Final activations this loss re-applies (activation name -> explanation). */
  readonly reapplies: Readonly<Record<string, string>>;
}

export interface MetricSpec<N extends string = string> extends BuiltinBase<'metric', N> {}

export interface DataSpec<N extends string = string> extends BuiltinBase<'data', N> {
  /** Where it may appear: `data:` and/or `validation:`. */
  readonly roles: readonly ('data' | 'validation')[];
}

export interface EarlyStopSpec<N extends string = string> extends BuiltinBase<'early_stop', N> {}

/** Any registry entry. */
export type BuiltinSpec =
  | LayerSpec
  | ActivationSpec
  | InitializerSpec
  | RegularizerSpec
  | ClipSpec
  | OptimizerSpec
  | ScheduleSpec
  | LossSpec
  | MetricSpec
  | DataSpec
  | EarlyStopSpec;
