import type { Range } from '../source/index.js';
import type { Program } from '../ast/types.js';
import type { Diagnostic } from '../diagnostics/types.js';

/**
 * The checker's product: plain data, with every built-in resolved (aliases mapped to canonical
 * names, defaults filled), every `let` constant folded, every `repeat` unrolled and every shape
 * inferred. The compiler, `nn summary`, the exporter and the language server read only this;
 * none of them looks at the AST again.
 */

/** A tensor shape of ONE sample (no batch dimension), e.g. `[1, 28, 28]` (CHW). */
export type Shape = readonly number[];

/** The families of built-ins in the registry. */
export type BuiltinKind =
  | 'layer'
  | 'activation'
  | 'initializer'
  | 'regularizer'
  | 'clip'
  | 'optimizer'
  | 'schedule'
  | 'loss'
  | 'metric'
  | 'data'
  | 'early_stop';

/** A resolved use of a built-in: canonical name, every parameter present (defaults filled). */
export interface BuiltinRef {
  readonly kind: BuiltinKind;
  /** Canonical registry name (`xavier_uniform`, never the alias `glorot_uniform`). */
  readonly builtin: string;
  readonly args: Readonly<Record<string, ArgValue>>;
  readonly range: Range;
}

/**
 * A folded argument value. `null` is an optional parameter left unset (no default).
 * Enumerations such as `padding: same` or `batch: full` are strings.
 */
export type ArgValue = number | string | boolean | null | readonly ArgValue[] | BuiltinRef;

/** One parameter (or buffer) tensor of a layer. */
export interface CheckedParam {
  /** The contract's weight name: `LAYER.weight`, `LAYER.bias`, `LAYER.running_mean`, ... */
  readonly name: string;
  readonly layer: string;
  /** `weight`, `bias`, `running_mean`, `running_var`. */
  readonly role: string;
  readonly shape: Shape;
  /** Trained by the optimizer (false for batchnorm running statistics). */
  readonly trainable: boolean;
  /** True for dense/conv kernels: the global `regularize:` applies to these only. */
  readonly regularizable: boolean;
  readonly init: BuiltinRef;
  /** The layer's own `regularizer:`, if any (the train block's global one is added by the compiler). */
  readonly regularizer?: BuiltinRef;
  /** Fan-in and fan-out as `torch.nn.init._calculate_fan_in_and_fan_out` computes them. */
  readonly fanIn: number;
  readonly fanOut: number;
}

/** One layer after `repeat` unrolling. */
export interface CheckedLayer {
  readonly type: 'layer';
  /** The layer's name: its `name:` label, or `KIND_N`. */
  readonly name: string;
  /** Canonical built-in name of the layer (`dense`, `conv2d`, `relu`, `dropout`, ...). */
  readonly builtin: string;
  /** `layer` for layers, `activation` for activations used as a layer. */
  readonly kind: 'layer' | 'activation';
  readonly args: Readonly<Record<string, ArgValue>>;
  /** `null` only when an earlier error made the shape unknown. */
  readonly inputShape: Shape | null;
  readonly outputShape: Shape | null;
  readonly params: readonly CheckedParam[];
  /**
   * Source ranges of the arguments the user wrote, by parameter name (absent keys were filled
   * from defaults). Used for fixes that edit one argument.
   */
  readonly argRanges: Readonly<Record<string, Range>>;
  readonly range: Range;
}

/** `residual { ... }`: output = input + body(input). */
export interface CheckedResidual {
  readonly type: 'residual';
  readonly body: readonly CheckedNode[];
  readonly shape: Shape | null;
  readonly range: Range;
}

export type CheckedNode = CheckedLayer | CheckedResidual;

export interface CheckedModel {
  readonly name: string;
  readonly inputShape: Shape | null;
  readonly outputShape: Shape | null;
  readonly nodes: readonly CheckedNode[];
  /** Every parameter and buffer in file order (the order of `nn summary --json`'s `params`). */
  readonly params: readonly CheckedParam[];
  readonly totalParams: number;
  readonly trainableParams: number;
  /** True when the model has no errors: every shape is known and lowering may run. */
  readonly valid: boolean;
  readonly range: Range;
  /** The range of the model's name in `model NAME {`. */
  readonly nameRange: Range;
}

/** A `train` block with every key resolved and defaults filled. */
export interface CheckedTrain {
  readonly model: string;
  readonly data: BuiltinRef | null;
  readonly validation: BuiltinRef | null;
  readonly normalize: 'standardize' | 'minmax' | 'none';
  readonly loss: BuiltinRef | null;
  readonly optimizer: BuiltinRef | null;
  readonly schedule: BuiltinRef;
  readonly clip: BuiltinRef | null;
  readonly regularize: BuiltinRef | null;
  readonly metrics: readonly BuiltinRef[];
  /** `'full'` is full-batch gradient descent. */
  readonly batch: number | 'full';
  readonly epochs: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly earlyStop: BuiltinRef | null;
  readonly valid: boolean;
  readonly range: Range;
}

export interface CheckedProgram {
  readonly file: string;
  readonly ast: Program;
  readonly constants: ReadonlyMap<string, number>;
  readonly models: readonly CheckedModel[];
  readonly trains: readonly CheckedTrain[];
}

export interface CheckResult {
  readonly program: CheckedProgram;
  readonly diagnostics: readonly Diagnostic[];
}
