import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildAst } from '../../src/ast/build.js';
import { print } from '../../src/ast/print.js';
import type { Program } from '../../src/ast/types.js';
import { lex } from '../../src/lexer/index.js';
import { findDepthViolations } from '../../src/parser/depth.js';
import { parseDirect } from '../../src/parser/direct.js';
import { NnParser, parse } from '../../src/parser/index.js';
import { SourceFile } from '../../src/source/index.js';
import { programArb } from '../arbitraries/program.js';

const chevrotain = new NnParser();

/** Both parsers on one text: the direct AST (or undefined) and the Chevrotain reference. */
function both(text: string): { direct: Program | undefined; reference: Program; errors: number; deep: boolean } {
  const source = new SourceFile(text, 'a.nn');
  const { tokens } = lex(source);
  chevrotain.input = tokens;
  const cst = chevrotain.program();
  const errors = chevrotain.errors.length;
  return {
    direct: parseDirect(tokens, source),
    reference: buildAst(cst, source),
    errors,
    deep: findDepthViolations(tokens).length > 0,
  };
}

/** The direct parser accepts exactly the error-free token streams, with the reference AST. */
function expectAgreement(text: string): void {
  const { direct, reference, errors, deep } = both(text);
  if (deep) return;
  if (errors === 0) {
    expect(direct).toBeDefined();
    // JSON text compares structure, key order, and every range's offsets and positions.
    expect(JSON.stringify(direct)).toBe(JSON.stringify(reference));
  } else {
    expect(direct).toBeUndefined();
  }
}

const fragments = [
  'let', 'model', 'train', 'input', 'repeat', 'residual', 'true', 'false', 'x', 'dense', '1', '0.5', '1e-3',
  '"s"', '{', '}', '(', ')', '[', ']', ',', ':', '=', '+', '-', '*', '/', '%', '\n', ' ',
];

describe('the direct parser', () => {
  it('builds the same AST as the Chevrotain parser for every example file', () => {
    const dir = join(__dirname, '../../examples');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.nn'))) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(both(text).direct, f).toBeDefined();
      expectAgreement(text);
    }
  });

  it('builds the same AST as the Chevrotain parser for generated well-formed programs', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        const text = print(program);
        expect(both(text).errors).toBe(0);
        expectAgreement(text);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a token stream exactly when the Chevrotain parser reports no error', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 30 }), (parts) => expectAgreement(parts.join(' '))),
      { numRuns: 2000 },
    );
  });

  it('accepts a well-formed program with one token deleted or inserted exactly when the Chevrotain parser does', () => {
    const edited = fc.tuple(programArb, fc.nat(), fc.constantFrom(...fragments, '', '', '', ',', ',', ':', '(', ')', '[', ']')).map(([program, at, insert]) => {
      const text = print(program);
      const words = text.split(/(?=[\s(){}[\],:=+\-*/%])|(?<=[\s(){}[\],:=+\-*/%])/);
      const i = at % Math.max(1, words.length);
      words.splice(i, insert === '' ? 1 : 0, insert);
      return words.join('');
    });
    fc.assert(fc.property(edited, expectAgreement), { numRuns: 1000 });
  });

  it('gives up on near misses of every construct, as the Chevrotain parser reports them', () => {
    const nearMisses = [
      'let x = [,]', 'let x = [1,,2]', 'let x = [1 2]', 'let x = f(,)', 'let x = f(a,,b)', 'let x = f(a:)',
      'let x = f(:1)', 'let x = f(a b)', 'let x =', 'let = 1', 'let x 1', 'let x = - ', 'let x = 1 +', 'let x = (1',
      'let x = ()', 'let x = 1 )', 'model M { a: }', 'model M { : dense }', 'model M { input }', 'model M { dense(',
      'model M { repeat { dense } }', 'model M { repeat 2 dense }', 'model M { residual dense }', 'model M dense',
      'model { dense }', 'model M { 1 }', 'model M { -dense }', 'model M { dense } }', 'train M { lr 1 }',
      'train M { lr: 1,, }', 'train M { lr: }', 'train M { : 1 }', 'train { lr: 1 }', 'train M lr: 1', 'x', '1', '}',
    ];
    for (const text of nearMisses) {
      expect(both(text).errors, text).toBeGreaterThan(0);
      expect(both(text).direct, text).toBeUndefined();
    }
  });

  it('builds the CST on demand, equal to the one the Chevrotain parser makes', () => {
    const text = 'let n = 2 * (3 + 1)\nmodel M { input [n]\n h: dense(n, activation: relu)\n residual { dense(2) } }\n';
    const result = parse(text, 'a.nn');
    const source = new SourceFile(text, 'a.nn');
    chevrotain.input = lex(source).tokens;
    const reference = chevrotain.program();
    expect(chevrotain.errors).toEqual([]);
    expect(result.cst).toEqual(reference);
    expect(result.cst).toBe(result.cst);
  });
});
