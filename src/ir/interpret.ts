/**
 * The plain, unoptimized reading of an IR graph: it becomes a runtime autodiff `Graph` and runs
 * through the generic `forward`/`backward` walk of the op table. This is the reference the
 * passes and the compiled plans are tested against; it allocates freely.
 */
import { backward, forward, type Graph } from '../runtime/autodiff/graph.js';
import type { OpTable } from '../runtime/ops/types.js';
import { allocate, sizeOf, type DType, type FloatArray } from '../runtime/tensor.js';
import type { IrGraph } from './types.js';

/** The IR graph as a runtime graph whose values are named `v<id>`; the loss is differentiated. */
export function toRuntimeGraph(graph: IrGraph): Graph {
  const used = new Set<number>();
  for (const n of graph.nodes) for (const v of n.inputs) used.add(v);
  const produced = new Set(graph.nodes.map((n) => n.output));
  const leaves = [...used].filter((v) => !produced.has(v)).sort((a, b) => a - b)
    .map((v) => ({ name: `v${v}`, shape: graph.values[v].shape }));
  const nodes = graph.nodes.map((n) => ({ op: n.op, attrs: n.attrs, name: `v${n.output}`, inputs: n.inputs.map((v) => `v${v}`) }) as Graph['nodes'][number]);
  return { leaves, nodes, output: `v${graph.loss}` };
}

/** Inputs of an interpretation (all arrays of one dtype, batch = the graph's capacity). */
export interface InterpretInputs {
  readonly x: FloatArray;
  readonly y: FloatArray;
  /** Every parameter and buffer by contract name; buffers (running statistics) are updated in place. */
  readonly params: ReadonlyMap<string, FloatArray>;
  /** Fills the noise of each training-mode dropout with rate > 0, in node order. */
  readonly noise?: (out: FloatArray) => void;
}

/** What an interpretation gives: the loss, the model output and the gradient of each trainable parameter. */
export interface Interpretation {
  readonly loss: number;
  readonly output: FloatArray;
  readonly grads: ReadonlyMap<string, FloatArray>;
}

/** Runs the graph forward and backward on the op table `ops`. */
export function interpret(ops: OpTable, graph: IrGraph, inputs: InterpretInputs, dtype: DType): Interpretation {
  const rg = toRuntimeGraph(graph);
  const leafValues: Record<string, FloatArray> = Object.create(null);
  const noiseFor = new Map<number, FloatArray>();
  for (const n of graph.nodes) {
    if (n.op === 'dropout' && n.attrs.training && n.attrs.rate > 0) {
      const u = allocate(dtype, sizeOf(graph.values[n.inputs[1]].shape));
      inputs.noise?.(u);
      noiseFor.set(n.inputs[1], u);
    }
  }
  for (const leaf of rg.leaves) {
    const v = graph.values[Number(leaf.name.slice(1))];
    const size = sizeOf(leaf.shape);
    if (v.kind === 'input') leafValues[leaf.name] = inputs.x;
    else if (v.kind === 'target') leafValues[leaf.name] = inputs.y;
    else if (v.kind === 'noise') leafValues[leaf.name] = noiseFor.get(v.id) ?? allocate(dtype, size);
    else {
      const p = inputs.params.get(v.param ?? '');
      if (!p) throw new Error(`interpret: no value for parameter ${v.param}`);
      leafValues[leaf.name] = p;
    }
  }
  const evaluation = forward(ops, rg, leafValues);
  const seed = allocate(dtype, 1);
  seed[0] = 1;
  const grads = backward(ops, rg, evaluation, seed);
  const out = new Map<string, FloatArray>();
  for (const p of graph.params) {
    if (p.trainable) out.set(p.name, grads[`v${p.value}`] ?? allocate(dtype, sizeOf(p.shape)));
  }
  const output = graph.output === graph.input ? inputs.x : evaluation.values[`v${graph.output}`];
  return { loss: evaluation.values[`v${graph.loss}`][0], output, grads: out };
}
