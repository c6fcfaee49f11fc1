import { checkText } from '../../src/compiler.js';
import type { CheckedModel, CheckedTrain } from '../../src/checker/types.js';
import type { IrGraph } from '../../src/ir/types.js';
import { createRng, initialize, isInitName, type FloatArray } from '../../src/runtime/index.js';

/** The first model and train block of a program that must check without errors. */
export function compileText(text: string): { model: CheckedModel; train: CheckedTrain } {
  const r = checkText(text, 'test.nn');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`program has errors: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const model = r.checked.program.models[0];
  const train = r.checked.program.trains[0];
  if (!model || !train) throw new Error('program has no model or no train block');
  return { model, train };
}

/** Deterministic inputs and fitting targets for `n` samples of a graph. */
export function batchFor(graph: IrGraph, n: number, seed: number, dtype: 'float32' | 'float64' = 'float32'): { x: FloatArray; y: FloatArray } {
  const rng = createRng(seed, 7);
  const inSize = graph.inputShape.reduce((a, b) => a * b, 1);
  const make = (len: number): FloatArray => (dtype === 'float32' ? new Float32Array(len) : new Float64Array(len));
  const x = make(n * inSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
  const y = make(n * graph.targetSize);
  const classes = graph.outputShape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < y.length; i++) {
    if (graph.training.loss === 'cross_entropy') y[i] = rng.intBelow(classes);
    else if (graph.training.loss === 'binary_cross_entropy') y[i] = rng.intBelow(2);
    else y[i] = rng.uniform() * 2 - 1;
  }
  return { x, y };
}

/** Parameters initialized as the plan does (file order, one generator), in the given dtype. */
export function paramsFor(graph: IrGraph, seed: number, dtype: 'float32' | 'float64'): Map<string, FloatArray> {
  const rng = createRng(seed, 3);
  const out = new Map<string, FloatArray>();
  for (const p of graph.params) {
    const len = p.shape.reduce((a, b) => a * b, 1);
    const a = dtype === 'float32' ? new Float32Array(len) : new Float64Array(len);
    if (!isInitName(p.init.name)) throw new Error(`unknown initializer ${p.init.name}`);
    initialize(p.init.name, p.init.args, p.shape, a, 0, rng);
    out.set(p.name, a);
  }
  return out;
}

/** Deep copy of a parameter map. */
export function cloneParams(params: ReadonlyMap<string, FloatArray>): Map<string, FloatArray> {
  return new Map([...params].map(([k, v]) => [k, v.slice()]));
}

/** Largest |a-b| / (atol + rtol·|b|) over two arrays (<= 1 means close). */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}
