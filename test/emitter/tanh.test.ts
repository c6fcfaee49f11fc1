import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodeWriter } from '../../src/emitter/code.js';
import { tanhHelper } from '../../src/emitter/dense.js';

/** The plan's emitted `tanh` helper, evaluated as the in-process plan evaluates its code. */
function helper(): (v: number) => number {
  const w = new CodeWriter('js');
  tanhHelper(w);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the emitted code under test
  return new Function(`${w.text()}return tanh;`)() as (v: number) => number;
}

const tanh = helper();

describe('the plan\'s tanh helper', () => {
  it('stays within 3e-13 of Math.tanh, relative, and rounds to the same float32, over a sweep of magnitudes 1e-12..25', () => {
    let worst = 0;
    for (let i = 0; i <= 400_000; i++) {
      const v = (i % 2 ? -1 : 1) * Math.exp(-27.6 + 30.8 * (i / 400_000));
      const got = tanh(v), want = Math.tanh(v);
      worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
      if (Math.fround(got) !== Math.fround(want)) expect.fail(`tanh(${v}) = ${got} rounds apart from Math.tanh's ${want}`);
    }
    expect(worst).toBeLessThan(3e-13);
  });

  it('agrees with Math.tanh on arbitrary doubles and is odd', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (v) => {
        expect(Math.abs(tanh(v) - Math.tanh(v))).toBeLessThanOrEqual(3e-13 * Math.abs(Math.tanh(v)));
        expect(tanh(-v) === -tanh(v)).toBe(true);
      }),
    );
  });

  it('maps zeros to zero (the sign of -0 is not kept, as before), saturates to ±1 and passes NaN through', () => {
    expect(tanh(0) === 0 && tanh(-0) === 0).toBe(true);
    expect([tanh(20), tanh(-20), tanh(Infinity), tanh(-Infinity), tanh(1e300)]).toEqual([1, -1, 1, -1, 1]);
    expect(tanh(NaN)).toBeNaN();
  });
});
