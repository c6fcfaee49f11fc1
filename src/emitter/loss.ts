/**
 * Direct emission of the fused softmax cross-entropy: one pass per row computes the row's
 * log-sum-exp (kept in `LSE`, so the backward does not recompute it) and the loss; the backward
 * writes `(softmax - onehot) / n` into the logits' gradient. The arithmetic is the runtime op's,
 * value for value.
 */
import type { SoftmaxCrossEntropyAttrs } from '../runtime/ops/types.js';
import type { BackwardStep, ForwardStep, Ref } from '../planner/types.js';
import { commentText, type CodeWriter } from './code.js';
import { place } from './dense.js';

/** The forward: `out[0] = mean over rows of lse(x) - x[label]`. */
export function softmaxCrossEntropyForward(w: CodeWriter, step: ForwardStep, phase: 'S' | 'E'): void {
  const c = (step.node.attrs as SoftmaxCrossEntropyAttrs).classes;
  const [x] = place(step.inputs[0], phase);
  const [labels] = place(step.inputs[1], phase);
  const [out] = place(step.output, phase);
  w.line(`// ${commentText(step.node.layer)}: softmax cross-entropy over ${c} classes`);
  w.open('');
  w.line('let s = 0;');
  w.open(`for (let i = 0, o = 0; i < n; i++, o += ${c})`);
  w.line(`let m = -Infinity;`);
  w.line(`for (let j = 0; j < ${c}; j++) if (${x}[o + j] > m) m = ${x}[o + j];`);
  w.line('let e = 0;');
  w.line(`for (let j = 0; j < ${c}; j++) e += Math.exp(${x}[o + j] - m);`);
  w.line('const lse = m + Math.log(e);');
  w.line('LSE[i] = lse;');
  w.line(`s += lse - ${x}[o + ${labels}[i]];`);
  w.close();
  w.line(`${out}[0] = s / n;`);
  w.close();
}

/** The backward from the loss seed: `gx (+)= exp(x - lse) / n`, minus `1/n` at the label. */
export function softmaxCrossEntropyBackward(w: CodeWriter, b: BackwardStep, assign: ReadonlySet<Ref>): void {
  const f = b.forward;
  const c = (f.node.attrs as SoftmaxCrossEntropyAttrs).classes;
  const [x] = place(f.inputs[0], 'S');
  const [labels] = place(f.inputs[1], 'S');
  const gx = b.gradInputs[0];
  w.line(`// ${commentText(f.node.layer)}: softmax cross-entropy (backward)`);
  if (!gx) return;
  const [g] = place(gx, 'S');
  const op = assign.has(gx) ? '=' : '+=';
  w.open('');
  w.line(`const g = ${b.gradOutput.kind === 'seed' ? 'SEED' : place(b.gradOutput, 'S')[0]}[0] / n;`);
  w.open(`for (let i = 0, o = 0; i < n; i++, o += ${c})`);
  w.line('const lse = LSE[i];');
  w.line(`for (let j = 0; j < ${c}; j++) ${g}[o + j] ${op} g * Math.exp(${x}[o + j] - lse);`);
  w.line(`${g}[o + ${labels}[i]] -= g;`);
  w.close();
  w.close();
}
