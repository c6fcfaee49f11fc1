import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlan, FRAMEWORKS, tfjsStep } from '../../bench/frameworks.js';
import { wasmSimdSupported } from '../../src/runtime/index.js';
import { syntheticBatch, WORKLOADS, workload } from '../../bench/workloads.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Trainable parameters per layer that has any, in layer order. */
function tfjsLayerCounts(model: tf.Sequential): number[] {
  return model.layers.map((l) => l.countParams()).filter((n) => n > 0);
}

function planLayerCounts(w: (typeof WORKLOADS)[number]): number[] {
  const plan = buildPlan(w);
  const byLayer = new Map<string, number>();
  for (const p of plan.params) if (p.trainable) byLayer.set(p.layer, (byLayer.get(p.layer) ?? 0) + p.length);
  return plan.paramLayers.map((l) => byLayer.get(l) ?? 0);
}

describe('benchmark workloads', () => {
  it.each(WORKLOADS.map((w) => [w.id, w] as const))('%s is the same network in both frameworks: equal parameter counts layer by layer', (_id, w) => {
    const model = w.tfjs.build(tf);
    const plan = buildPlan(w);
    expect(plan.paramData.length).toBe(model.countParams());
    expect(planLayerCounts(w)).toEqual(tfjsLayerCounts(model));
    expect(plan.inputSize).toBe(w.inputSize);
    expect(plan.outputSize).toBe(w.outputs);
    expect(model.outputs[0].shape).toEqual([null, w.outputs]);
    expect(model.inputs[0].shape.slice(1).reduce((a, b) => (a ?? 1) * (b ?? 1), 1)).toBe(w.inputSize);
    model.dispose();
  });

  it('the parameter-count check fails for a network one unit wider', () => {
    const w = workload('W2');
    const wider = tf.sequential({ layers: [tf.layers.dense({ units: 17, activation: 'tanh', inputShape: [4] }), tf.layers.dense({ units: 3 })] });
    expect(planLayerCounts(w)).not.toEqual(tfjsLayerCounts(wider));
    wider.dispose();
  });

  it('synthetic batches are deterministic, class labels are class ids and inputs lie in [-1, 1)', () => {
    for (const w of WORKLOADS) {
      const a = syntheticBatch(w);
      expect(syntheticBatch(w)).toEqual(a);
      expect(a.x.length).toBe(w.batch * w.inputSize);
      expect(a.x.every((v) => v >= -1 && v < 1)).toBe(true);
      if (w.classes > 0) expect(a.labels.every((v) => Number.isInteger(v) && v >= 0 && v < w.classes)).toBe(true);
      else expect(a.labels.length).toBe(w.batch * w.outputs);
    }
  });

  it('one training step lowers the loss on a repeated batch in both frameworks (W2)', async () => {
    const w = workload('W2');
    const plan = buildPlan(w);
    const { x, labels } = syntheticBatch(w);
    const first = plan.trainStep(x, labels, w.batch).loss;
    for (let i = 0; i < 20; i++) plan.trainStep(x, labels, w.batch);
    expect(plan.trainStep(x, labels, w.batch).loss).toBeLessThan(first);
    const step = tfjsStep(tf, w, 'minimize');
    for (let i = 0; i < 3; i++) await step();
  });

  it.skipIf(!wasmSimdSupported()).each(WORKLOADS.map((w) => [w.id, w] as const))('%s: the plan-wasm column trains the same network as the plan column (first-step loss to float32 tolerance)', (_id, w) => {
    const { x, labels } = syntheticBatch(w);
    const ts = buildPlan(w, 1, 'ts').trainStep(x, labels, w.batch).loss;
    const wasm = buildPlan(w, 1, 'wasm');
    expect(Math.abs(wasm.trainStep(x, labels, w.batch).loss - ts)).toBeLessThan(1e-4 * (1 + Math.abs(ts)));
    expect(FRAMEWORKS).toEqual(expect.arrayContaining(['plan', 'plan-wasm']));
  }, 60_000);

  it('W3 clips by global norm, which trainOnBatch cannot, so it refuses that mode', () => {
    expect(() => tfjsStep(tf, workload('W3'), 'trainOnBatch')).toThrow(/global norm/);
  });
});
