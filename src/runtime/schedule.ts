/**
 * Learning-rate schedules, one rate per epoch (0-based epoch e, base rate lr, total epochs E),
 * changed once per epoch as PyTorch's `scheduler.step()` after each epoch:
 * - constant: lr
 * - step(every, gamma): lr·gamma^⌊e/every⌋ (StepLR)
 * - exponential(gamma): lr·gamma^e (ExponentialLR)
 * - cosine(min_lr: 0, warmup: 0): lr·(e+1)/warmup for e < warmup, then CosineAnnealingLR's closed
 *   form with T = E − warmup, t = e − warmup: min_lr + (lr − min_lr)·(1 + cos(πt/T))/2
 * - reduce_on_plateau(factor: 0.1, patience: 10): ReduceLROnPlateau (mode min, threshold 1e-4
 *   relative, cooldown 0, min_lr 0, eps 1e-8), fed the validation loss after each epoch.
 */

/** Arguments of each schedule, keyed by the contract's name. */
export interface ScheduleArgs {
  constant: Record<string, never>;
  step: { readonly every: number; readonly gamma: number };
  exponential: { readonly gamma: number };
  cosine: { readonly min_lr: number; readonly warmup: number };
  reduce_on_plateau: { readonly factor: number; readonly patience: number };
}

/** Every schedule of the contract. */
export type ScheduleName = keyof ScheduleArgs;

/** A schedule's complete state as plain, JSON-safe numbers (for checkpoints). */
export interface ScheduleState {
  /** The current (0-based) epoch. */
  readonly epoch: number;
  /** The rate of the current epoch. */
  readonly lr: number;
  /** reduce_on_plateau: the best loss seen, or null before the first. */
  readonly best: number | null;
  /** reduce_on_plateau: epochs since the last improvement. */
  readonly numBadEpochs: number;
  /** reduce_on_plateau: epochs of cooldown left (always 0 with cooldown 0). */
  readonly cooldownCounter: number;
}

/** A live schedule. */
export interface Schedule {
  readonly name: ScheduleName;
  /** The learning rate to use during the current epoch. */
  lr(): number;
  /**
   * Ends the current epoch. reduce_on_plateau requires the epoch's validation loss; the other
   * schedules ignore it.
   */
  step(valLoss?: number): void;
  getState(): ScheduleState;
  setState(state: ScheduleState): void;
}

/** ReduceLROnPlateau's fixed settings in the contract. */
const PLATEAU_THRESHOLD = 1e-4;
const PLATEAU_COOLDOWN = 0;
const PLATEAU_MIN_LR = 0;
const PLATEAU_EPS = 1e-8;

/** Argument defaults (`null` = required). */
export const SCHEDULE_DEFAULTS: { readonly [N in ScheduleName]: { readonly [K in keyof ScheduleArgs[N]]: ScheduleArgs[N][K] | null } } = {
  constant: {},
  step: { every: null, gamma: null },
  exponential: { gamma: null },
  cosine: { min_lr: 0, warmup: 0 },
  reduce_on_plateau: { factor: 0.1, patience: 10 },
};

type ClosedForm = Exclude<ScheduleName, 'reduce_on_plateau'>;

/** The closed-form rate of a stateless schedule at `epoch`. */
export function scheduledLr<N extends ClosedForm>(name: N, args: ScheduleArgs[N], baseLr: number, epoch: number, epochs: number): number {
  switch (name) {
    case 'constant':
      return baseLr;
    case 'step': {
      const a = args as ScheduleArgs['step'];
      return baseLr * Math.pow(a.gamma, Math.floor(epoch / a.every));
    }
    case 'exponential':
      return baseLr * Math.pow((args as ScheduleArgs['exponential']).gamma, epoch);
    default: {
      const { min_lr: minLr, warmup } = args as ScheduleArgs['cosine'];
      if (epoch < warmup) return (baseLr * (epoch + 1)) / warmup;
      const T = epochs - warmup;
      const t = epoch - warmup;
      return minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * t) / T))) / 2;
    }
  }
}

/** The full arguments: the given ones over the defaults; throws if a required one is missing. */
export function resolveScheduleArgs<N extends ScheduleName>(name: N, args: Partial<ScheduleArgs[N]>): ScheduleArgs[N] {
  const defaults = SCHEDULE_DEFAULTS[name] as Record<string, unknown>;
  const given = args as Record<string, unknown>;
  const full: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = given[key] ?? defaults[key];
    if (value === null || value === undefined) throw new Error(`schedule ${name}: missing required argument ${key}`);
    full[key] = value;
  }
  return full as unknown as ScheduleArgs[N];
}

/**
 * Creates schedule `name(args)` for a run of `epochs` epochs at base rate `baseLr`, positioned at
 * epoch 0.
 */
export function createSchedule<N extends ScheduleName>(name: N, args: Partial<ScheduleArgs[N]>, baseLr: number, epochs: number): Schedule {
  const full = resolveScheduleArgs(name, args);
  let epoch = 0;
  let lr = baseLr;
  let best: number | null = null;
  let numBadEpochs = 0;
  let cooldownCounter = 0;
  const plateau = name === 'reduce_on_plateau' ? (full as ScheduleArgs['reduce_on_plateau']) : null;
  const closedForm = (e: number) => scheduledLr(name as ClosedForm, full as ScheduleArgs[ClosedForm], baseLr, e, epochs);
  if (!plateau) lr = closedForm(0);

  /** ReduceLROnPlateau.step(metrics) with mode min, relative threshold. */
  function observe(loss: number): void {
    if (!plateau) return;
    // torch starts from best = inf, so a NaN or infinite first loss is not an improvement.
    if (loss < (best ?? Infinity) * (1 - PLATEAU_THRESHOLD)) {
      best = loss;
      numBadEpochs = 0;
    } else {
      numBadEpochs += 1;
    }
    if (cooldownCounter > 0) {
      cooldownCounter -= 1;
      numBadEpochs = 0;
    }
    if (numBadEpochs > plateau.patience) {
      const newLr = Math.max(lr * plateau.factor, PLATEAU_MIN_LR);
      if (lr - newLr > PLATEAU_EPS) lr = newLr;
      cooldownCounter = PLATEAU_COOLDOWN;
      numBadEpochs = 0;
    }
  }

  return {
    name,
    lr: () => lr,
    step(valLoss?: number): void {
      if (plateau) {
        if (valLoss === undefined) throw new Error('reduce_on_plateau needs the epoch\'s validation loss');
        observe(valLoss);
        epoch += 1;
      } else {
        epoch += 1;
        lr = closedForm(epoch);
      }
    },
    getState: () => ({ epoch, lr, best, numBadEpochs, cooldownCounter }),
    setState(state: ScheduleState): void {
      ({ epoch, lr, best, numBadEpochs, cooldownCounter } = state);
    },
  };
}
