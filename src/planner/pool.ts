/**
 * Buffer sharing by lifetime: intervals `[start, end]` (inclusive step indices) are packed into
 * slots so that no two tensors whose intervals overlap share a slot (a tensor written at step t
 * never shares with one still read at step t). Greedy in start order, best fit by size.
 */

/** A tensor to place: its size in elements and its lifetime. */
export interface Interval {
  readonly size: number;
  readonly start: number;
  readonly end: number;
}

/** Slot sizes and each interval's slot. */
export interface Packing {
  readonly slots: number[];
  readonly slotOf: number[];
}

/** Packs intervals into shared slots. */
export function packIntervals(intervals: readonly Interval[]): Packing {
  const order = intervals.map((_, i) => i).sort((a, b) => intervals[a].start - intervals[b].start || intervals[b].size - intervals[a].size);
  const slots: number[] = [];
  const busyUntil: number[] = [];
  const slotOf: number[] = new Array<number>(intervals.length).fill(-1);
  for (const i of order) {
    const iv = intervals[i];
    let best = -1;
    for (let s = 0; s < slots.length; s++) {
      if (busyUntil[s] >= iv.start) continue;
      if (best === -1) best = s;
      else {
        const fitsS = slots[s] >= iv.size;
        const fitsB = slots[best] >= iv.size;
        // prefer the smallest slot that fits, else the largest one (least growth)
        if ((fitsS && (!fitsB || slots[s] < slots[best])) || (!fitsS && !fitsB && slots[s] > slots[best])) best = s;
      }
    }
    if (best === -1) {
      best = slots.length;
      slots.push(0);
      busyUntil.push(-1);
    }
    slots[best] = Math.max(slots[best], iv.size);
    busyUntil[best] = iv.end;
    slotOf[i] = best;
  }
  return { slots, slotOf };
}
