/**
 * Gradient checking as `torch.autograd.gradcheck`: analytic gradients against central finite
 * differences in float64 (a fourth-order stencil, see `GradcheckOptions.eps`). To check every input with one backward pass, a vector output is
 * projected on fixed, varied weights `v` (the check is then of `d(v·f)/dx`, which a wrong
 * Jacobian entry fails as well).
 */
import { backward, differentiableLeaves, forward } from './autodiff/graph.js';
import type { Graph } from './autodiff/graph.js';
import type { OpCall, OpSpec, OpTable } from './ops/types.js';
import { sizeOf } from './tensor.js';

/** Settings of a gradient check. */
export interface GradcheckOptions {
  /**
   * Finite-difference step (default 1e-4). The stencil is the fourth-order central one,
   * `(8(f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h`: its truncation error (~h⁴) and rounding
   * error (~1e-16·|f|/h) both stay far below 1e-6 relative, where torch's second-order stencil
   * with h = 1e-6 leaves ~1e-10·|f| of rounding. Inputs must keep 2h away from kinks.
   */
  readonly eps?: number;
  /** Largest relative error that passes (default 1e-6). */
  readonly tolerance?: number;
  /**
   * Magnitude below which errors count as absolute: relative error is
   * `|analytic - numeric| / max(|analytic|, |numeric|, floor)` (default 1e-3).
   */
  readonly floor?: number;
}

/** Where the worst disagreement was. */
export interface GradcheckWorst {
  readonly input: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/** The outcome: pass/fail, the worst relative error and where it was, and how many entries were compared. */
export interface GradcheckResult {
  readonly ok: boolean;
  readonly maxRelError: number;
  readonly worst: GradcheckWorst | null;
  readonly checked: number;
}

/**
 * Compares `analytic[name]` with central differences of the scalar `f`, which must read the
 * arrays of `inputs` (perturbed in place, one element at a time, and restored).
 */
export function gradcheck(
  f: () => number,
  inputs: Readonly<Record<string, Float64Array>>,
  analytic: Readonly<Record<string, Float64Array>>,
  options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-4;
  const tolerance = options.tolerance ?? 1e-6;
  const floor = options.floor ?? 1e-3;
  let maxRelError = 0;
  let worst: GradcheckWorst | null = null;
  let checked = 0;
  for (const name of Object.keys(analytic)) {
    const x = inputs[name];
    const g = analytic[name];
    for (let i = 0; i < x.length; i++) {
      const keep = x[i];
      const at = (d: number): number => {
        x[i] = keep + d;
        return f();
      };
      const numeric = (8 * (at(eps) - at(-eps)) - (at(2 * eps) - at(-2 * eps))) / (12 * eps);
      x[i] = keep;
      const err = Math.abs(g[i] - numeric) / Math.max(Math.abs(g[i]), Math.abs(numeric), floor);
      const bad = Number.isNaN(err) ? Infinity : err;
      checked++;
      if (worst === null || bad > maxRelError) {
        maxRelError = bad;
        worst = { input: name, index: i, analytic: g[i], numeric };
      }
    }
  }
  return { ok: maxRelError < tolerance, maxRelError, worst, checked };
}

/** Fixed projection weights in [-1, 1], varied so no entry of a Jacobian can hide. */
export function projectionWeights(n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(1.7 * i + 0.5) * 0.9 + 0.1;
  return v;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Checks one op's backward against its forward, w.r.t. every differentiable input, at the given
 * float64 inputs (which must keep off the op's kinks by more than `eps`).
 */
export function gradcheckOp(
  ops: OpTable, call: OpCall, inputs: readonly Float64Array[], options: GradcheckOptions = {},
): GradcheckResult {
  const spec = ops[call.op] as OpSpec<unknown>;
  const attrs: unknown = call.attrs;
  const specs = spec.inputs(attrs);
  const out = new Float64Array(sizeOf(spec.outputShape(attrs)));
  const ws = { saved: new Float64Array(spec.savedSize(attrs)), scratch: new Float64Array(spec.scratchSize(attrs)) };
  const v = projectionWeights(out.length);
  spec.forward(attrs, inputs, out, ws);
  const grads = specs.map((s) => (s.differentiable ? new Float64Array(sizeOf(s.shape)) : null));
  spec.backward(attrs, inputs, out, v, grads, ws);
  const named: Record<string, Float64Array> = {};
  const analytic: Record<string, Float64Array> = {};
  specs.forEach((s, i) => {
    named[s.name] = inputs[i];
    const g = grads[i];
    if (g) analytic[s.name] = g;
  });
  const f = (): number => {
    spec.forward(attrs, inputs, out, ws);
    return dot(v, out);
  };
  return gradcheck(f, named, analytic, options);
}

/** Checks the reverse-mode walk over a whole graph w.r.t. every differentiable leaf. */
export function gradcheckGraph(
  ops: OpTable, graph: Graph, leaves: Readonly<Record<string, Float64Array>>, options: GradcheckOptions = {},
): GradcheckResult {
  const base = forward(ops, graph, leaves);
  const v = projectionWeights(base.values[graph.output].length);
  const grads = backward(ops, graph, base, v);
  const analytic: Record<string, Float64Array> = {};
  for (const name of differentiableLeaves(ops, graph)) analytic[name] = grads[name] as Float64Array;
  const f = (): number => dot(v, forward(ops, graph, leaves).values[graph.output]);
  return gradcheck(f, leaves, analytic, options);
}
