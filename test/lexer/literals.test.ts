import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeString, numberValue, quoteString } from '../../src/lexer/index.js';

describe('string and number literals', () => {
  it.each([
    ['"plain"', 'plain'],
    ['"a\\nb\\tc\\rd"', 'a\nb\tc\rd'],
    ['"q\\"\\\\"', 'q"\\'],
    ['"\\u{41}\\u{1F600}"', 'A😀'],
  ])('decodes %s', (raw, value) => {
    expect(decodeString(raw)).toEqual({ value, terminated: true, problems: [] });
  });

  it('tells an escaped final quote from a closing one', () => {
    expect(decodeString('"ab\\"').terminated).toBe(false);
    expect(decodeString('"ab\\\\"').terminated).toBe(true);
    expect(decodeString('"').terminated).toBe(false);
  });

  it('reads numbers with underscores and exponents', () => {
    expect([numberValue('1_000'), numberValue('1e-3'), numberValue('0.5'), numberValue('2E+2')]).toEqual([1000, 0.001, 0.5, 200]);
  });

  it('quotes any string so that decoding gives it back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const decoded = decodeString(quoteString(value));
        expect(decoded).toEqual({ value, terminated: true, problems: [] });
      }),
    );
  });
});
