/**
 * Emission of the step lists. Dense layers and the softmax cross-entropy are written out as
 * kernel-table calls and loops with literal sizes (`dense.ts`, `loss.ts`); every other op is a
 * call of its op-table function with operand arrays, a workspace and attributes declared once
 * (cached per batch size), so no step allocates once each batch size has been seen.
 */
import type { BackwardStep, ForwardStep, PhasePlan, Ref } from '../planner/types.js';
import { CodeWriter, commentText, lit } from './code.js';
import { denseBackward, denseForward } from './dense.js';
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from './loss.js';

/** Steps emitted as direct kernel calls and loops (no operand arrays, attributes or workspace). */
function isDirect(step: ForwardStep): boolean {
  return step.node.op === 'linear' || step.node.op === 'softmax_cross_entropy';
}

/** Names of the storage of one phase (`S` training, `E` inference) and of the flat views. */
export class Names {
  private readonly views = new Map<string, string>();
  readonly viewDecls: string[] = [];
  constructor(private readonly w: CodeWriter) {}

  ref(r: Ref, phase: 'S' | 'E'): string {
    switch (r.kind) {
      case 'slot':
        return `${phase}${r.slot}`;
      case 'param':
      case 'grad':
      case 'buffer': {
        const key = `${r.kind}:${r.offset}:${r.length}`;
        let name = this.views.get(key);
        if (!name) {
          name = `${r.kind[0]}${this.views.size}`;
          this.views.set(key, name);
          const flat = r.kind === 'param' ? 'P' : r.kind === 'grad' ? 'G' : 'B';
          this.viewDecls.push(`const ${name} = ${flat}.subarray(${r.offset}, ${r.offset + r.length});`);
        }
        return name;
      }
      case 'x':
        return 'x';
      case 'y':
        return 'y';
      case 'seed':
        return 'SEED';
      case 'empty':
        return 'EMPTY';
    }
  }

  /** The live length of a pooled tensor for batch size `n` (an expression). */
  live(r: Ref): string {
    if (r.kind === 'slot') return r.perSample > 0 ? `n * ${r.perSample}` : String(r.length);
    if (r.kind === 'param' || r.kind === 'grad' || r.kind === 'buffer') return String(r.length);
    throw new Error(`emitter: no length for ${r.kind}`);
  }

  get writer(): CodeWriter {
    return this.w;
  }
}

/** The attributes of a node as an expression in `n`: batch sizes replaced by `n`. */
export function attrsExpr(attrs: object, n: string): string {
  const entries = Object.entries(attrs as Record<string, unknown>).map(([k, v]) => {
    if (k === 'batch') return `${lit(k)}: ${n}`;
    if ((k === 'shape' || k === 'to') && Array.isArray(v)) return `${lit(k)}: [${[n, ...v.slice(1).map(lit)].join(', ')}]`;
    return `${lit(k)}: ${lit(v)}`;
  });
  return `{ ${entries.join(', ')} }`;
}

/** Identifiers of one forward step's declarations. */
interface StepIds {
  readonly id: string;
  readonly step: ForwardStep;
}

/** Declares slots, operand arrays, workspaces and attribute caches of a phase. */
export function declarePhase(names: Names, phase: PhasePlan, prefix: 'S' | 'E'): StepIds[] {
  const w = names.writer;
  phase.slots.forEach((size, i) => w.line(`const ${prefix}${i} = f32(${size});`));
  const ids: StepIds[] = phase.forward.map((step, i) => ({ id: `${prefix.toLowerCase()}${i}`, step }));
  for (const { id, step } of ids) {
    if (isDirect(step)) continue;
    const node = step.node;
    w.line(`// ${commentText(node.layer)}: ${node.op}`);
    // x and y are bound per call
    const operands = step.inputs.map((r) => (r.kind === 'x' || r.kind === 'y' ? 'EMPTY' : names.ref(r, prefix)));
    w.line(`const in_${id}${w.t('rt.FloatArray[]')} = [${operands.join(', ')}];`);
    w.line(`const ws_${id}${w.t('rt.Workspace')} = { saved: ${names.ref(step.saved, prefix)}, scratch: SCRATCH };`);
    w.line(`const cache_${id}${w.t(`rt.OpAttrs[${lit(node.op)}][]`)} = [];`);
    w.line(`let at_${id}${w.t(`rt.OpAttrs[${lit(node.op)}]`)} = ${attrsExpr(node.attrs, String(capacityOf(node.attrs)))};`);
  }
  return ids;
}

function capacityOf(attrs: object): number {
  const a = attrs as { batch?: number; shape?: readonly number[] };
  return a.batch ?? a.shape?.[0] ?? 1;
}

/** `setBatch(n)` body lines for a phase: switch every attribute object to batch size `n`. */
export function setBatchLines(w: CodeWriter, ids: readonly StepIds[]): void {
  for (const { id, step } of ids) {
    if (!isDirect(step)) w.line(`at_${id} = cache_${id}[n] ??= ${attrsExpr(step.node.attrs, 'n')};`);
  }
}

