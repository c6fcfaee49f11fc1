import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { print } from '../../src/ast/print.js';
import { walk } from '../../src/ast/walk.js';
import { lex } from '../../src/lexer/index.js';
import { parse, type ParseResult } from '../../src/parser/index.js';
import { SourceFile } from '../../src/source/index.js';
import { programArb } from '../arbitraries/program.js';

/** What every parse must satisfy, whatever the input: only syntax codes, sane nested ranges. */
function expectWellFormed(result: ParseResult, text: string): void {
  for (const d of result.diagnostics) {
    expect(d.code).toMatch(/^NN1\d{3}$/);
    expect(d.range.endOffset).toBeLessThanOrEqual(text.length);
  }
  walk(result.program, (node, parent) => {
    expect(node.range.startOffset).toBeLessThanOrEqual(node.range.endOffset);
    if (parent) {
      expect(node.range.startOffset).toBeGreaterThanOrEqual(parent.range.startOffset);
      expect(node.range.endOffset).toBeLessThanOrEqual(parent.range.endOffset);
    }
  });
  print(result.program);
}

const fragments = [
  'let', 'model', 'train', 'input', 'repeat', 'residual', 'true', 'false', 'x', 'dense', '1', '0.5', '1e-3',
  '"s"', '"open', '{', '}', '(', ')', '[', ']', ',', ':', '=', '+', '-', '*', '/', '%', '//c\n', '/*', '*/', '#', '\n', ' ', '.5',
];

describe('parse on arbitrary input', () => {
  it('returns for random strings, never throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => expectWellFormed(parse(text), text)),
      { numRuns: 500 },
    );
  });

  it('returns for random token sequences, never throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 80 }), (parts) => {
        const text = parts.join(' ');
        expectWellFormed(parse(text), text);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns for valid programs with tokens deleted, inserted or swapped, never throwing', () => {
    const mutation = fc.record({
      op: fc.constantFrom('delete', 'insert', 'swap'),
      at: fc.nat(),
      other: fc.nat(),
      fragment: fc.constantFrom(...fragments),
    });
    fc.assert(
      fc.property(programArb, fc.array(mutation, { minLength: 1, maxLength: 4 }), (program, mutations) => {
        const original = print(program);
        const pieces = lex(new SourceFile(original)).tokens.map((t) => t.image);
        for (const m of mutations) {
          const i = pieces.length === 0 ? 0 : m.at % pieces.length;
          if (m.op === 'delete') pieces.splice(i, 1);
          else if (m.op === 'insert') pieces.splice(i, 0, m.fragment);
          else if (pieces.length > 0) {
            const j = m.other % pieces.length;
            [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
          }
        }
        const text = pieces.join(' ');
        expectWellFormed(parse(text), text);
      }),
      { numRuns: 500 },
    );
  });
});
