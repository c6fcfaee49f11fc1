/** Dead-node elimination: nodes whose outputs reach neither the model output nor the loss. */
import type { IrGraph } from '../ir/types.js';

/** The graph without dead nodes (relu monitors of removed nodes are dropped too). */
export function eliminateDeadNodes(graph: IrGraph): IrGraph {
  const live = new Set([graph.output, graph.loss]);
  const kept = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!live.has(n.output)) continue;
    kept.push(n);
    for (const v of n.inputs) live.add(v);
  }
  kept.reverse();
  const produced = new Set(kept.map((n) => n.output));
  return { ...graph, nodes: kept, reluOutputs: graph.reluOutputs.filter((r) => produced.has(r.value)) };
}
