/**
 * Direct emission of `linear` (dense) steps: the matrix products are calls of the kernel table
 * `K` with literal sizes and offsets into the flat arrays (P, G, the pooled slots). The bias and
 * the fused activation run in the product's write-out when the table has a fused product
 * (`K.denseProduct`: WebAssembly SIMD), else on its dense epilogue pass (`K.denseForward`), else as
 * loops written out in the generated code; the derivative with the bias gradient likewise on
 * `K.denseBackward` or loops. Nothing is allocated and no attribute
 * object or operand array is consulted per step.
 *
 * The loops' arithmetic is the runtime `linear` op's, value for value (bias added and rounded to
 * float32 before the activation, the bias gradient summed row by row in float32), so a plan on
 * the TypeScript kernels gives the same numbers as the op table composition; the epilogues agree
 * to a few float32 ulp (their tanh and sigmoid are approximations).
 */
import type { ActivationName } from '../runtime/ops/activations.js';
import { ACTIVATIONS } from '../runtime/ops/activations.js';
import { DENSE_ACTIVATIONS } from '../runtime/kernels/types.js';
import type { LinearAttrs } from '../runtime/ops/types.js';
import type { BackwardStep, ForwardStep, Ref } from '../planner/types.js';
import { commentText, lit, type CodeWriter } from './code.js';

/** A ref as an array expression and a literal element offset. */
export function place(r: Ref, phase: 'S' | 'E'): [string, number] {
  switch (r.kind) {
    case 'slot':
      return [`${phase}${r.slot}`, 0];
    case 'param':
      return ['P', r.offset];
    case 'grad':
      return ['G', r.offset];
    case 'buffer':
      return ['B', r.offset];
    case 'x':
      return ['x', 0];
    case 'y':
      return ['y', 0];
    default:
      throw new Error(`emitter: ${r.kind} has no place in a dense step`);
  }
}

/** Activations whose forward and derivative are written inline; the rest call the runtime's kernels. */
const INLINE: ReadonlySet<ActivationName> = new Set(['linear', 'relu', 'leaky_relu', 'tanh']);

/** `a[o + i]` with the offset folded when it is 0. */
function at(a: string, o: number, i: string): string {
  return o === 0 ? `${a}[${i}]` : `${a}[${o} + ${i}]`;
}

/** 2^(j/32) for j = 0..31, correctly rounded (decimal literals, so every engine gets the same doubles). */
const EXP2_32THS = [
  1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237,
  1.0905077326652577, 1.1143867425958924, 1.1387886347566916, 1.1637248587775775,
  1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
  1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832,
  1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228,
  1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
  1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072,
  1.8340080864093424, 1.8741676341103, 1.9152065613971474, 1.9571441241754002,
];

/**
 * The plan's `tanh(v)` helper and `tanhRows(y, m, cols, bias | null, biasOffset)` (a dense
 * block's bias and tanh, in place), written out so the JIT inlines it (`Math.tanh` is a runtime call,
 * the larger part of a small tanh layer's step): t = expm1(2|v|) / (expm1(2|v|) + 2), with
 * expm1(u) = 2^(k/32)·(1 + p(r)) - 1 by a table of 2^(k/32) (u = k·ln2/32 + r, |r| ≤ ln2/64, a
 * two-constant Cody-Waite reduction) and p the degree-5 Taylor polynomial of expm1 evaluated by
 * Estrin's scheme (short dependency chains). Only +, -, ·, / on doubles and literal constants,
 * so it is the same on every engine. Relative error below 3e-13: the float32 result is
 * Math.tanh's rounded (no difference found in 3 million samples over 1e-12..25).
 */
export function tanhHelper(w: CodeWriter): void {
  w.line(`// tanh(v) to 3e-13 relative (rounds to float32 as Math.tanh), written out so the JIT inlines it`);
  w.line(`const EXP2_32THS = [${EXP2_32THS.map(lit).join(', ')}];`);
  w.line(`// 2^(k/32) for k < 40·32/ln2 (the table times exact powers of two)`);
  w.line(`const EXP2 = Float64Array.from({ length: 1848 }, (_, k) => EXP2_32THS[k & 31] * 2 ** (k >> 5));`);
  w.open(`function tanh(v${w.t('number')})${w.t('number')}`);
  w.line('const u = 2 * Math.abs(v);');
  w.line('if (!(u < 40)) return v !== v ? v : v > 0 ? 1 : -1;');
  w.line('const k = (u * 46.16624130844683 + 0.5) | 0;');
  w.line('const r = u - k * 0.02166084938653512 - k * 5.9631716539705866e-12;');
  w.line('const r2 = r * r;');
  w.line('const p = r + r2 * ((1 / 2 + r * (1 / 6)) + r2 * (1 / 24 + r * (1 / 120)));');
  w.line('const s = EXP2[k];');
  w.line('const e = s * p + (s - 1);');
  w.line('const t = e / (e + 2);');
  w.line('return v < 0 ? -t : t;');
  w.close();
  // one call per layer, so the JIT inlines tanh in this one loop instead of at every layer's site
  // (a large step function runs out of inlining budget, and a call returning a double allocates)
  w.open(`function tanhRows(y${w.t('Float32Array')}, m${w.t('number')}, cols${w.t('number')}, b${w.t('Float32Array | null')}, bo${w.t('number')})${w.t('void')}`);
  w.open('if (b === null)');
  w.line('for (let i = 0; i < m; i++) y[i] = tanh(y[i]);');
  w.line('return;');
  w.close();
  w.line('for (let i = 0; i < m; i += cols) for (let j = 0; j < cols; j++) y[i + j] = tanh(Math.fround(y[i + j] + b[bo + j]));');
  w.close();
}

