import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { print } from '../../src/ast/print.js';
import { parse } from '../../src/parser/index.js';
import { programArb, stripRanges } from '../arbitraries/program.js';

describe('print', () => {
  it('prints a program canonically, with 2-space indentation and one statement per line', () => {
    const text = 'let h=2*  3 model M{input [4] fc:dense( h ,init:he_normal) repeat 2{residual{relu}}} train M{loss:mse,s:"a\\"b"}';
    expect(print(parse(text).program)).toBe(
      [
        'let h = 2 * 3',
        '',
        'model M {',
        '  input [4]',
        '  fc: dense(h, init: he_normal)',
        '  repeat 2 {',
        '    residual {',
        '      relu',
        '    }',
        '  }',
        '}',
        '',
        'train M {',
        '  loss: mse',
        '  s: "a\\"b"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('prints random well-formed programs so that they parse back to the same AST', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        const text = print(program);
        const result = parse(text);
        expect(result.diagnostics).toEqual([]);
        expect(stripRanges(result.program)).toEqual(stripRanges(program));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent on its own output', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        const once = print(program);
        expect(print(parse(once).program)).toBe(once);
      }),
      { numRuns: 100 },
    );
  });
});
