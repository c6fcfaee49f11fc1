/**
 * A tiny graph of op nodes and the generic reverse-mode walk over it, using only the op table:
 * the reference composition the compiler's plans are compared against, and what whole-network
 * gradient checks differentiate. It allocates freely; the compiled plan is the fast path.
 */
import type { OpCall, OpSpec, OpTable, Workspace } from '../ops/types.js';
import { allocate, dtypeOf, sizeOf } from '../tensor.js';
import type { FloatArray, TensorShape } from '../tensor.js';

/** A named input or parameter of a graph. */
export interface GraphLeaf {
  readonly name: string;
  readonly shape: TensorShape;
}

/** One op use: its output is named `name`; `inputs` name leaves or earlier nodes, in the op's input order. */
export type GraphNode = OpCall & { readonly name: string; readonly inputs: readonly string[] };

/** Leaves, then nodes in topological order; `output` names the value that is differentiated (a loss). */
export interface Graph {
  readonly leaves: readonly GraphLeaf[];
  readonly nodes: readonly GraphNode[];
  readonly output: string;
}

/** Every value of a forward pass by name, and each node's workspace (its `saved` feeds backward). */
export interface Evaluation {
  readonly values: Readonly<Record<string, FloatArray>>;
  readonly workspaces: readonly Workspace[];
}

/** The op of a node with its attribute type erased (safe: a node's attrs match its op by construction). */
export function specOf(ops: OpTable, node: GraphNode): OpSpec<unknown> {
  return ops[node.op] as OpSpec<unknown>;
}

function sameShape(a: TensorShape, b: TensorShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The shape of every value, checking that each node's inputs exist, come earlier and have the
 * shapes its op expects. Throws on a malformed graph (a bug in whoever built it).
 */
export function graphShapes(ops: OpTable, graph: Graph): Record<string, TensorShape> {
  const shapes: Record<string, TensorShape> = Object.create(null);
  for (const leaf of graph.leaves) shapes[leaf.name] = leaf.shape;
  for (const node of graph.nodes) {
    const spec = specOf(ops, node);
    const expected = spec.inputs(node.attrs);
    if (expected.length !== node.inputs.length) {
      throw new Error(`node ${node.name} (${node.op}) has ${node.inputs.length} inputs, expected ${expected.length}`);
    }
    expected.forEach((inp, i) => {
      const got = shapes[node.inputs[i]];
      if (!got) throw new Error(`node ${node.name} reads ${node.inputs[i]} before it is defined`);
      if (!sameShape(got, inp.shape)) {
        throw new Error(`node ${node.name} input ${inp.name}: shape [${got.join(', ')}], expected [${inp.shape.join(', ')}]`);
      }
    });
    if (shapes[node.name]) throw new Error(`value ${node.name} is defined twice`);
    shapes[node.name] = spec.outputShape(node.attrs);
  }
  if (!shapes[graph.output]) throw new Error(`graph output ${graph.output} is not defined`);
  return shapes;
}

/** Runs every node in order on the given leaf values (all of one dtype). */
export function forward(ops: OpTable, graph: Graph, leaves: Readonly<Record<string, FloatArray>>): Evaluation {
  const shapes = graphShapes(ops, graph);
  const first = graph.leaves[0];
  const dtype = first ? dtypeOf(leaves[first.name]) : 'float64';
  const values: Record<string, FloatArray> = Object.create(null);
  for (const leaf of graph.leaves) {
    const v = leaves[leaf.name];
    if (!v || v.length !== sizeOf(leaf.shape)) throw new Error(`leaf ${leaf.name} is missing or has the wrong size`);
    values[leaf.name] = v;
  }
  const workspaces = graph.nodes.map((node) => {
    const spec = specOf(ops, node);
    const ws: Workspace = {
      saved: allocate(dtype, spec.savedSize(node.attrs)),
      scratch: allocate(dtype, spec.scratchSize(node.attrs)),
    };
    const out = allocate(dtype, sizeOf(shapes[node.name]));
    spec.forward(node.attrs, node.inputs.map((n) => values[n]), out, ws);
    values[node.name] = out;
    return ws;
  });
  return { values, workspaces };
}

/**
 * Reverse-mode walk: seeds the output's gradient with `seed` (`[1]` for a loss) and returns the
 * gradient of every value that some op input differentiates (zeros where nothing flows).
 * Each op's backward adds into the buffers, so fan-out (residuals) sums correctly.
 */
export function backward(
  ops: OpTable, graph: Graph, evaluation: Evaluation, seed: FloatArray,
): Record<string, FloatArray> {
  const dtype = dtypeOf(seed);
  const grads: Record<string, FloatArray> = Object.create(null);
  const gradOf = (name: string): FloatArray => {
    grads[name] ??= allocate(dtype, evaluation.values[name].length);
    return grads[name];
  };
  gradOf(graph.output).set(seed);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    const gy = grads[node.name];
    if (!gy) continue;
    const spec = specOf(ops, node);
    const specs = spec.inputs(node.attrs);
    const gradInputs = node.inputs.map((n, j) => (specs[j].differentiable ? gradOf(n) : null));
    spec.backward(
      node.attrs, node.inputs.map((n) => evaluation.values[n]), evaluation.values[node.name], gy, gradInputs,
      evaluation.workspaces[i],
    );
  }
  return grads;
}

/** Names of the leaves some node differentiates (parameters and inputs, not targets or labels). */
export function differentiableLeaves(ops: OpTable, graph: Graph): string[] {
  const wanted = new Set<string>();
  for (const node of graph.nodes) {
    const specs = specOf(ops, node).inputs(node.attrs);
    node.inputs.forEach((n, j) => {
      if (specs[j].differentiable) wanted.add(n);
    });
  }
  return graph.leaves.map((l) => l.name).filter((n) => wanted.has(n));
}
