import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { print } from '../../src/ast/print.js';
import { format } from '../../src/formatter/index.js';
import { parse } from '../../src/parser/index.js';
import { stripRanges } from '../arbitraries/program.js';
import { boundedProgramArb, commentedSourceArb } from './arbitraries.js';

const runs = { numRuns: 100 };

function ast(text: string): unknown {
  const result = parse(text);
  expect(result.diagnostics).toEqual([]);
  return stripRanges(result.program);
}

function commentTexts(text: string): string[] {
  return parse(text)
    .comments.map((c) => (c.kind === 'line' ? c.text.trimEnd() : c.text))
    .sort();
}

/** A line may pass the width only if nothing on it could have been broken: no separator and no operator outside strings. */
function breakable(line: string): boolean {
  const code = line
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\/\/.*$|\/\*.*?\*\//g, '')
    .replace(/^\s*(?:repeat|input)\b/, '');
  // A binary operator follows an operand; `key: - -1` and `repeat - -1` are signs, not places to break.
  return /,\s*\S/.test(code) || /[\w)\]"]\s[-+*/%]\s\S/.test(code);
}

describe('formatter properties', () => {
  it('formats an already formatted program to the same text (idempotence)', async () => {
    await fc.assert(
      fc.asyncProperty(commentedSourceArb, async (source) => {
        const once = await format(source);
        expect(await format(once)).toBe(once);
      }),
      runs,
    );
  });

  it('prints a program that parses back to the same AST', async () => {
    await fc.assert(
      fc.asyncProperty(commentedSourceArb, async (source) => {
        expect(ast(await format(source))).toEqual(ast(source));
      }),
      runs,
    );
  });

  it('keeps every comment: the same multiset of comment texts before and after', async () => {
    await fc.assert(
      fc.asyncProperty(commentedSourceArb, async (source) => {
        expect(commentTexts(await format(source))).toEqual(commentTexts(source));
      }),
      runs,
    );
  });

  it('keeps lines within the print width wherever a break was possible', async () => {
    await fc.assert(
      fc.asyncProperty(boundedProgramArb, fc.integer({ min: 20, max: 60 }), async (program, printWidth) => {
        const out = await format(print(program), { printWidth });
        for (const line of out.split('\n')) {
          // Code points: prettier counts a wide character as 2 columns, so it never fits more than this.
          if ([...line].length > printWidth) expect(breakable(line), `line over ${printWidth}: ${JSON.stringify(line)}`).toBe(false);
        }
      }),
      runs,
    );
  });
});
