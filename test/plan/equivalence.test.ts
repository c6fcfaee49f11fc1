import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../src/ir/interpret.js';
import { lower } from '../../src/ir/lower.js';
import type { IrGraph } from '../../src/ir/types.js';
import { createTrainingPlan, type KernelChoice } from '../../src/plan/index.js';
import {
  clip, createDefaultOps, createOps, createOptimizer, createRng, createWasmKernels, isOptimizerName, l2Norm, wasmSimdSupported, type ClipName, type FloatArray,
  type OpTable,
} from '../../src/runtime/index.js';
import { validProgram } from '../arbitraries/valid-program.js';
import { batchFor, closeness, compileText } from './helpers.js';

const tsOps = createDefaultOps('float32');
const f64Ops = createDefaultOps('float64');

/**
 * The reference composes the runtime ops on the same matrix-product kernels as the plan (the
 * kernels have their own tests against the TypeScript reference): with different summation
 * orders, an ill-conditioned model (batchnorm over two values, say) can amplify float32 rounding
 * beyond any fixed tolerance, which says nothing about the plan.
 */
const wasmKernels = createWasmKernels({ shape: { fma: false } });
const wasmOps: OpTable | null = wasmKernels ? createOps(wasmKernels) : null;

function opsFor(kernels: KernelChoice): OpTable {
  if (kernels === 'ts') return tsOps;
  if (wasmOps === null) throw new Error('wasm kernels requested without WebAssembly SIMD');
  return wasmOps;
}
const RTOL = 2e-3;
const ATOL = 2e-5;

/** `closeness` with each element's absolute tolerance raised by its own slack. */
function closenessWithin(a: ArrayLike<number>, b: ArrayLike<number>, slack: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, closeness([a[i]], [b[i]], RTOL, ATOL + slack[i]));
  return worst;
}

function evalFlags(graph: IrGraph): IrGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.op === 'dropout' || n.op === 'batchnorm' ? { ...n, attrs: { ...n.attrs, training: false } } : n) as typeof n),
  };
}

/**
 * The reference: the lowered, unoptimized graph through the runtime's generic autodiff walk, then
 * the runtime's clip and optimizer on flat buffers laid out like the plan's.
 */
function referenceStep(text: string, n: number, seed: number, capacity: number, kernels: KernelChoice) {
  const { model, train } = compileText(text);
  const plan = createTrainingPlan(model, train, { batchCapacity: capacity, seed, kernels });
  const graph = lower(model, train, { batchCapacity: n });
  const params = new Map<string, FloatArray>();
  for (const p of plan.params) params.set(p.name, (p.trainable ? plan.paramData : plan.bufferData).slice(p.offset, p.offset + p.length));
  const { x, y } = batchFor(graph, n, seed);
  const drop = createRng(seed).fork(1);
  const draws: Float32Array[] = [];
  const ref = interpret(opsFor(kernels), graph, { x, y, params, noise: (u) => { for (let i = 0; i < u.length; i++) u[i] = drop.uniform(); draws.push(Float32Array.from(u)); } }, 'float32');
  // the same step in float64 from the same numbers: how far the float32 reference is from it is
  // that model's own float32 rounding error, which another summation order may show as well
  const wide = (a: FloatArray): Float64Array => Float64Array.from(a);
  let draw = 0;
  const ref64 = interpret(f64Ops, graph, {
    x: wide(x), y: wide(y), params: new Map([...params].map(([k, v]) => [k, wide(v)])), noise: (u) => u.set(draws[draw++]),
  }, 'float64');
  const flatP = plan.paramData.slice();
  const flatG = new Float32Array(flatP.length);
  const flatG64 = new Float64Array(flatP.length);
  for (const p of plan.params) {
    if (!p.trainable) continue;
    flatG.set(ref.grads.get(p.name) as Float32Array, p.offset);
    flatG64.set(ref64.grads.get(p.name) as Float64Array, p.offset);
  }
  const layerNorms = (g: FloatArray): number[] => plan.paramLayers.map((layer) => {
    let ss = 0;
    for (const p of plan.params) if (p.trainable && p.layer === layer) ss += l2Norm(g, p.offset, p.length) ** 2;
    return Math.sqrt(ss);
  });
  const norms = layerNorms(flatG);
  const norms64 = layerNorms(flatG64);
  // A layer whose gradient is a sum that cancels (dense weights all ones before a layernorm: the
  // columns are equal, so the gradient reaching the layer below sums to zero) has a float32
  // gradient that is rounding noise: any summation order gives another one (one of them exactly
  // 0), so no tolerance relative to the layer's own norm covers it. That noise is a few float32
  // ulps of the gradients that cancelled, which are at most the largest layer's: a layer's norm
  // may differ by 1e-5 (~80 ulp) of the largest norm, plus a few times the float32 reference's
  // own distance from float64. Parameters whose float32 gradient is noise (off the float64 one,
  // or at noise level, which adaptive optimizers turn into full-size steps of either sign) are
  // compared by gradient only.
  const largest = Math.max(0, ...norms64);
  const normSlack = norms.map((v, i) => 4 * Math.abs(v - norms64[i]!) + 1e-5 * largest);
  const settled = Array.from(flatG, (g, i) => Math.abs(g) > 1e-5 && Math.abs(g - flatG64[i]) <= 0.1 * Math.abs(flatG64[i]));
  const segments = plan.params.filter((p) => p.trainable);
  if (train.clip) clip(train.clip.builtin as ClipName, train.clip.args as never, flatG, segments);
  const optName = train.optimizer?.builtin ?? '';
  if (!isOptimizerName(optName)) throw new Error(`unknown optimizer ${optName}`);
  const optArgs = Object.fromEntries(Object.entries(train.optimizer?.args ?? {}).filter(([, v]) => v !== null));
  createOptimizer(optName, optArgs, flatP.length).step(flatP, flatG, optArgs['lr'] as number);
  const buffers = plan.bufferData.slice();
  for (const p of plan.params) if (!p.trainable) buffers.set(params.get(p.name) as Float32Array, p.offset);

  const result = plan.trainStep(x as Float32Array, y as Float32Array, n);
  const gotNorms = new Float64Array(plan.paramLayers.length);
  plan.lastGradNorms(gotNorms);
  const masked = (a: Float32Array): number[] => Array.from(a).filter((_, i) => settled[i]);
  return { plan, graph, ref, result, norms, normSlack, gotNorms, flatP: masked(flatP), gotP: masked(plan.paramData), buffers, x, y, params };
}

