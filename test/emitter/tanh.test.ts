import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodeWriter } from '../../src/emitter/code.js';
import { tanhHelper } from '../../src/emitter/dense.js';

type TanhRows = (y: Float32Array, m: number, cols: number, b: Float32Array | null, bo: number) => void;

/** The plan's emitted helpers, evaluated as the in-process plan evaluates its code. */
function helpers(): { tanh: (v: number) => number; tanhRows: TanhRows } {
  const w = new CodeWriter('js');
  tanhHelper(w);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the emitted code under test
  return new Function(`${w.text()}return { tanh, tanhRows };`)() as { tanh: (v: number) => number; tanhRows: TanhRows };
}

const { tanh, tanhRows } = helpers();

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

  it('applies bias and tanh to a block row by row (bias rounded into float32 first), or tanh alone without a bias', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 3 }), (rows, cols, bo) => {
        const y = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.9) * 3);
        const b = Float32Array.from({ length: cols + bo }, (_, i) => Math.cos(i) / 3);
        const want = y.map((v, i) => tanh(Math.fround(v + b[bo + (i % cols)]!)));
        const got = y.slice();
        tanhRows(got, rows * cols, cols, b, bo);
        expect(Array.from(got)).toEqual(Array.from(want));
        const plain = y.slice();
        tanhRows(plain, rows * cols, cols, null, 0);
        expect(Array.from(plain)).toEqual(Array.from(y.map(tanh)));
      }),
    );
  });
});
