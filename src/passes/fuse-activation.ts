/**
 * Fuses an elementwise activation into the matrix product or convolution that feeds it: the
 * runtime's linear/conv2d ops apply it in the write-out and differentiate through it in their
 * backward (the bias is already part of those ops). The fused op takes over the activation's
 * output value, so the relu monitor and the model output keep their value ids.
 */
import type { IrGraph, IrNode } from '../ir/types.js';
import { roots, useCounts } from './edit.js';

/** The graph with every fusable `matmul -> activation` pair fused. */
export function fuseActivation(graph: IrGraph): IrGraph {
  const uses = useCounts(graph);
  const keep = roots(graph);
  const producer = new Map(graph.nodes.map((n) => [n.output, n]));
  const replaced = new Map<IrNode, IrNode>();
  const removed = new Set<IrNode>();
  for (const node of graph.nodes) {
    if (node.op !== 'activation') continue;
    const src = producer.get(node.inputs[0]);
    if (!src || (src.op !== 'linear' && src.op !== 'conv2d') || src.attrs.activation !== 'linear') continue;
    if (uses.get(src.output) !== 1 || keep.has(src.output) || replaced.has(src)) continue;
    const attrs = { ...src.attrs, activation: node.attrs.kind, alpha: node.attrs.alpha };
    replaced.set(src, { ...src, attrs, output: node.output } as IrNode);
    removed.add(node);
  }
  if (removed.size === 0) return graph;
  return { ...graph, nodes: graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n) };
}
