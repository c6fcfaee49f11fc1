/**
 * Plans one phase of a graph: the forward steps, and (for training) the backward steps from the
 * derivative table (each op's accumulating backward), with every tensor placed in pooled slots.
 */
import type { IrGraph, IrNode } from '../ir/types.js';
import type { OpSpec, OpTable } from '../runtime/ops/types.js';
import { sizeOf } from '../runtime/tensor.js';
import { packIntervals, type Interval } from './pool.js';
import type { BackwardStep, ForwardStep, PhasePlan, Ref } from './types.js';

function specOf(ops: OpTable, node: IrNode): OpSpec<unknown> {
  return ops[node.op] as OpSpec<unknown>;
}

/** What needs a pooled slot: an activation, a dropout's noise, a node's saved workspace, a gradient. */
type PoolKey = `v${number}` | `s${number}` | `g${number}`;

/**
 * Plans a phase. `fixed` locates parameters and buffers (by value id); `withBackward` adds the
 * backward steps and gradients of trainable parameters (`gradOf` by value id).
 */
export function planPhase(
  ops: OpTable, graph: IrGraph, fixed: ReadonlyMap<number, Ref>, gradOf: ReadonlyMap<number, Ref>, withBackward: boolean,
): PhasePlan {
  const nodes = graph.nodes;
  const F = nodes.length;
  const INF = Number.MAX_SAFE_INTEGER;
  const cap = graph.capacity;
  const differentiable = nodes.map((n) => specOf(ops, n).inputs(n.attrs).map((s) => s.differentiable));
  // a reshape is a relabeling of contiguous storage: its output aliases its input (no copy, no step)
  const alias = new Map<number, number>();
  const canon = (v: number): number => alias.get(v) ?? v;
  for (const n of nodes) if (n.op === 'reshape') alias.set(n.output, canon(n.inputs[0]));
  const isAlias = (n: IrNode): boolean => n.op === 'reshape';

  // which values carry a gradient
  const needsGrad = new Set<number>();
  if (withBackward) {
    for (const v of gradOf.keys()) needsGrad.add(v);
    nodes.forEach((n, i) => {
      if (n.inputs.some((v, j) => differentiable[i][j] && needsGrad.has(v))) needsGrad.add(n.output);
    });
  }
  // only values the loss depends on receive a gradient (the model's softmax output, say, does not)
  const reached = new Set<number>(withBackward ? [graph.loss] : []);
  for (let i = F - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!reached.has(n.output)) continue;
    n.inputs.forEach((v, j) => {
      if (differentiable[i][j] && needsGrad.has(v)) reached.add(v);
    });
  }
  for (const v of [...needsGrad]) if (!reached.has(v)) needsGrad.delete(v);
  const runsBackward = nodes.map((n, i) => withBackward && !isAlias(n) && reached.has(n.output) && n.inputs.some((v, j) => differentiable[i][j] && needsGrad.has(v)));
  const tB = (i: number): number => F + (F - 1 - i);

  const intervals = new Map<PoolKey, Interval & { perSample: number }>();
  const extend = (key: PoolKey, t: number): void => {
    const iv = intervals.get(key);
    if (iv) intervals.set(key, { ...iv, start: Math.min(iv.start, t), end: Math.max(iv.end, t) });
  };
  const pinned = new Set([graph.output, graph.loss, ...(withBackward ? graph.reluOutputs.map((r) => r.value) : [])].map(canon));
  const valueSize = (v: number): { size: number; perSample: number } => {
    const val = graph.values[v];
    const size = sizeOf(val.batched ? [cap, ...val.shape.slice(1)] : val.shape);
    return { size, perSample: val.batched ? size / cap : 0 };
  };

  nodes.forEach((n, i) => {
    if (isAlias(n)) {
      if (pinned.has(canon(n.output))) extend(`v${canon(n.output)}`, INF);
      else extend(`v${canon(n.output)}`, i);
      return;
    }
    const { size, perSample } = valueSize(n.output);
    const end = pinned.has(n.output) ? INF : withBackward ? F - 1 : i;
    intervals.set(`v${n.output}`, { size, perSample, start: i, end });
    for (const v of n.inputs.map(canon)) {
      extend(`v${v}`, i);
      if (graph.values[v].kind === 'noise') intervals.set(`v${v}`, { ...valueSize(v), start: i, end: i });
    }
    const saved = specOf(ops, n).savedSize(n.attrs);
    if (saved > 0) intervals.set(`s${n.id}`, { size: saved, perSample: 0, start: i, end: runsBackward[i] ? tB(i) : i });
  });
  // in backward order, so a gradient exists (from its first writer) before its producer extends it
  for (let i = F - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!runsBackward[i]) continue;
    const t = tB(i);
    extend(`v${n.output}`, t);
    n.inputs.map(canon).forEach((v, j) => {
      extend(`v${v}`, t);
      if (differentiable[i][j] && needsGrad.has(v) && !gradOf.has(v)) {
        const key: PoolKey = `g${v}`;
        if (intervals.has(key)) extend(key, t);
        else intervals.set(key, { ...valueSize(v), start: t, end: t });
      }
    });
    if (n.output !== graph.loss) extend(`g${n.output}`, t);
  }

  const keys = [...intervals.keys()];
  const list = keys.map((k) => intervals.get(k) as Interval & { perSample: number });
  const packing = packIntervals(list);
  const refOf = new Map<PoolKey, Ref>();
  keys.forEach((k, i) => refOf.set(k, { kind: 'slot', slot: packing.slotOf[i], perSample: list[i].perSample, length: list[i].size }));

  const valueRef = (value: number): Ref => {
    const v = canon(value);
    const kind = graph.values[v].kind;
    if (kind === 'input') return { kind: 'x' };
    if (kind === 'target') return { kind: 'y' };
    const f = fixed.get(v);
    if (f) return f;
    const r = refOf.get(`v${v}`);
    if (!r) throw new Error(`planner: value ${v} has no storage`);
    return r;
  };
  const gradRef = (value: number): Ref => {
    const v = canon(value);
    if (v === graph.loss) return { kind: 'seed' };
    const r = gradOf.get(v) ?? refOf.get(`g${v}`);
    if (!r) throw new Error(`planner: gradient of value ${v} has no storage`);
    return r;
  };

  const forward: ForwardStep[] = nodes.filter((n) => !isAlias(n)).map((n) => ({
    node: n,
    inputs: n.inputs.map(valueRef),
    output: valueRef(n.output),
    saved: refOf.get(`s${n.id}`) ?? { kind: 'empty' },
    noise: n.op === 'dropout' && n.attrs.training && n.attrs.rate > 0 ? valueRef(n.inputs[1]) : null,
  }));
  const backward: BackwardStep[] = [];
  const zeroed = new Set<number>();
  const stepOf = new Map(forward.map((f) => [f.node, f]));
  for (let i = F - 1; i >= 0; i--) {
    if (!runsBackward[i]) continue;
    const n = nodes[i];
    const zero: Ref[] = [];
    const gradInputs = n.inputs.map(canon).map((v, j) => {
      if (!differentiable[i][j] || !needsGrad.has(v)) return null;
      const r = gradRef(v);
      if (!gradOf.has(v) && !zeroed.has(v)) {
        zeroed.add(v);
        zero.push(r);
      }
      return r;
    });
    backward.push({ forward: stepOf.get(n) as ForwardStep, gradOutput: gradRef(n.output), gradInputs, zero });
  }

  const unshared = list.reduce((s, iv) => s + iv.size, 0);
  const shared = packing.slots.reduce((s, x) => s + x, 0);
  return {
    slots: packing.slots,
    forward,
    backward,
    output: valueRef(graph.output),
    loss: valueRef(graph.loss),
    activations: nodes.filter((n) => n.output !== graph.loss && !isAlias(n)).map((n) => ({ layer: n.layer, ref: valueRef(n.output) })),
    relus: withBackward ? graph.reluOutputs.map((r) => ({ layer: r.layer, ref: valueRef(r.value) })) : [],
    bytesUnshared: unshared * 4,
    bytesShared: shared * 4,
  };
}
