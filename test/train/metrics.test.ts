import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MetricAccumulator } from '../../src/train/metrics.js';

describe('metrics', () => {
  it('counts argmax accuracy for several classes', () => {
    const m = new MetricAccumulator(['accuracy'], { labelKind: 'class', outputSize: 3, binaryLogits: false });
    m.add([0.1, 0.7, 0.2, 0.5, 0.3, 0.2], [1, 2], 2);
    m.add([0.2, 0.2, 0.6], [2], 1);
    expect(m.values()).toEqual({ accuracy: 2 / 3 });
  });

  it('thresholds one probability at 0.5, or one logit at 0', () => {
    const p = new MetricAccumulator(['accuracy'], { labelKind: 'binary', outputSize: 1, binaryLogits: false });
    p.add([0.5, 0.49, 0.9], [1, 0, 0], 3);
    expect(p.values()['accuracy']).toBeCloseTo(2 / 3);
    const l = new MetricAccumulator(['accuracy'], { labelKind: 'binary', outputSize: 1, binaryLogits: true });
    l.add([0.3, -0.1], [1, 0], 2);
    expect(l.values()['accuracy']).toBe(1);
  });

  it('averages mse and mae over samples and outputs, against one-hot targets for classes', () => {
    const v = new MetricAccumulator(['mse', 'mae'], { labelKind: 'value', outputSize: 2, binaryLogits: false });
    v.add([1, 2, 3, 4], [0, 2, 3, 6], 2);
    expect(v.values()).toEqual({ mse: (1 + 0 + 0 + 4) / 4, mae: (1 + 0 + 0 + 2) / 4 });
    const c = new MetricAccumulator(['mse'], { labelKind: 'class', outputSize: 2, binaryLogits: false });
    c.add([0.25, 0.75], [1], 1);
    expect(c.values()['mse']).toBeCloseTo((0.25 ** 2 + 0.25 ** 2) / 2);
  });

  it('gives the same values however the samples are split into batches', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.float({ min: -5, max: 5, noNaN: true }), fc.float({ min: -5, max: 5, noNaN: true })), { minLength: 1, maxLength: 30 }), fc.nat(), (rows, cut) => {
        const out = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const k = cut % (rows.length + 1);
        const t = { labelKind: 'value' as const, outputSize: 1, binaryLogits: false };
        const whole = new MetricAccumulator(['mse', 'mae'], t);
        whole.add(out, y, rows.length);
        const parts = new MetricAccumulator(['mse', 'mae'], t);
        parts.add(out.slice(0, k), y.slice(0, k), k);
        parts.add(out.slice(k), y.slice(k), rows.length - k);
        expect(parts.values()['mse']).toBeCloseTo(whole.values()['mse']!, 6);
        expect(parts.values()['mae']).toBeCloseTo(whole.values()['mae']!, 6);
      }),
    );
  });
});
