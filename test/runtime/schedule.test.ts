import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createSchedule, scheduledLr, resolveScheduleArgs, SCHEDULE_DEFAULTS } from '../../src/runtime/schedule.js';

/** The rates of epochs 0..epochs-1 (stateless schedules need no losses). */
function rates(s: ReturnType<typeof createSchedule>, epochs: number, losses?: number[]): number[] {
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    out.push(s.lr());
    s.step(losses?.[e]);
  }
  return out;
}

describe('closed-form schedules', () => {
  it('keeps a constant rate', () => {
    expect(rates(createSchedule('constant', {}, 0.1, 4), 4)).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('multiplies by gamma every `every` epochs (step)', () => {
    const got = rates(createSchedule('step', { every: 2, gamma: 0.5 }, 1, 6), 6);
    expect(got).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('multiplies by gamma each epoch (exponential)', () => {
    const got = rates(createSchedule('exponential', { gamma: 0.9 }, 2, 4), 4);
    [2, 1.8, 1.62, 1.458].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
  });

  it('warms up linearly with lr*(e+1)/warmup, then anneals by the cosine from lr to min_lr', () => {
    const got = rates(createSchedule('cosine', { warmup: 2, min_lr: 0.1 }, 1, 6), 6);
    const T = 4;
    const cos = (t: number) => 0.1 + (0.9 * (1 + Math.cos((Math.PI * t) / T))) / 2;
    const want = [0.5, 1, cos(0), cos(1), cos(2), cos(3)];
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
    expect(got[2]).toBe(1);
    expect(got[4]).toBeCloseTo(0.55, 14);
  });

  it('never leaves [min_lr, lr] with the cosine and reaches lr at the end of the warm-up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 0.5, noNaN: true }), (after, warmup, minLr) => {
        const epochs = warmup + after;
        const r = rates(createSchedule('cosine', { warmup, min_lr: minLr }, 1, epochs), epochs);
        r.forEach((v) => {
          expect(v).toBeLessThanOrEqual(1 + 1e-15);
          expect(v).toBeGreaterThanOrEqual(Math.min(minLr, 1 / Math.max(warmup, 1)) - 1e-15);
        });
        if (warmup > 0) expect(r[warmup - 1]).toBe(1);
        for (let e = warmup + 1; e < epochs; e++) expect(r[e]).toBeLessThanOrEqual(r[e - 1]);
      }),
    );
  });

  it('agrees with the stateful schedule at every epoch', () => {
    const s = createSchedule('step', { every: 3, gamma: 0.3 }, 0.2, 10);
    for (let e = 0; e < 10; e++) {
      expect(s.lr()).toBe(scheduledLr('step', { every: 3, gamma: 0.3 }, 0.2, e, 10));
      s.step();
    }
  });

  it('requires step(every, gamma) and exponential(gamma), and defaults the rest', () => {
    expect(() => createSchedule('step', { every: 2 }, 1, 3)).toThrow(/gamma/);
    expect(() => createSchedule('exponential', {}, 1, 3)).toThrow(/gamma/);
    expect(resolveScheduleArgs('cosine', {})).toEqual({ min_lr: 0, warmup: 0 });
    expect(resolveScheduleArgs('reduce_on_plateau', {})).toEqual({ factor: 0.1, patience: 10 });
    expect(Object.keys(SCHEDULE_DEFAULTS).sort()).toEqual(['constant', 'cosine', 'exponential', 'reduce_on_plateau', 'step']);
  });
});

describe('reduce_on_plateau as ReduceLROnPlateau', () => {
  it('reduces after more than `patience` epochs without a relative improvement of 1e-4', () => {
    // epoch 0 sets best = 1; a loss of 0.99995 is within the threshold (not better than 0.9999).
    const losses = [1, 0.99995, 1, 1, 0.5, 0.6, 0.6, 0.6, 0.6];
    const got = rates(createSchedule('reduce_on_plateau', { factor: 0.5, patience: 2 }, 1, 9), 9, losses);
    // bad epochs after epoch 1, 2, 3 → 3 > 2 → reduced for epoch 4; 0.5 improves; then 3 bad epochs → reduced for epoch 8.
    expect(got).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });

  it('stops reducing when a reduction would be smaller than eps = 1e-8', () => {
    const s = createSchedule('reduce_on_plateau', { factor: 0.1, patience: 0 }, 1e-6, 10);
    const got = rates(s, 6, [1, 1, 1, 1, 1, 1]);
    // epoch 0 sets the best; each later epoch is bad, and patience 0 reduces after it.
    expect(got.slice(0, 2)).toEqual([1e-6, 1e-6]);
    expect(got[2]).toBeCloseTo(1e-7, 20);
    expect(got[3]).toBeCloseTo(1e-8, 21);
    expect(got[4]).toBe(got[3]); // 1e-8 → 1e-9 would change it by 9e-9 < 1e-8
    expect(got[5]).toBe(got[3]);
  });

  it('counts a NaN loss as an epoch without improvement', () => {
    const got = rates(createSchedule('reduce_on_plateau', { patience: 1 }, 1, 4), 4, [NaN, NaN, 3, 3]);
    expect(got).toEqual([1, 1, 0.1, 0.1]);
  });

  it('requires the validation loss', () => {
    expect(() => createSchedule('reduce_on_plateau', {}, 1, 3).step()).toThrow(/validation loss/);
  });

  it('resumes from a JSON checkpoint of its state exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 2, maxLength: 30 }), fc.nat(), (losses, cut) => {
        const k = cut % losses.length;
        const whole = createSchedule('reduce_on_plateau', { patience: 1, factor: 0.5 }, 1, losses.length);
        const all = rates(whole, losses.length, losses);
        const first = createSchedule('reduce_on_plateau', { patience: 1, factor: 0.5 }, 1, losses.length);
        rates(first, k, losses);
        const resumed = createSchedule('reduce_on_plateau', { patience: 1, factor: 0.5 }, 1, losses.length);
        resumed.setState(JSON.parse(JSON.stringify(first.getState())));
        expect(rates(resumed, losses.length - k, losses.slice(k))).toEqual(all.slice(k));
      }),
    );
  });
});
