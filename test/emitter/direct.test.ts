import { describe, expect, it } from 'vitest';
import { createTrainingPlan, type CompiledTrainingPlan } from '../../src/plan/index.js';
import { createKernels, type Gemm, type Kernels } from '../../src/runtime/index.js';
import { compileText } from '../plan/helpers.js';

const programs: Record<string, string> = {
  mlp: `model Mlp {
  input [6]
  dense(16, activation: relu)
  dense(8, activation: tanh, bias: false)
  dense(5, activation: leaky_relu(alpha: 0.2))
  dense(4, activation: gelu)
  dense(3, activation: softmax)
}
train Mlp { data: csv("d.csv", label: "y") loss: cross_entropy optimizer: sgd(0.1, momentum: 0.9) }`,
  residual: `model Res {
  input [1, 6, 6]
  conv2d(2, 3, padding: same, activation: relu)
  flatten
  residual { dense(72, activation: tanh) }
  residual { dense(72) }
  dense(2)
}
train Res { data: csv("d.csv", label: "y") loss: mse optimizer: adam(lr: 0.01) regularize: l2(1e-3) }`,
};

function data(plan: CompiledTrainingPlan, n: number, classes: boolean): { x: Float32Array; y: Float32Array } {
  const x = Float32Array.from({ length: n * plan.inputSize }, (_, i) => Math.sin(i * 1.3));
  const y = Float32Array.from({ length: n * plan.targetSize }, (_, i) => (classes ? i % plan.outputSize : Math.cos(i)));
  return { x, y };
}

function make(name: string, kernels?: Kernels): CompiledTrainingPlan {
  const { model, train } = compileText(programs[name]!);
  return createTrainingPlan(model, train, { batchCapacity: 6, seed: 9, ...(kernels ? { kernels } : {}) });
}

/** The default kernels with every call counted by routine. */
function counting(): { kernels: Kernels; calls: Record<string, number> } {
  const base = createKernels('float32');
  const calls: Record<string, number> = { gemmNN: 0, gemmTN: 0, gemmNT: 0 };
  const wrap = (name: 'gemmNN' | 'gemmTN' | 'gemmNT'): Gemm => (...args) => {
    calls[name]!++;
    base[name](...args);
  };
  return { kernels: { gemmNN: wrap('gemmNN'), gemmTN: wrap('gemmTN'), gemmNT: wrap('gemmNT'), packSize: base.packSize }, calls };
}

describe('direct emission of dense and loss steps', () => {
  it('runs every matrix product on the kernel table the plan is given, with the same numbers', () => {
    for (const name of Object.keys(programs)) {
      const { kernels, calls } = counting();
      const swapped = make(name, kernels);
      const plain = make(name);
      const { x, y } = data(plain, 6, name === 'mlp');
      for (const n of [6, 4]) {
        expect({ ...swapped.trainStep(x, y, n) }).toEqual({ ...plain.trainStep(x, y, n) });
      }
      expect(Array.from(swapped.paramData)).toEqual(Array.from(plain.paramData));
      expect(calls['gemmNT']).toBeGreaterThan(0);
      expect(calls['gemmTN']).toBeGreaterThan(0);
      expect(calls['gemmNN']).toBeGreaterThan(0);
    }
  });

  it('recomputes gradients from scratch every step: with a zero learning rate two steps report the same loss and norms', () => {
    for (const name of Object.keys(programs)) {
      const plan = make(name);
      plan.setLearningRate(0);
      const { x, y } = data(plan, 6, name === 'mlp');
      const first = { ...plan.trainStep(x, y, 6) };
      const norms1 = new Float64Array(plan.paramLayers.length);
      plan.lastGradNorms(norms1);
      const second = { ...plan.trainStep(x, y, 6) };
      const norms2 = new Float64Array(plan.paramLayers.length);
      plan.lastGradNorms(norms2);
      expect(second).toEqual(first);
      expect(Array.from(norms2)).toEqual(Array.from(norms1));
      expect(first.gradNorm).toBeGreaterThan(0);
    }
  });

  it('reuses its step result object and output views, so a steady step allocates none', () => {
    const plan = make('mlp');
    const { x, y } = data(plan, 6, true);
    const a = plan.trainStep(x, y, 6);
    const lossA = a.loss;
    const b = plan.trainStep(x, y, 6);
    expect(b).toBe(a);
    expect(b.loss).not.toBe(lossA);
    expect(plan.lastOutput()).toBe(plan.lastOutput());
    expect(plan.lastOutput().length).toBe(6 * plan.outputSize);
    const e1 = plan.evaluate(x, y, 5);
    const out1 = e1.output;
    const e2 = plan.evaluate(x, y, 5);
    expect(e2).toBe(e1);
    expect(e2.output).toBe(out1);
    expect(e2.output.length).toBe(5 * plan.outputSize);
    expect(plan.predict(x, 3)).toBe(plan.predict(x, 3));
    expect(plan.predict(x, 3).length).toBe(3 * plan.outputSize);
  });
});
