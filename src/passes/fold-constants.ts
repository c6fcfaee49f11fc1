/**
 * Folds constant hyperparameters: nodes that those constants make identities are removed
 * (`linear` activations, dropout at rate 0, reshapes to the same shape), their readers rewired.
 */
import type { IrGraph, IrNode } from '../ir/types.js';
import { bypass } from './edit.js';

function isIdentity(node: IrNode): boolean {
  switch (node.op) {
    case 'activation':
      return node.attrs.kind === 'linear';
    case 'dropout':
      return node.attrs.rate === 0 || !node.attrs.training;
    case 'reshape':
      return node.attrs.shape.length === node.attrs.to.length && node.attrs.shape.every((d, i) => d === node.attrs.to[i]);
    default:
      return false;
  }
}

/** The graph without identity nodes. */
export function foldConstants(graph: IrGraph): IrGraph {
  let g = graph;
  for (const node of graph.nodes) if (isIdentity(node)) g = bypass(g, node.id);
  return g;
}
