/**
 * The optimizer table and its one entry point, `createOptimizer`. Every optimizer follows
 * `torch.optim` (PyTorch 1.13) exactly; see each family's file for the update written out.
 */
import type { FloatArray } from '../tensor.js';
import type { FastUpdate, Optimizer, OptimizerBackend, OptimizerSnapshot, OptimizerSpec, StateDType } from './types.js';
import { gd, sgd, momentum, nesterov, type GdArgs, type SgdArgs, type MomentumArgs } from './sgd.js';
import { adagrad, adadelta, rmsprop, type AdagradArgs, type AdadeltaArgs, type RmspropArgs } from './adaptive.js';
import { adam, adamw, adamax, nadam, type AdamArgs, type AdamaxArgs, type NadamArgs } from './adam.js';

export type { FastUpdate, Optimizer, OptimizerBackend, OptimizerSnapshot, OptimizerSpec, StateDType } from './types.js';
export type { GdArgs, SgdArgs, MomentumArgs, AdagradArgs, AdadeltaArgs, RmspropArgs, AdamArgs, AdamaxArgs, NadamArgs };

/** The arguments of each optimizer, keyed by the contract's optimizer name. */
export interface OptimizerArgs {
  gd: GdArgs;
  sgd: SgdArgs;
  momentum: MomentumArgs;
  nesterov: MomentumArgs;
  adagrad: AdagradArgs;
  adadelta: AdadeltaArgs;
  rmsprop: RmspropArgs;
  adam: AdamArgs;
  adamw: AdamArgs;
  adamax: AdamaxArgs;
  nadam: NadamArgs;
}

/** Every optimizer name of the contract. */
export type OptimizerName = keyof OptimizerArgs;

/** The optimizer table: defaults (`null` = required), state layout and update of each. */
export const OPTIMIZERS: { readonly [N in OptimizerName]: OptimizerSpec<OptimizerArgs[N]> } = {
  gd,
  sgd,
  momentum,
  nesterov,
  adagrad,
  adadelta,
  rmsprop,
  adam,
  adamw,
  adamax,
  nadam,
};

/** Whether `name` is an optimizer of the table. */
export function isOptimizerName(name: string): name is OptimizerName {
  return Object.prototype.hasOwnProperty.call(OPTIMIZERS, name);
}

/** The full arguments of an optimizer: the given ones over the defaults. Throws if a required one is missing. */
export function resolveOptimizerArgs<N extends OptimizerName>(name: N, args: Partial<OptimizerArgs[N]>): OptimizerArgs[N] {
  const defaults = OPTIMIZERS[name].defaults as Record<string, unknown>;
  const given = args as Record<string, unknown>;
  const full: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = given[key] ?? defaults[key];
    if (value === null || value === undefined) throw new Error(`optimizer ${name}: missing required argument ${key}`);
    full[key] = value;
  }
  return full as unknown as OptimizerArgs[N];
}

function allocate(dtype: StateDType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** The slot names of optimizer `name(args)` (arguments as given; defaults filled in). */
export function optimizerSlotNames<N extends OptimizerName>(name: N, args: Partial<OptimizerArgs[N]>): readonly string[] {
  return (OPTIMIZERS[name] as OptimizerSpec<OptimizerArgs[N]>).slots(resolveOptimizerArgs(name, args));
}

/**
 * Creates an optimizer over a flat buffer of `paramCount` elements, its state allocated now.
 * `args.lr` is only the default rate; the rate actually used is the one passed to `step`.
 * @param dtype precision of the slots: `float32` for training, `float64` for checks
 * @param backend for `float32` only: where the slots live and a faster update over them, used
 *   when it takes the step's arrays (the reference update runs otherwise, on the same slots)
 */
export function createOptimizer<N extends OptimizerName>(
  name: N,
  args: Partial<OptimizerArgs[N]>,
  paramCount: number,
  dtype: StateDType = 'float32',
  backend?: OptimizerBackend,
): Optimizer {
  const spec = OPTIMIZERS[name] as OptimizerSpec<OptimizerArgs[N]>;
  const full = resolveOptimizerArgs(name, args);
  const slotNames = spec.slots(full);
  const onBackend = dtype === 'float32' && backend !== undefined ? backend : undefined;
  const slots = slotNames.map(() => (onBackend ? onBackend.alloc(paramCount) : allocate(dtype, paramCount)));
  const scalars = Float64Array.from(spec.initialScalars);
  const fast: FastUpdate | null = onBackend
    ? onBackend.fastUpdate(name, full as unknown as Readonly<Record<string, number | boolean>>, slots as Float32Array[], paramCount)
    : null;
  return {
    name,
    slotNames,
    scalarNames: spec.scalars,
    state: { slots, scalars },
    step(params: FloatArray, grads: FloatArray, lr: number): void {
      if (params.length !== paramCount || grads.length !== paramCount) {
        throw new RangeError(`optimizer ${name}: expected ${paramCount} parameters and gradients, got ${params.length} and ${grads.length}`);
      }
      if (fast !== null && params instanceof Float32Array && grads instanceof Float32Array && fast(params, grads, lr, scalars)) return;
      spec.update(full, params, grads, lr, slots, scalars);
    },
    saveState(): OptimizerSnapshot {
      return { slots: slots.map((s) => s.slice()), scalars: Array.from(scalars) };
    },
    loadState(snapshot: OptimizerSnapshot): void {
      if (snapshot.slots.length !== slots.length || snapshot.scalars.length !== scalars.length) {
        throw new RangeError(`optimizer ${name}: snapshot has ${snapshot.slots.length} slots and ${snapshot.scalars.length} scalars, expected ${slots.length} and ${scalars.length}`);
      }
      snapshot.slots.forEach((s, k) => {
        if (s.length !== paramCount) throw new RangeError(`optimizer ${name}: slot ${slotNames[k]} has ${s.length} elements, expected ${paramCount}`);
        slots[k].set(s);
      });
      scalars.set(snapshot.scalars);
    },
  };
}
