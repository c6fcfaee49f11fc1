/**
 * The training loop: the contract's training semantics over a compiled `TrainingPlan`.
 * Browser-safe: data in, per-epoch records out through hooks; the CLI writes files.
 */
import type { PlanState, TrainingPlan } from '../plan/types.js';
import { rngFromState, type Rng, type RngState } from '../runtime/random.js';
import type { Schedule, ScheduleState } from '../runtime/schedule.js';
import { MetricAccumulator, type MetricName, type MetricTarget } from './metrics.js';
import { autotrainerThresholds, checkGradients, checkOverfitting, type MonitorThresholds, type MonitorWarning } from './monitor.js';

/** Samples as the plan takes them: `n * inputSize` features and `n * targetSize` targets. */
export interface Samples {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly n: number;
}

/** What one epoch produced: the contract's `--json` line. */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  readonly loss: number;
  readonly val_loss?: number;
  /** Training metrics by name, and validation metrics as `val_NAME`. */
  readonly metrics: Record<string, number>;
  /** The learning rate used during the epoch. */
  readonly lr: number;
  /** Per-layer gradient norm, the mean over the epoch's steps. */
  readonly grad_norms: Record<string, number>;
  /** Per relu-layer fraction of units with zero gradient, the mean over the epoch's steps. */
  readonly dead_fractions: Record<string, number>;
  /** Training samples per second over the training steps only. */
  readonly samples_per_s: number;
  readonly warnings: MonitorWarning[];
}

/** Early-stopping bookkeeping. */
export interface EarlyStopState {
  readonly best: number;
  /** 1-based epoch of the best loss (0 before the first epoch). */
  readonly bestEpoch: number;
  readonly badEpochs: number;
  /** Parameters and buffers of the best epoch. */
  readonly params: Float32Array | null;
  readonly buffers: Float32Array | null;
}

/** Everything to continue a run bit-identically: what a checkpoint holds besides the data. */
export interface LoopState {
  /** Completed epochs. */
  readonly epoch: number;
  readonly plan: PlanState;
  readonly shuffleRng: RngState;
  readonly schedule: ScheduleState;
  readonly earlyStop: EarlyStopState;
  readonly history: readonly EpochRecord[];
}

/** How to train. */
export interface LoopConfig {
  readonly epochs: number;
  /** Samples per step (the train block's `batch`, or the training set size for `full`). */
  readonly batchSize: number;
  readonly shuffle: boolean;
  /** Seeded generator for the batch order (its own stream). */
  readonly shuffleRng: Rng;
  readonly schedule: Schedule;
  /** `early_stop: patience(n)`, or null. */
  readonly patience: number | null;
  readonly metrics: readonly MetricName[];
  readonly target: MetricTarget;
  readonly thresholds?: MonitorThresholds;
  /** Milliseconds, for samples/s only (never changes the numbers). */
  readonly now?: () => number;
}

/** Callbacks of the loop. */
export interface LoopHooks {
  /** After each step (for progress bars): running loss, speed, and the running training metrics on demand. */
  onStep?(epoch: number, step: number, steps: number, loss: number, samplesPerS: number, metrics: () => Record<string, number>): void;
  /** After each epoch, with the state a checkpoint needs. */
  onEpoch?(record: EpochRecord, state: LoopState): void;
}

/** A non-finite loss or weight: where it appeared first. */
export interface NonFinite {
  readonly value: 'NaN' | 'Inf';
  readonly layer: string;
  readonly where: string;
  readonly epoch: number;
  readonly step: number;
}

/** How a run ended. */
export interface LoopResult {
  readonly status: 'completed' | 'early_stopped' | 'non_finite';
  readonly history: readonly EpochRecord[];
  /** 1-based epoch whose weights the plan holds at the end (the best one with early stopping). */
  readonly weightsEpoch: number;
  readonly nonFinite?: NonFinite;
}