/** Whether a phase's dense steps use the `tanh` helper. */
export function usesTanh(steps: readonly ForwardStep[]): boolean {
  return steps.some((s) => s.node.op === 'linear' && s.node.attrs.activation === 'tanh');
}

/** Activations the kernel table's optional dense epilogues compute (the others keep the loops). */
const EPILOGUE: ReadonlySet<ActivationName> = new Set<ActivationName>(DENSE_ACTIVATIONS);

/**
 * The forward of a dense step: `y = act(x·Wᵀ + b)` for the live batch `n`. The bias and
 * activation run in the table's `denseProduct` when it has one, else on its `denseForward`, else
 * as loops written out.
 */
export function denseForward(w: CodeWriter, step: ForwardStep, phase: 'S' | 'E'): void {
  const a = step.node.attrs as LinearAttrs;
  const { inFeatures: inF, outFeatures: outF } = a;
  const [x, xo] = place(step.inputs[0], phase);
  const [wt, wo] = place(step.inputs[1], phase);
  const [y] = place(step.output, phase);
  w.line(`// ${commentText(step.node.layer)}: dense ${inF} -> ${outF}${a.activation === 'linear' ? '' : `, ${a.activation}`}`);
  const product = `K.gemmNT(n, ${outF}, ${inF}, ${x}, ${xo}, ${wt}, ${wo}, ${y}, 0, false, SCRATCH, 0);`;
  const bias = a.bias ? place(step.inputs[2], phase) : null;
  const saved = ACTIVATIONS[a.activation].fromOutput ? null : place(step.saved, phase)[0];
  if (!bias && a.activation === 'linear') {
    w.line(product);
    return;
  }
  if (!EPILOGUE.has(a.activation)) {
    w.line(product);
    forwardLoops(w, a, y, bias, saved);
    return;
  }
  // the table's fused product (epilogue in the tiles' write-out), else the product and then the
  // table's epilogue pass, else the product and loops
  const epilogue = [lit(a.activation), 'n', outF, y, 0, bias?.[0] ?? 'null', bias?.[1] ?? 0, saved ?? 'null', 0, lit(a.alpha)];
  const fusedArgs = [lit(a.activation), 'n', outF, inF, x, xo, wt, wo, y, 0, bias?.[0] ?? 'null', bias?.[1] ?? 0, saved ?? 'null', 0, lit(a.alpha), 'SCRATCH', 0];
  w.line(`if (K.denseProduct !== undefined) K.denseProduct(${fusedArgs.join(', ')});`);
  w.open('else');
  w.line(product);
  w.line(`if (K.denseForward !== undefined) K.denseForward(${epilogue.join(', ')});`);
  w.open('else');
  forwardLoops(w, a, y, bias, saved);
  w.close();
  w.close();
}

/** The forward's bias and activation as loops (or the runtime's activation kernel for the rarer ones). */
function forwardLoops(w: CodeWriter, a: LinearAttrs, y: string, bias: [string, number] | null, saved: string | null): void {
  const { outFeatures: outF, activation: kind } = a;
  if (kind === 'tanh') {
    w.line(`tanhRows(${y}, n * ${outF}, ${outF}, ${bias?.[0] ?? 'null'}, ${bias?.[1] ?? 0});`);
    return;
  }
  const pre = bias ? `Math.fround(${y}[i + j] + ${at(bias[0], bias[1], 'j')})` : `${y}[i + j]`;
  let body: string;
  if (kind === 'linear' && bias) {
    body = `${y}[i + j] += ${at(bias[0], bias[1], 'j')};`;
  } else if (INLINE.has(kind)) {
    const out = kind === 'linear' ? 'v' : kind === 'relu' ? 'v > 0 ? v : 0' : `v > 0 ? v : ${lit(a.alpha)} * v`;
    body = `const v = ${pre}; ${saved ? `${saved}[i + j] = v; ` : ''}${y}[i + j] = ${out};`;
  } else {
    // the bias here; the activation by the runtime's kernel over the whole block below
    if (!bias) body = '';
    else body = `const v = ${pre}; ${saved ? `${saved}[i + j] = v; ` : ''}${y}[i + j] = v;`;
  }
  if (body !== '') {
    w.open(`for (let i = 0, m = n * ${outF}; i < m; i += ${outF})`);
    w.line(`for (let j = 0; j < ${outF}; j++) { ${body} }`);
    w.close();
  }
  if (!INLINE.has(kind)) {
    if (!bias && saved) w.line(`for (let i = 0, m = n * ${outF}; i < m; i++) ${saved}[i] = ${y}[i];`);
    w.line(`rt.ACTIVATIONS[${lit(kind)}].forward(${y}, ${y}, n * ${outF}, ${lit(a.alpha)});`);
  }
}

