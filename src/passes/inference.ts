/**
 * The inference specialization: dropout nodes are dropped (identity in evaluation) and
 * batchnorm switches to its running statistics, leaving them unchanged.
 */
import type { IrGraph } from '../ir/types.js';
import { bypass } from './edit.js';

/** The evaluation-mode graph. */
export function toInference(graph: IrGraph): IrGraph {
  let g: IrGraph = { ...graph, mode: 'eval' };
  for (const node of graph.nodes) if (node.op === 'dropout') g = bypass(g, node.id);
  return {
    ...g,
    nodes: g.nodes.map((n) => (n.op === 'batchnorm' ? { ...n, attrs: { ...n.attrs, training: false } } : n)),
  };
}
