/**
 * The optimization passes, one module each, and the two pipelines the planner uses: one for the
 * training graph and one for the inference (evaluate/predict) graph.
 */
import type { IrGraph } from '../ir/types.js';
import { eliminateDeadNodes } from './dead-nodes.js';
import { foldConstants } from './fold-constants.js';
import { fuseActivation } from './fuse-activation.js';
import { fuseSoftmaxCrossEntropy } from './fuse-softmax-ce.js';
import { toInference } from './inference.js';

export { eliminateDeadNodes, foldConstants, fuseActivation, fuseSoftmaxCrossEntropy, toInference };

/** A pass: a graph in, an equivalent graph out. */
export type Pass = (graph: IrGraph) => IrGraph;

/** The passes applied to a training graph, in order. */
export const TRAINING_PASSES: readonly Pass[] = [foldConstants, fuseSoftmaxCrossEntropy, fuseActivation, eliminateDeadNodes];

/** The passes applied to make the inference graph from the training graph, in order. */
export const INFERENCE_PASSES: readonly Pass[] = [toInference, ...TRAINING_PASSES];

/** Runs passes in order. */
export function runPasses(graph: IrGraph, passes: readonly Pass[]): IrGraph {
  return passes.reduce((g, p) => p(g), graph);
}
