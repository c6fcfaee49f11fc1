import { describe, expect, it } from 'vitest';
import { createPlanKernels, createTrainingPlan, compilePlan, type CompiledTrainingPlan } from '../../src/plan/index.js';
import { createKernels, wasmSimdSupported, type Kernels, type WasmKernels } from '../../src/runtime/index.js';
import type { DenseBackward, DenseForward } from '../../src/runtime/kernels/types.js';
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
  return { kernels: { ...base, denseForward, denseBackward }, calls };
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
    expect(calls.size).toBeGreaterThan(8);
    expect(outside).toEqual([]);
  });
});
