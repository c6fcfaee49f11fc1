/**
 * Fuses softmax with cross-entropy: `softmax_cross_entropy(log_softmax(z))`, which lowering
 * writes for cross-entropy on a model ending in softmax, becomes `softmax_cross_entropy(z)`
 * (log_softmax only shifts each row, which softmax ignores). The log_softmax node is left to
 * dead-node elimination; the model's softmax output stays for predictions and metrics.
 */
import type { IrGraph } from '../ir/types.js';

/** The graph with the loss reading the logits directly. */
export function fuseSoftmaxCrossEntropy(graph: IrGraph): IrGraph {
  const producer = new Map(graph.nodes.map((n) => [n.output, n]));
  const nodes = graph.nodes.map((n) => {
    if (n.op !== 'softmax_cross_entropy') return n;
    const src = producer.get(n.inputs[0]);
    if (src?.op !== 'log_softmax') return n;
    return { ...n, inputs: [src.inputs[0], n.inputs[1]] };
  });
  return { ...graph, nodes };
}
