/**
 * The planner: lays out parameters (trainable ones in one flat array, buffers in another, the
 * gradients mirroring the parameters), then plans the training phase (forward, loss, backward)
 * and the inference phase (forward, loss) with pooled, lifetime-shared storage.
 */
import type { IrGraph } from '../ir/types.js';
import { createDefaultOps } from '../runtime/ops/index.js';
import { sizeOf } from '../runtime/tensor.js';
import { planPhase } from './phase.js';
import type { Plan, PlannedParam, Ref } from './types.js';

export type { BackwardStep, ForwardStep, PhasePlan, Plan, PlannedParam, Ref } from './types.js';
export { packIntervals } from './pool.js';

/** Plans a model from its optimized training graph and its optimized inference graph. */
export function plan(train: IrGraph, inference: IrGraph): Plan {
  const ops = createDefaultOps('float32');
  let pOff = 0;
  let bOff = 0;
  const params: PlannedParam[] = train.params.map((p) => {
    const length = sizeOf(p.shape);
    const offset = p.trainable ? pOff : bOff;
    if (p.trainable) pOff += length;
    else bOff += length;
    return { ...p, offset, length };
  });
  const fixed = new Map<number, Ref>();
  const gradOf = new Map<number, Ref>();
  for (const p of params) {
    fixed.set(p.value, { kind: p.trainable ? 'param' : 'buffer', offset: p.offset, length: p.length });
    if (p.trainable) gradOf.set(p.value, { kind: 'grad', offset: p.offset, length: p.length });
  }
  const paramLayers: { layer: string; offset: number; length: number }[] = [];
  for (const p of params) {
    if (!p.trainable) continue;
    const last = paramLayers[paramLayers.length - 1];
    if (last && last.layer === p.layer && last.offset + last.length === p.offset) last.length += p.length;
    else paramLayers.push({ layer: p.layer, offset: p.offset, length: p.length });
  }
  const groups = new Map<string, { name: string; args: Record<string, number>; segments: { offset: number; length: number }[] }>();
  for (const p of params) {
    for (const r of p.regularizers) {
      const key = JSON.stringify([r.name, r.args]);
      const g = groups.get(key) ?? { name: r.name, args: { ...r.args }, segments: [] };
      g.segments.push({ offset: p.offset, length: p.length });
      groups.set(key, g);
    }
  }
  let scratch = 0;
  for (const g of [train, inference]) {
    for (const n of g.nodes) scratch = Math.max(scratch, (ops[n.op] as { scratchSize: (a: unknown) => number }).scratchSize(n.attrs));
  }
  return {
    model: train.model,
    capacity: train.capacity,
    inputShape: train.inputShape,
    outputShape: train.outputShape,
    targetSize: train.targetSize,
    params,
    paramCount: pOff,
    bufferCount: bOff,
    paramLayers,
    layers: train.layers,
    train: planPhase(ops, train, fixed, gradOf, true),
    eval: planPhase(ops, inference, fixed, new Map(), false),
    scratch,
    optimizer: train.training.optimizer,
    clip: train.training.clip,
    regularizers: [...groups.values()],
  };
}
