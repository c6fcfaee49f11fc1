/**
 * The op table's types: the closed vocabulary of the runtime, which is also the compiler's IR
 * op vocabulary. Every op has static attributes (batch size, shapes, strides, eps...), an output
 * shape, a forward and an accumulating backward, and the workspace sizes it needs; the caller
 * preallocates every buffer, so no op allocates per call.
 */
import type { FloatArray, TensorShape } from '../tensor.js';
import type { ActivationName } from './activations.js';

/** Every op of the runtime (and of the compiler's IR). */
export type OpName =
  | 'linear'
  | 'conv2d'
  | 'maxpool2d'
  | 'avgpool2d'
  | 'activation'
  | 'softmax'
  | 'log_softmax'
  | 'add'
  | 'dropout'
  | 'batchnorm'
  | 'layernorm'
  | 'reshape'
  | 'mse'
  | 'mae'
  | 'huber'
  | 'bce'
  | 'bce_logits'
  | 'softmax_cross_entropy';

/** All op names, in a fixed order (for tests and tools that iterate the table). */
export const OP_NAMES: readonly OpName[] = [
  'linear', 'conv2d', 'maxpool2d', 'avgpool2d', 'activation', 'softmax', 'log_softmax', 'add',
  'dropout', 'batchnorm', 'layernorm', 'reshape', 'mse', 'mae', 'huber', 'bce', 'bce_logits',
  'softmax_cross_entropy',
];

/** An optional activation applied in an op's write-out (`linear` means none). */
export interface FusedActivation {
  readonly activation: ActivationName;
  /** The activation's parameter: leaky_relu's slope, elu's alpha; ignored by the others. */
  readonly alpha: number;
}