/** Sets the `x`/`y` entries of operand arrays (done once per call, before the steps). */
export function bindInputs(w: CodeWriter, names: Names, ids: readonly StepIds[], prefix: 'S' | 'E', withTarget: boolean): void {
  for (const { id, step } of ids) {
    if (isDirect(step)) continue;
    step.inputs.forEach((r, j) => {
      if (r.kind === 'x' || (r.kind === 'y' && withTarget)) w.line(`in_${id}[${j}] = ${names.ref(r, prefix)};`);
    });
  }
}

/** The forward calls of a phase; dropout noise is drawn from the dropout stream first. */
export function forwardLines(w: CodeWriter, names: Names, ids: readonly StepIds[], prefix: 'S' | 'E', upTo: number): void {
  for (const { id, step } of ids.slice(0, upTo)) {
    if (step.node.op === 'linear') denseForward(w, step, prefix);
    else if (step.node.op === 'softmax_cross_entropy') softmaxCrossEntropyForward(w, step, prefix);
    if (isDirect(step)) continue;
    w.line(`// ${commentText(step.node.layer)}: ${step.node.op}`);
    if (step.noise) {
      const u = names.ref(step.noise, prefix);
      w.line(`for (let i = 0, m = ${names.live(step.noise)}; i < m; i++) ${u}[i] = dropRng.uniform();`);
    }
    w.line(`ops.${step.node.op}.forward(at_${id}, in_${id}, ${names.ref(step.output, prefix)}, ws_${id});`);
  }
}

/** Operand arrays of the backward steps (gradients), declared once. */
export function declareBackward(names: Names, steps: readonly BackwardStep[], ids: readonly StepIds[]): void {
  const w = names.writer;
  const idOf = new Map(ids.map((s) => [s.step, s.id]));
  for (const b of steps) {
    if (isDirect(b.forward)) continue;
    const id = idOf.get(b.forward) as string;
    const grads = b.gradInputs.map((r) => (r ? names.ref(r, 'S') : 'null'));
    w.line(`const gin_${id}${w.t('(rt.FloatArray | null)[]')} = [${grads.join(', ')}];`);
  }
}

/**
 * The backward calls, in reverse order. A direct step assigns the gradients it writes first (a
 * parameter's gradient has one writer; an activation gradient is first written by the step that
 * the planner zeroes it for); every other gradient is zeroed before its first, accumulating
 * writer. `trainable` are the parameter segments of G: those no direct step assigns are zeroed
 * up front.
 */
export function backwardLines(
  w: CodeWriter, names: Names, steps: readonly BackwardStep[], ids: readonly StepIds[],
  trainable: readonly { readonly offset: number; readonly length: number }[],
): void {
  const idOf = new Map(ids.map((s) => [s.step, s.id]));
  const writers = new Map<string, number>();
  const key = (r: Ref): string => `${r.kind}:${r.kind === 'grad' ? r.offset : ''}`;
  for (const b of steps) for (const r of b.gradInputs) if (r?.kind === 'grad') writers.set(key(r), (writers.get(key(r)) ?? 0) + 1);
  const assign = new Set<Ref>();
  const assigned = new Set<number>();
  for (const b of steps) {
    if (!isDirect(b.forward)) continue;
    for (const r of b.gradInputs) {
      if (r?.kind === 'grad' && writers.get(key(r)) === 1) {
        assign.add(r);
        assigned.add(r.offset);
      } else if (r && b.zero.includes(r)) assign.add(r);
    }
  }
  const zero: { offset: number; end: number }[] = [];
  for (const p of trainable) {
    if (assigned.has(p.offset)) continue;
    const last = zero[zero.length - 1];
    if (last && last.end === p.offset) last.end += p.length;
    else zero.push({ offset: p.offset, end: p.offset + p.length });
  }
  for (const z of zero) w.line(`G.fill(0, ${z.offset}, ${z.end});`);
  for (const b of steps) {
    if (b.forward.node.op === 'linear') denseBackward(w, b, assign);
    else if (b.forward.node.op === 'softmax_cross_entropy') softmaxCrossEntropyBackward(w, b, assign);
    if (isDirect(b.forward)) continue;
    const id = idOf.get(b.forward) as string;
    w.line(`// ${commentText(b.forward.node.layer)}: ${b.forward.node.op} (backward)`);
    for (const z of b.zero) w.line(`${names.ref(z, 'S')}.fill(0, 0, ${names.live(z)});`);
    const f = b.forward;
    w.line(`ops.${f.node.op}.backward(at_${id}, in_${id}, ${names.ref(f.output, 'S')}, ${names.ref(b.gradOutput, 'S')}, gin_${id}, ws_${id});`);
  }
}

export type { StepIds };
