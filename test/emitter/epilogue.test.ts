import { describe, expect, it } from 'vitest';
import { createPlanKernels, createTrainingPlan, compilePlan, type CompiledTrainingPlan } from '../../src/plan/index.js';
import { createKernels, wasmSimdSupported, type Kernels, type WasmKernels } from '../../src/runtime/index.js';
import type { DenseBackward, DenseForward, DenseProduct } from '../../src/runtime/kernels/types.js';
import type { FloatArray } from '../../src/runtime/tensor.js';
import { denseBackwardReference, denseForwardReference } from '../../src/runtime/wasm/elementwise.js';
import { compileText } from '../plan/helpers.js';

/** Every epilogue activation, with and without bias, a residual (gradients added, not assigned) and an unfused layer (gelu). */
const program = `model E {
  input [6]
  dense(7, activation: relu)
  dense(5, activation: leaky_relu(alpha: 0.2), bias: false)
  dense(9, activation: tanh)
  residual { dense(9, activation: sigmoid) }
  dense(4, bias: false)
  dense(6)
  dense(3, activation: gelu)
  dense(2, activation: tanh, bias: false)
  dense(3)
}
train E { data: csv("d.csv", label: "y") loss: mse optimizer: sgd(0.1, momentum: 0.9) }`;

function make(kernels: Kernels | 'wasm' | undefined): CompiledTrainingPlan {
  const { model, train } = compileText(program);
  return createTrainingPlan(model, train, { batchCapacity: 6, seed: 5, ...(kernels ? { kernels } : {}) });
}

function data(plan: CompiledTrainingPlan, n: number): { x: Float32Array; y: Float32Array } {
  return {
    x: Float32Array.from({ length: n * plan.inputSize }, (_, i) => Math.sin(i * 1.3) * 2),
    y: Float32Array.from({ length: n * plan.targetSize }, (_, i) => Math.cos(i)),
  };
}

/** Counts epilogue calls by activation. */
function counted(base: Kernels, fwd: DenseForward, bwd: DenseBackward, check: (a: FloatArray | null) => void = () => {}): { kernels: Kernels; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const bump = (k: string): void => void calls.set(k, (calls.get(k) ?? 0) + 1);
  const denseForward: DenseForward = (act, rows, cols, y, yo, b, bo, s, so, alpha) => {
    bump(`forward ${act}${b ? '' : ' (no bias)'}`);
    [y, b, s].forEach(check);
    fwd(act, rows, cols, y, yo, b, bo, s, so, alpha);
  };
  const denseBackward: DenseBackward = (act, rows, cols, dz, dzo, from, fo, gb, gbo, assign, alpha) => {
    bump(`backward ${act}${gb ? (assign ? ' (assign)' : ' (add)') : ' (no bias)'}`);
    [dz, from, gb].forEach(check);
    bwd(act, rows, cols, dz, dzo, from, fo, gb, gbo, assign, alpha);
  };
  const fused = base.denseProduct;
  if (fused === undefined) return { kernels: { ...base, denseForward, denseBackward }, calls };
  const denseProduct: DenseProduct = (act, m, n, k, x, xo, w, wo, y, yo, b, bo, s, so, alpha, pack, po) => {
    bump(`product ${act}${b ? '' : ' (no bias)'}`);
    [x, w, y, b, s].forEach(check);
    fused(act, m, n, k, x, xo, w, wo, y, yo, b, bo, s, so, alpha, pack, po);
  };
  return { kernels: { ...base, denseForward, denseBackward, denseProduct }, calls };
}

describe('dense epilogues in the emitted plan', () => {
  it('give the written-out loops\' numbers bit for bit when the table brings the TypeScript reference epilogues', () => {
    const { kernels, calls } = counted(createKernels('float32'), denseForwardReference, denseBackwardReference);
    const withEpilogues = make(kernels);
    const loops = make(undefined);
    const { x, y } = data(loops, 6);
    for (const n of [6, 4, 6]) {
      expect({ ...withEpilogues.trainStep(x, y, n) }).toEqual({ ...loops.trainStep(x, y, n) });
      expect(Array.from(withEpilogues.predict(x, n))).toEqual(Array.from(loops.predict(x, n)));
    }
    expect(Array.from(withEpilogues.paramData)).toEqual(Array.from(loops.paramData));
    // every epilogue activation and bias case was taken; gelu stayed on the loops
    expect([...calls.keys()].sort()).toEqual([
      'backward leaky_relu (no bias)', 'backward linear (assign)', 'backward relu (assign)', 'backward sigmoid (assign)',
      'backward tanh (assign)', 'backward tanh (no bias)',
      'forward leaky_relu (no bias)', 'forward linear', 'forward relu', 'forward sigmoid', 'forward tanh', 'forward tanh (no bias)',
    ]);
  });

  it.skipIf(!wasmSimdSupported())('run in WebAssembly on views of the kernel memory, every call', () => {
    const { model, train } = compileText(program);
    const wasm = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: 6 })) as WasmKernels;
    const outside: unknown[] = [];
    const check = (a: FloatArray | null): void => {
      if (a !== null && a.buffer !== wasm.memory.buffer) outside.push(a);
    };
    const { kernels, calls } = counted(wasm, wasm.denseForward!, wasm.denseBackward!, check);
    const plan = createTrainingPlan(model, train, { batchCapacity: 6, seed: 5, kernels });
    const { x, y } = data(plan, 6);
    plan.trainStep(x, y, 5);
    plan.evaluate(x, y, 6);
    // the forward products carry their epilogue (no separate forward pass), the backward passes run
    expect([...calls.keys()].sort()).toEqual([
      'backward leaky_relu (no bias)', 'backward linear (assign)', 'backward relu (assign)', 'backward sigmoid (assign)',
      'backward tanh (assign)', 'backward tanh (no bias)',
      'product leaky_relu (no bias)', 'product linear', 'product relu', 'product sigmoid', 'product tanh', 'product tanh (no bias)',
    ]);
    expect(outside).toEqual([]);
  });

  it.skipIf(!wasmSimdSupported())('give the same bits with the epilogue fused into the WebAssembly product as with the product followed by the epilogue pass', () => {
    const { model, train } = compileText(program);
    const wasm = createPlanKernels('wasm', compilePlan(model, train, { batchCapacity: 6 })) as WasmKernels;
    expect(wasm.denseProduct).toBeDefined();
    const fused = createTrainingPlan(model, train, { batchCapacity: 6, seed: 5, kernels: wasm });
    const pass = createTrainingPlan(model, train, { batchCapacity: 6, seed: 5, kernels: { ...wasm, denseProduct: undefined } });
    const { x, y } = data(fused, 6);
    for (const n of [6, 4, 6]) {
      expect({ ...fused.trainStep(x, y, n) }).toEqual({ ...pass.trainStep(x, y, n) });
      expect(Array.from(fused.predict(x, n))).toEqual(Array.from(pass.predict(x, n)));
    }
    expect(Array.from(fused.paramData)).toEqual(Array.from(pass.paramData));
  });
});
