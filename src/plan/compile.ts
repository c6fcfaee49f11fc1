/** The middle of the pipeline: lower -> optimize (training and inference graphs) -> plan. */
import type { CheckedModel, CheckedTrain } from '../checker/types.js';
import { lower } from '../ir/lower.js';
import type { IrGraph } from '../ir/types.js';
import { INFERENCE_PASSES, runPasses, TRAINING_PASSES } from '../passes/index.js';
import { plan } from '../planner/index.js';
import type { Plan } from '../planner/types.js';

/** Options shared by every compile entry point. */
export interface CompileOptions {
  /** The largest batch a call may pass; every buffer is sized for it. */
  readonly batchCapacity: number;
}

/** The lowered graph and its two optimized forms. */
export interface OptimizedGraphs {
  readonly lowered: IrGraph;
  readonly train: IrGraph;
  readonly inference: IrGraph;
}

/** Lowers and runs both pass pipelines. */
export function optimize(model: CheckedModel, train: CheckedTrain, options: CompileOptions): OptimizedGraphs {
  if (!Number.isInteger(options.batchCapacity) || options.batchCapacity < 1) {
    throw new RangeError(`batch capacity must be a positive integer, got ${options.batchCapacity}`);
  }
  const lowered = lower(model, train, options);
  return { lowered, train: runPasses(lowered, TRAINING_PASSES), inference: runPasses(lowered, INFERENCE_PASSES) };
}

/** The plan of a checked model and train block. */
export function compilePlan(model: CheckedModel, train: CheckedTrain, options: CompileOptions): Plan {
  const g = optimize(model, train, options);
  return plan(g.train, g.inference);
}