/**
 * The backward of a dense step. The output gradient is turned into the pre-activation gradient
 * in place (nothing reads it afterwards) and summed into the bias gradient, on the table's
 * `denseBackward` when it has one, else by loops; then `dW (+)= dzᵀ·x` and `dx (+)= dz·W`.
 * `assign` lists the gradients this step writes first, which it assigns instead of adding to zeros.
 */
export function denseBackward(w: CodeWriter, b: BackwardStep, assign: ReadonlySet<Ref>): void {
  const f = b.forward;
  const a = f.node.attrs as LinearAttrs;
  const { inFeatures: inF, outFeatures: outF } = a;
  const [x, xo] = place(f.inputs[0], 'S');
  const [wt, wo] = place(f.inputs[1], 'S');
  const [y] = place(f.output, 'S');
  const [dz] = place(b.gradOutput, 'S');
  const [gx, gw, gb] = b.gradInputs;
  w.line(`// ${commentText(f.node.layer)}: dense ${inF} -> ${outF}${a.activation === 'linear' ? '' : `, ${a.activation}`} (backward)`);
  if (!EPILOGUE.has(a.activation) || (a.activation === 'linear' && !gb)) {
    backwardLoops(w, b, assign);
  } else {
    const from = a.activation === 'linear' ? 'null' : ACTIVATIONS[a.activation].fromOutput ? y : place(f.saved, 'S')[0];
    const bias = gb ? place(gb, 'S') : null;
    const args = [lit(a.activation), 'n', outF, dz, 0, from, 0, bias?.[0] ?? 'null', bias?.[1] ?? 0, lit(gb !== undefined && gb !== null && assign.has(gb)), lit(a.alpha)];
    w.line(`if (K.denseBackward !== undefined) K.denseBackward(${args.join(', ')});`);
    w.open('else');
    backwardLoops(w, b, assign);
    w.close();
  }
  if (gw) {
    const [g, go] = place(gw, 'S');
    w.line(`K.gemmTN(${outF}, ${inF}, n, ${dz}, 0, ${x}, ${xo}, ${g}, ${go}, ${!assign.has(gw)}, SCRATCH, 0);`);
  }
  if (gx) {
    const [g, go] = place(gx, 'S');
    w.line(`K.gemmNN(n, ${inF}, ${outF}, ${dz}, 0, ${wt}, ${wo}, ${g}, ${go}, ${!assign.has(gx)}, SCRATCH, 0);`);
  }
}

/** The backward's activation derivative and bias row sums as loops. */
function backwardLoops(w: CodeWriter, b: BackwardStep, assign: ReadonlySet<Ref>): void {
  const f = b.forward;
  const a = f.node.attrs as LinearAttrs;
  const outF = a.outFeatures;
  const [y] = place(f.output, 'S');
  const [dz] = place(b.gradOutput, 'S');
  const gb = b.gradInputs[2];
  const m = `n * ${outF}`;
  switch (a.activation) {
    case 'linear':
      break;
    case 'relu':
      w.line(`for (let i = 0, m = ${m}; i < m; i++) if (!(${y}[i] > 0)) ${dz}[i] = 0;`);
      break;
    case 'tanh':
      w.line(`for (let i = 0, m = ${m}; i < m; i++) ${dz}[i] *= 1 - ${y}[i] * ${y}[i];`);
      break;
    case 'leaky_relu': {
      const [pre] = place(f.saved, 'S');
      w.line(`for (let i = 0, m = ${m}; i < m; i++) if (!(${pre}[i] > 0)) ${dz}[i] = ${lit(a.alpha)} * ${dz}[i];`);
      break;
    }
    default: {
      const act = ACTIVATIONS[a.activation];
      const pre = act.fromOutput ? y : place(f.saved, 'S')[0];
      w.line(`rt.ACTIVATIONS[${lit(a.activation)}].backward(${pre}, ${y}, ${dz}, ${dz}, ${m}, ${lit(a.alpha)}, false);`);
    }
  }
  if (gb) {
    const [g, go] = place(gb, 'S');
    if (assign.has(gb)) w.line(`for (let j = 0; j < ${outF}; j++) ${at(g, go, 'j')} = ${dz}[j];`);
    w.open(`for (let i = ${assign.has(gb) ? outF : 0}, m = ${m}; i < m; i += ${outF})`);
    w.line(`for (let j = 0; j < ${outF}; j++) ${at(g, go, 'j')} += ${dz}[i + j];`);
    w.close();
  }
}
