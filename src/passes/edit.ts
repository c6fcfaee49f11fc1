/** Small graph edits shared by the passes: consumers of a value, rewiring uses, roots. */
import type { IrGraph, IrNode } from '../ir/types.js';

/** How many node inputs read each value. */
export function useCounts(graph: IrGraph): Map<number, number> {
  const uses = new Map<number, number>();
  for (const n of graph.nodes) for (const v of n.inputs) uses.set(v, (uses.get(v) ?? 0) + 1);
  return uses;
}

/** Values that must survive every pass: the model output, the loss and the relu monitors' values. */
export function roots(graph: IrGraph): Set<number> {
  return new Set([graph.output, graph.loss, ...graph.reluOutputs.map((r) => r.value)]);
}

/** `nodes` with every read of `from` replaced by `to`. */
export function rewire(nodes: readonly IrNode[], from: number, to: number): IrNode[] {
  return nodes.map((n) => (n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((v) => (v === from ? to : v)) } : n));
}

/**
 * Removes identity node `nodeId` (looked up in `graph`, which earlier edits may have rewired) (output equal to its first input): readers of its output read the
 * input instead; if the output was the model output or a relu monitor's value, those follow too.
 */
export function bypass(graph: IrGraph, nodeId: number): IrGraph {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node) return graph;
  const from = node.output;
  const to = node.inputs[0];
  return {
    ...graph,
    nodes: rewire(graph.nodes.filter((n) => n.id !== nodeId), from, to),
    output: graph.output === from ? to : graph.output,
    reluOutputs: graph.reluOutputs.map((r) => (r.value === from ? { ...r, value: to } : r)),
  };
}