/** A state for a fresh run. */
export function initialLoopState(plan: TrainingPlan, config: LoopConfig): LoopState {
  return {
    epoch: 0,
    plan: plan.getState(),
    shuffleRng: config.shuffleRng.getState(),
    schedule: config.schedule.getState(),
    earlyStop: { best: Infinity, bestEpoch: 0, badEpochs: 0, params: null, buffers: null },
    history: [],
  };
}

/** Mean data loss and metrics of `data` in evaluation mode, in chunks of the plan's capacity. */
export function evaluateSamples(plan: TrainingPlan, data: Samples, metrics: readonly MetricName[], target: MetricTarget): { loss: number; metrics: Record<string, number> } {
  const acc = new MetricAccumulator(metrics, target);
  let total = 0;
  for (let start = 0; start < data.n; start += plan.batchCapacity) {
    const n = Math.min(plan.batchCapacity, data.n - start);
    const x = data.x.subarray(start * plan.inputSize, (start + n) * plan.inputSize);
    const y = data.y.subarray(start * plan.targetSize, (start + n) * plan.targetSize);
    const r = plan.evaluate(x, y, n);
    total += r.loss * n;
    acc.add(r.output, y, n);
  }
  return { loss: total / data.n, metrics: acc.values() };
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/**
 * Trains `plan` on `train`, validating on `validation` after each epoch, from `start` (a fresh
 * `initialLoopState` or a checkpoint's). One epoch: the schedule's rate is set; batches of
 * `batchSize` samples follow file order, or a fresh permutation from the shuffle generator,
 * the last smaller batch kept; each step is the plan's `trainStep`; the epoch's loss is the
 * sample-weighted mean of the batch losses; validation runs in evaluation mode; the schedule
 * steps (on the validation loss, or the training loss without validation); early stopping
 * compares the validation (else training) loss with the best so far. A NaN or Inf in a loss
 * or the parameters stops at once. At the end the plan holds the best epoch's weights when
 * early stopping is on, else the last epoch's.
 */
export function runTraining(plan: TrainingPlan, train: Samples, validation: Samples | null, config: LoopConfig, start: LoopState, hooks: LoopHooks = {}): LoopResult {
  const now = config.now ?? (() => performance.now());
  const thresholds = config.thresholds ?? autotrainerThresholds;
  plan.setState(start.plan);
  const shuffleRng = rngFromState(start.shuffleRng);
  config.schedule.setState(start.schedule);
  let earlyStop = start.earlyStop;
  const history = [...start.history];
  const { inputSize, targetSize } = plan;
  const batch = Math.min(config.batchSize, train.n);
  const steps = Math.ceil(train.n / batch);
  const bx = new Float32Array(batch * inputSize);
  const by = new Float32Array(batch * targetSize);
  const norms = new Float64Array(plan.paramLayers.length);
  const dead = new Float64Array(plan.reluLayers.length);
  const order = new Int32Array(train.n);

  for (let epoch = start.epoch + 1; epoch <= config.epochs; epoch++) {
    const lr = config.schedule.lr();
    plan.setLearningRate(lr);
    for (let i = 0; i < train.n; i++) order[i] = i;
    if (config.shuffle) shuffleRng.shuffle(order);
    const acc = new MetricAccumulator(config.metrics, config.target);
    const normSums = new Float64Array(norms.length);
    const deadSums = new Float64Array(dead.length);
    let lossSum = 0;
    let elapsed = 0;
    for (let s = 0; s < steps; s++) {
      const from = s * batch;
      const n = Math.min(batch, train.n - from);
      for (let k = 0; k < n; k++) {
        const i = order[from + k]!;
        bx.set(train.x.subarray(i * inputSize, (i + 1) * inputSize), k * inputSize);
        by.set(train.y.subarray(i * targetSize, (i + 1) * targetSize), k * targetSize);
      }
      const t0 = now();
      const r = plan.trainStep(bx, by, n);
      elapsed += now() - t0;
      if (!Number.isFinite(r.loss) || !allFinite(plan.paramData)) {
        const found = plan.findNonFinite();
        const value = Number.isNaN(r.loss) || plan.paramData.some(Number.isNaN) ? 'NaN' : 'Inf';
        // Every tensor finite but the loss not: the loss itself overflowed.
        const nonFinite: NonFinite = { value, layer: found?.layer ?? 'the loss', where: found?.where ?? 'loss', epoch, step: s + 1 };
        return { status: 'non_finite', history, weightsEpoch: epoch - 1, nonFinite };
      }
      lossSum += r.loss * n;
      acc.add(plan.lastOutput(), by, n);
      plan.lastGradNorms(norms);
      plan.lastDeadFractions(dead);
      for (let j = 0; j < norms.length; j++) normSums[j]! += norms[j]!;
      for (let j = 0; j < dead.length; j++) deadSums[j]! += dead[j]!;
      hooks.onStep?.(epoch, s + 1, steps, lossSum / (from + n), ((from + n) * 1000) / Math.max(elapsed, 1e-9), () => acc.values());
    }
    const loss = lossSum / train.n;
    const metrics: Record<string, number> = { ...acc.values() };
    let valLoss: number | undefined;
    if (validation) {
      const v = evaluateSamples(plan, validation, config.metrics, config.target);
      valLoss = v.loss;
      for (const [name, value] of Object.entries(v.metrics)) metrics[`val_${name}`] = value;
    }
    const watched = valLoss ?? loss;
    config.schedule.step(watched);
    // keyed by layer names from the file: no prototype, so a layer named __proto__ is a key like any other
    const gradNorms: Record<string, number> = Object.create(null) as Record<string, number>;
    plan.paramLayers.forEach((l, j) => (gradNorms[l] = normSums[j]! / steps));
    const deadFractions: Record<string, number> = Object.create(null) as Record<string, number>;
    plan.reluLayers.forEach((l, j) => (deadFractions[l] = deadSums[j]! / steps));
    const warnings = checkGradients(
      { layers: plan.paramLayers, norms: Array.from(normSums, (v) => v / steps), reluLayers: plan.reluLayers, deadFractions: Array.from(deadSums, (v) => v / steps) },
      thresholds,
    );
    const entry = { loss, ...(valLoss !== undefined ? { val_loss: valLoss } : {}) };
    const overfit = checkOverfitting([...history, entry], thresholds);
    if (overfit) warnings.push(overfit);
    const record: EpochRecord = {
      epoch,
      loss,
      ...(valLoss !== undefined ? { val_loss: valLoss } : {}),
      metrics,
      lr,
      grad_norms: gradNorms,
      dead_fractions: deadFractions,
      samples_per_s: (train.n * 1000) / Math.max(elapsed, 1e-9),
      warnings,
    };
    history.push(record);
    let stop = false;
    if (config.patience !== null) {
      if (watched < earlyStop.best) {
        earlyStop = { best: watched, bestEpoch: epoch, badEpochs: 0, params: plan.paramData.slice(), buffers: plan.bufferData.slice() };
      } else {
        earlyStop = { ...earlyStop, badEpochs: earlyStop.badEpochs + 1 };
        stop = earlyStop.badEpochs >= config.patience;
      }
    }
    hooks.onEpoch?.(record, { epoch, plan: plan.getState(), shuffleRng: shuffleRng.getState(), schedule: config.schedule.getState(), earlyStop, history: [...history] });
    if (stop) break;
  }
  const last = history.length === 0 ? start.epoch : history[history.length - 1]!.epoch;
  if (config.patience !== null && earlyStop.params && earlyStop.buffers) {
    plan.paramData.set(earlyStop.params);
    plan.bufferData.set(earlyStop.buffers);
    return { status: last < config.epochs ? 'early_stopped' : 'completed', history, weightsEpoch: earlyStop.bestEpoch };
  }
  return { status: 'completed', history, weightsEpoch: last };
}