// the plain TypeScript kernels, and the WebAssembly SIMD ones where the engine has them
const choices: KernelChoice[] = wasmSimdSupported() ? ['ts', 'wasm'] : ['ts'];

describe.each(choices)('a compiled plan on the %s kernels computes what the plain composition of runtime ops computes', (kernels) => {
  it('gives the same loss, per-layer gradient norms, updated parameters and running statistics after one step', () => {
    fc.assert(
      fc.property(validProgram, fc.nat(1000), fc.integer({ min: 1, max: 4 }), (text, seed, n) => {
        const r = referenceStep(text, n, seed, n, kernels);
        expect(closeness([r.result.dataLoss], [r.ref.loss], RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closenessWithin(r.gotNorms, r.norms, r.normSlack)).toBeLessThanOrEqual(1);
        expect(closeness(r.gotP, r.flatP, RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closeness(r.plan.bufferData, r.buffers, RTOL, ATOL)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('compares a layer whose float32 gradient is cancelled rounding noise (weights all ones before a normalization) within that noise', () => {
    // the counterexample CI found (seed 110, batch 4), then variants: in about 3% of them one
    // summation order cancels to exactly 0 and the other leaves ~1e-4
    for (const [units, norm, opt, seed, n] of [
      [8, 'layernorm(eps: 1e-5)', 'gd(0.01)', 110, 4], [3, 'layernorm(eps: 1e-5)', 'gd(0.01)', 19, 4], [5, 'layernorm(eps: 1e-5)', 'adam', 16, 1],
      [8, 'layernorm(eps: 1e-5)', 'rmsprop', 7, 4], [12, 'batchnorm', 'adam', 3, 4], [3, 'layernorm(eps: 1e-5)', 'gd(0.01)', 21, 2],
    ] as const) {
      const text = `model Gen {\n  input [1, 16, 1]\n  conv2d(9, 1, stride: 3, padding: valid)\n  flatten\n  dense(${units}, activation: selu, init: ones, bias: true)\n  ${norm}\n  dense(3, activation: softmax)\n}\n\ntrain Gen {\n  data: csv("d.csv", label: "y")\n  loss: cross_entropy\n  optimizer: ${opt}\n  clip: norm(1.0)\n}\n`;
      const r = referenceStep(text, n, seed, n, kernels);
      expect(closeness([r.result.dataLoss], [r.ref.loss], RTOL, ATOL)).toBeLessThanOrEqual(1);
      expect(closenessWithin(r.gotNorms, r.norms, r.normSlack)).toBeLessThanOrEqual(1);
      expect(closeness(r.gotP, r.flatP, RTOL, ATOL)).toBeLessThanOrEqual(1);
    }
  });

  it('gives the same numbers when the batch is smaller than the capacity', () => {
    fc.assert(
      fc.property(validProgram, fc.nat(1000), fc.integer({ min: 1, max: 3 }), (text, seed, n) => {
        const r = referenceStep(text, n, seed, n + 3, kernels);
        expect(closeness([r.result.dataLoss], [r.ref.loss], RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closeness(r.gotP, r.flatP, RTOL, ATOL)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 30 },
    );
  });

  it('evaluates in evaluation mode as the graph with dropout and batchnorm switched to evaluation', () => {
    fc.assert(
      fc.property(validProgram, fc.nat(1000), fc.integer({ min: 1, max: 4 }), (text, seed, n) => {
        const { model, train } = compileText(text);
        const plan = createTrainingPlan(model, train, { batchCapacity: 4, seed, kernels });
        const graph = evalFlags(lower(model, train, { batchCapacity: n }));
        const params = new Map<string, FloatArray>();
        for (const p of plan.params) params.set(p.name, (p.trainable ? plan.paramData : plan.bufferData).slice(p.offset, p.offset + p.length));
        const { x, y } = batchFor(graph, n, seed);
        const ref = interpret(opsFor(kernels), graph, { x, y, params }, 'float32');
        const got = plan.evaluate(x as Float32Array, y as Float32Array, n);
        expect(closeness([got.loss], [ref.loss], RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closeness(got.output, ref.output, RTOL, ATOL)).toBeLessThanOrEqual(1);
        expect(closeness(plan.predict(x as Float32Array, n), ref.output, RTOL, ATOL)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 40 },
    );
  });
});
