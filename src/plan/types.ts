/**
 * The contract between the compiler (which builds a training plan from a checked model) and
 * everything that runs one: `nn train`/`eval`/`predict`, the emitted standalone module, tests.
 *
 * A plan is specialized to one model and one batch capacity: every shape is fixed, every buffer
 * is allocated once. A call may use fewer samples than the capacity (the last, smaller batch;
 * a validation set evaluated in chunks).
 */

/** One parameter or buffer tensor, located in the plan's flat storage. */
export interface PlanParam {
  /** The contract's weight name (`dense_1.weight`, `batchnorm_1.running_mean`). */
  readonly name: string;
  readonly layer: string;
  readonly shape: readonly number[];
  /** Trainable parameters live in `params`; non-trainable buffers (running stats) in `buffers`. */
  readonly trainable: boolean;
  /** Offset into the flat `params` (trainable) or `buffers` (non-trainable) array. */
  readonly offset: number;
  readonly length: number;
}

/** What one training step reports. */
export interface StepResult {
  /** Mean data loss over the batch plus regularization penalties: the reported training loss. */
  readonly loss: number;
  /** Mean data loss alone. */
  readonly dataLoss: number;
  /** Global L2 norm of all gradients before clipping. */
  readonly gradNorm: number;
}

/** Everything needed to continue training bit-identically (checkpoints, `--resume`). */
export interface PlanState {
  readonly params: Float32Array;
  readonly buffers: Float32Array;
  /** Optimizer slots, flattened in a fixed order, and scalars such as the step count. */
  readonly optimizer: { readonly slots: readonly Float32Array[]; readonly scalars: readonly number[] };
  /** The plan's random generators (dropout), as plain numbers. */
  readonly rng: readonly number[];
}

/** A compiled, ready-to-run training plan. */
export interface TrainingPlan {
  readonly model: string;
  readonly batchCapacity: number;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Elements per sample of input and output. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Elements per sample of the target `y` given to `trainStep`/`evaluate` (1 for class labels). */
  readonly targetSize: number;
  /** Every parameter and buffer in file order. */
  readonly params: readonly PlanParam[];
  /** Layers that own trainable parameters, in file order: the keys of gradient-norm reports. */
  readonly paramLayers: readonly string[];
  /** Activation layers whose units can die (relu and friends), for the dying-unit monitor. */
  readonly reluLayers: readonly string[];

  /** Sets the learning rate used by the next `trainStep`s (the schedule's value for the epoch). */
  setLearningRate(lr: number): void;
  /**
   * One step on `n <= batchCapacity` samples: forward (training mode), loss, backward,
   * clipping, optimizer update. `x` holds n*inputSize values, `y` n*targetSize.
   * The result is ONE object owned by the plan and overwritten by the next call (a step allocates
   * nothing); copy the numbers to keep them.
   */
  trainStep(x: Float32Array, y: Float32Array, n: number): StepResult;
  /** Per-layer L2 norms of the last step's gradients (before clipping), in `paramLayers` order. */
  lastGradNorms(out: Float64Array): void;
  /** Per relu-layer fraction of units whose gradient was zero for every sample of the last step. */
  lastDeadFractions(out: Float64Array): void;
  /** Training-mode outputs of the last `trainStep` (a view: n*outputSize values, valid until the next call). */
  lastOutput(): Float32Array;
  /**
   * After a non-finite loss or weight: the first layer, in forward order, whose activations,
   * parameters or gradients hold a NaN or Inf in the last step; null when all are finite.
   */
  findNonFinite(): { layer: string; where: 'activations' | 'parameters' | 'gradients' } | null;
  /**
   * Evaluation mode (no dropout, batchnorm on running stats): mean data loss and the outputs.
   * The result object and the view are the plan's own, reused by the next call (no allocation).
   */
  evaluate(x: Float32Array, y: Float32Array, n: number): { loss: number; output: Float32Array };
  /** Evaluation-mode outputs for n samples (a view valid until the next call). */
  predict(x: Float32Array, n: number): Float32Array;

  /** The flat trainable parameters (live view) and non-trainable buffers (live view). */
  readonly paramData: Float32Array;
  readonly bufferData: Float32Array;
  getState(): PlanState;
  setState(state: PlanState): void;
}