/** `y = x·Wᵀ + b`; inputs `[x [B,in], weight [out,in], bias [out]?]`; output `[B,out]`. */
export interface LinearAttrs extends FusedActivation {
  readonly batch: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch) on CHW samples.
 * Inputs `[x [B,C,H,W], weight [O,C,kh,kw], bias [O]?]`; output `[B,O,outH,outW]`.
 * `same` padding gives `outH = ceil(H/stride)` and pads `total = max((outH-1)·stride + kh - H, 0)`
 * rows, `floor(total/2)` on top and the rest at the bottom (TensorFlow/Keras; for stride 1
 * this is also what PyTorch's `padding='same'` does). `valid` pads nothing.
 */
export interface Conv2dAttrs extends FusedActivation {
  readonly batch: number;
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padding: 'valid' | 'same';
  readonly bias: boolean;
}

/** Max or average pooling without padding, floor mode (PyTorch defaults); input `[B,C,H,W]`. */
export interface Pool2dAttrs {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
}

/** An elementwise activation over a tensor of any shape. */
export interface ActivationAttrs {
  readonly shape: TensorShape;
  readonly kind: ActivationName;
  readonly alpha: number;
}

/** Softmax or log-softmax of each sample over its `features` values. */
export interface SoftmaxAttrs {
  readonly batch: number;
  readonly features: number;
}

/** Elementwise `a + b` of two tensors of one shape (residual connections). */
export interface AddAttrs {
  readonly shape: TensorShape;
}

/**
 * Inverted dropout. Inputs `[x, u]` where `u` (same size as `x`) holds uniform draws in [0, 1)
 * filled by the caller from the runtime's RNG; element i is kept when `u[i] >= rate` and scaled
 * by `1/(1-rate)`. With `training: false` it is the identity.
 */
export interface DropoutAttrs {
  readonly shape: TensorShape;
  readonly rate: number;
  readonly training: boolean;
}

/**
 * Batch normalization per feature (`shape` `[B,F]`) or per channel (`[B,C,H,W]`): the channel
 * is axis 1, statistics run over every other axis. Inputs
 * `[x, weight [C], bias [C], running_mean [C], running_var [C]]`. In training the forward uses
 * the batch statistics (biased variance) and updates the running ones in place with PyTorch's
 * convention `new = (1-momentum)·old + momentum·stat`, using the UNBIASED variance; in evaluation
 * it uses the running statistics and leaves them alone.
 */
export interface BatchnormAttrs {
  readonly shape: TensorShape;
  readonly eps: number;
  readonly momentum: number;
  readonly training: boolean;
}

/** Layer normalization over each whole sample; inputs `[x, weight, bias]`, both of the sample's shape. */
export interface LayernormAttrs {
  readonly shape: TensorShape;
  readonly eps: number;
}

/** A copy into a new shape of the same size (reshape, flatten). */
export interface ReshapeAttrs {
  readonly shape: TensorShape;
  readonly to: TensorShape;
}

/**
 * A loss of predictions `[B,F]` against targets `[B,F]`, the mean over the batch of each
 * sample's loss; output `[1]`. mse/mae/huber average over features too (as PyTorch's
 * `reduction='mean'` over all elements), as do bce and bce_logits.
 */
export interface LossAttrs {
  readonly batch: number;
  readonly features: number;
}

/** Huber loss as `torch.nn.HuberLoss(delta)`. */
export interface HuberAttrs extends LossAttrs {
  readonly delta: number;
}

/**
 * Softmax fused with cross-entropy. Inputs `[logits [B,C], labels [B]]`, labels are class
 * indices stored as floats; output `[1]`, the mean over the batch.
 */
export interface SoftmaxCrossEntropyAttrs {
  readonly batch: number;
  readonly classes: number;
}

/** The attribute type of each op. */
export interface OpAttrs {
  linear: LinearAttrs;
  conv2d: Conv2dAttrs;
  maxpool2d: Pool2dAttrs;
  avgpool2d: Pool2dAttrs;
  activation: ActivationAttrs;
  softmax: SoftmaxAttrs;
  log_softmax: SoftmaxAttrs;
  add: AddAttrs;
  dropout: DropoutAttrs;
  batchnorm: BatchnormAttrs;
  layernorm: LayernormAttrs;
  reshape: ReshapeAttrs;
  mse: LossAttrs;
  mae: LossAttrs;
  huber: HuberAttrs;
  bce: LossAttrs;
  bce_logits: LossAttrs;
  softmax_cross_entropy: SoftmaxCrossEntropyAttrs;
}

/** One input of an op: its role name, full shape, and whether it has a gradient. */
export interface InputSpec {
  /** `x`, `weight`, `bias`, `running_mean`, `target`, `labels`, `uniform`, ... */
  readonly name: string;
  readonly shape: TensorShape;
  /** False for targets, labels, dropout's uniforms and batchnorm's running statistics. */
  readonly differentiable: boolean;
}

/**
 * Per-node buffers, preallocated by the caller with the sizes the op asks for. `saved` is
 * written by forward and read by the following backward of the same node (it must live from one
 * to the other); `scratch` is free for the duration of one call and may be shared between nodes.
 */
export interface Workspace {
  readonly saved: FloatArray;
  readonly scratch: FloatArray;
}

/**
 * One op. `forward` writes (assigns) `output`; `backward` ADDS the gradient of each input into
 * `gradInputs[i]` (`null` for inputs whose gradient is not wanted) and never writes `gradOutput`.
 * All arrays of one call have the same dtype.
 */
export interface OpSpec<A> {
  /** The op's inputs, in order, with their full shapes. */
  readonly inputs: (attrs: A) => readonly InputSpec[];
  /** The output's full shape. */
  readonly outputShape: (attrs: A) => TensorShape;
  /** Length of `workspace.saved`. */
  readonly savedSize: (attrs: A) => number;
  /** Length of `workspace.scratch` (the maximum over forward and backward). */
  readonly scratchSize: (attrs: A) => number;
  readonly forward: (attrs: A, inputs: readonly FloatArray[], output: FloatArray, workspace: Workspace) => void;
  readonly backward: (
    attrs: A,
    inputs: readonly FloatArray[],
    output: FloatArray,
    gradOutput: FloatArray,
    gradInputs: readonly (FloatArray | null)[],
    workspace: Workspace,
  ) => void;
}

/** The op table: a missing op is a compile error. */
export type OpTable = { readonly [K in OpName]: OpSpec<OpAttrs[K]> };

/** A node-level description of an op use: name plus attributes, discriminated by `op`. */
export type OpCall = { [K in OpName]: { readonly op: K; readonly attrs: OpAttrs[K] } }[OpName];
