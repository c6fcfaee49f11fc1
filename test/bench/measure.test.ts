import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { allocatedBytesPerStep, measureThroughput, median, settledBytesPerStep } from '../../bench/measure.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('benchmark measurement', () => {
  it('the median of odd and even lists is the middle value or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('counts steps over a fixed wall time: a 2 ms step runs at most 500 times a second, each run lasting the run time', async () => {
    const busy = (): void => {
      const t = performance.now();
      while (performance.now() - t < 2);
    };
    const r = await measureThroughput(busy, { warmupSeconds: 0.02, runSeconds: 0.1, runs: 3 });
    expect(r.stepsPerSecond).toHaveLength(3);
    // Other load on the machine can only slow the steps down, so bound from above and by duration.
    for (let i = 0; i < 3; i++) {
      expect(r.stepsPerSecond[i]).toBeLessThanOrEqual(500);
      expect(r.stepsPerRun[i] / r.stepsPerSecond[i]).toBeGreaterThanOrEqual(0.1);
      expect(r.stepsPerRun[i] / r.stepsPerSecond[i]).toBeLessThan(0.1 + 0.5);
    }
  });

  it('a step longer than the run time gets fewer, single-step runs', async () => {
    const slow = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
    const r = await measureThroughput(slow, { warmupSeconds: 0, runSeconds: 0.01, runs: 2 });
    expect(r.stepsPerRun.every((n) => n === 1)).toBe(true);
  });

  it('detects a deliberate per-step allocation and reads an allocation-free step as (nearly) zero', async () => {
    // Small integers (Smis) are not heap objects, so the allocation-free step keeps its sum in one.
    let sink = 0;
    const buffer = new Int32Array(256).fill(1);
    const free = (): void => {
      for (let i = 0; i < buffer.length; i++) sink = (sink + buffer[i]) & 0xffff;
    };
    const allocating = (): void => {
      sink = (sink + new Float32Array(256).length) & 0xffff;
    };
    for (let i = 0; i < 5000; i++) { free(); allocating(); }
    const none = await allocatedBytesPerStep(free, 2000, gc);
    const some = await allocatedBytesPerStep(allocating, 2000, gc);
    expect(none).not.toBeNull();
    expect(some).not.toBeNull();
    expect(none!).toBeLessThan(16);
    expect(some!).toBeGreaterThanOrEqual(1024);
    expect(sink).toBeGreaterThanOrEqual(0);
  });

  it('keeps reporting a real per-step allocation after every further warm-up round, and settles on zero for a free step', async () => {
    let sink = 0;
    const allocating = (): void => {
      sink = (sink + new Float32Array(256).length) & 0xffff;
    };
    const free = (): void => {
      sink = (sink + 1) & 0xffff;
    };
    const some = await settledBytesPerStep(allocating, 200, gc, 8, 3);
    // 1 KiB of elements plus the object: far above the 8 bytes the retries stop under
    expect(some!).toBeGreaterThanOrEqual(512);
    expect(await settledBytesPerStep(free, 200, gc, 8, 3)).toBeLessThan(8);
    expect(sink).toBeGreaterThanOrEqual(0);
  });
});
