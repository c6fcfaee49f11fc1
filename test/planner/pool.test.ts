import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packIntervals } from '../../src/planner/index.js';

const intervals = fc.array(
  fc.tuple(fc.integer({ min: 1, max: 100 }), fc.nat(30), fc.nat(10)).map(([size, start, len]) => ({ size, start, end: start + len })),
  { maxLength: 40 },
);

describe('lifetime-based buffer sharing', () => {
  it('never gives one slot to two tensors whose lifetimes overlap, and every slot holds its tensors', () => {
    fc.assert(fc.property(intervals, (ivs) => {
      const { slots, slotOf } = packIntervals(ivs);
      ivs.forEach((a, i) => {
        expect(slots[slotOf[i]!]!).toBeGreaterThanOrEqual(a.size);
        ivs.forEach((b, j) => {
          if (i < j && slotOf[i] === slotOf[j]) expect(a.end < b.start || b.end < a.start).toBe(true);
        });
      });
    }));
  });

  it('uses no more storage than one buffer per tensor, and less when lifetimes are disjoint', () => {
    fc.assert(fc.property(intervals, (ivs) => {
      const { slots } = packIntervals(ivs);
      expect(slots.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(ivs.reduce((s, x) => s + x.size, 0));
    }));
    const chain = [{ size: 10, start: 0, end: 1 }, { size: 10, start: 2, end: 3 }, { size: 10, start: 4, end: 5 }];
    expect(packIntervals(chain).slots).toEqual([10]);
  });
});
