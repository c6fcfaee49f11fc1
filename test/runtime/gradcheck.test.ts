import { describe, expect, it } from 'vitest';
import { createDefaultOps } from '../../src/runtime/ops/index.js';
import type { OpSpec, OpTable, SoftmaxAttrs, LinearAttrs } from '../../src/runtime/ops/index.js';
import { gradcheck, gradcheckOp } from '../../src/runtime/gradcheck.js';

const ops = createDefaultOps('float64');

const linearCall = {
  op: 'linear' as const,
  attrs: { batch: 2, inFeatures: 3, outFeatures: 2, bias: true, activation: 'tanh' as const, alpha: 0 },
};
const linearInputs = () => [
  Float64Array.from([0.3, -1.2, 0.7, 1.1, 0.4, -0.5]),
  Float64Array.from([0.2, -0.4, 0.9, -0.3, 0.8, 0.1]),
  Float64Array.from([0.05, -0.2]),
];

describe('gradcheck', () => {
  it('passes a correct backward', () => {
    const r = gradcheckOp(ops, linearCall, linearInputs());
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(6 + 6 + 2);
    expect(r.maxRelError).toBeLessThan(1e-8);
  });

  it('fails a backward that forgets the activation derivative, and says where', () => {
    const wrong: OpSpec<LinearAttrs> = {
      ...ops.linear,
      backward: (a, inputs, y, gy, grads, ws) =>
        ops.linear.backward({ ...a, activation: 'linear' }, inputs, y, gy, grads, ws),
    };
    const broken: OpTable = { ...ops, linear: wrong };
    const r = gradcheckOp(broken, linearCall, linearInputs());
    expect(r.ok).toBe(false);
    expect(r.maxRelError).toBeGreaterThan(1e-2);
    expect(r.worst).not.toBeNull();
  });

  it('fails a softmax backward that drops the coupling between outputs', () => {
    const wrong: OpSpec<SoftmaxAttrs> = {
      ...ops.softmax,
      backward(a, _x, y, gy, [gx]) {
        for (let i = 0; i < a.batch * a.features; i++) gx![i] += gy[i] * y[i] * (1 - y[i]);
      },
    };
    const r = gradcheckOp({ ...ops, softmax: wrong }, { op: 'softmax', attrs: { batch: 2, features: 3 } }, [
      Float64Array.from([0.1, 0.5, -0.3, 1.2, -0.7, 0.0]),
    ]);
    expect(r.ok).toBe(false);
  });

  it('reports the entry with the largest relative error', () => {
    const x = Float64Array.from([1, 2, 3]);
    const f = () => x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
    const r = gradcheck(f, { x }, { x: Float64Array.from([2, 4, 7]) });
    expect(r.ok).toBe(false);
    expect(r.worst).toMatchObject({ input: 'x', index: 2, analytic: 7 });
    expect(r.worst!.numeric).toBeCloseTo(6, 8);
    expect(Array.from(x)).toEqual([1, 2, 3]);
  });
});
