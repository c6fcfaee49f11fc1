import { describe, expect, it } from 'vitest';
import { keywords, lex } from '../../src/lexer/index.js';
import { SourceFile } from '../../src/source/index.js';

function kinds(text: string): string[] {
  return lex(new SourceFile(text)).tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe('lex', () => {
  it.each([
    ['hidden', ['Identifier:hidden']],
    ['_x9', ['Identifier:_x9']],
    ['inputs letter models trainer true_ falsey', ['Identifier:inputs', 'Identifier:letter', 'Identifier:models', 'Identifier:trainer', 'Identifier:true_', 'Identifier:falsey']],
    ['let model train input repeat residual true false', ['Let:let', 'Model:model', 'Train:train', 'Input:input', 'Repeat:repeat', 'Residual:residual', 'True:true', 'False:false']],
    ['64 0.5 1e-3 1_000 2E+10 1_000.000_1', ['NumberLiteral:64', 'NumberLiteral:0.5', 'NumberLiteral:1e-3', 'NumberLiteral:1_000', 'NumberLiteral:2E+10', 'NumberLiteral:1_000.000_1']],
    ['"a b" "q\\"x" ""', ['StringLiteral:"a b"', 'StringLiteral:"q\\"x"', 'StringLiteral:""']],
    ['{ } ( ) [ ] , : = + - * / %', ['LCurly:{', 'RCurly:}', 'LParen:(', 'RParen:)', 'LBracket:[', 'RBracket:]', 'Comma:,', 'Colon::', 'Equals:=', 'Plus:+', 'Minus:-', 'Star:*', 'Slash:/', 'Percent:%']],
    ['a/b', ['Identifier:a', 'Slash:/', 'Identifier:b']],
    ['1e', ['NumberLiteral:1', 'Identifier:e']],
  ])('splits %j into the expected tokens', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
    expect(lex(new SourceFile(text)).diagnostics).toEqual([]);
  });

  it('exports every keyword, each lexed as its own token type', () => {
    expect([...keywords]).toEqual(['let', 'model', 'train', 'input', 'repeat', 'residual', 'true', 'false']);
    for (const k of keywords) expect(kinds(k)).toEqual([`${k[0]!.toUpperCase()}${k.slice(1)}:${k}`]);
  });

  it('keeps line and block comments out of the tokens, with their kind and exact range', () => {
    const text = 'let x = 1 // one\n/* two\n lines */ let y = 2';
    const result = lex(new SourceFile(text));
    expect(result.tokens.map((t) => t.image)).toEqual(['let', 'x', '=', '1', 'let', 'y', '=', '2']);
    expect(result.comments.map((c) => [c.kind, c.text, text.slice(c.range.startOffset, c.range.endOffset)])).toEqual([
      ['line', '// one', '// one'],
      ['block', '/* two\n lines */', '/* two\n lines */'],
    ]);
    expect(result.comments[1]!.range.end).toEqual({ line: 3, column: 10 });
  });

  it.each([
    ['let x = 1 # two', 'NN1001', '#'],
    ['let s = "open', 'NN1002', '"open'],
    ['/* never closed', 'NN1003', '/*'],
    ['let s = "a\\qb"', 'NN1004', '\\q'],
    ['let s = "\\u{110000}"', 'NN1004', '\\u'],
    ['let r = .5', 'NN1005', '.5'],
  ])('reports %j as %s at the offending text', (text, code, slice) => {
    const { diagnostics } = lex(new SourceFile(text));
    expect(diagnostics.map((d) => d.code)).toEqual([code]);
    const d = diagnostics[0]!;
    expect(text.slice(d.range.startOffset, d.range.endOffset)).toBe(slice);
  });

  it('offers fixes that close strings, close comments and add the leading zero', () => {
    const fixes = (text: string) => lex(new SourceFile(text)).diagnostics.map((d) => d.fix?.edits.map((e) => e.newText));
    expect(fixes('let s = "open')).toEqual([['"']]);
    expect(fixes('/* open')).toEqual([[' */']]);
    expect(fixes('let r = .5')).toEqual([['0.5']]);
  });

  it('stops reporting bad characters after 100 and says so', () => {
    const { diagnostics } = lex(new SourceFile('# a '.repeat(500)));
    expect(diagnostics.filter((d) => d.code === 'NN1001')).toHaveLength(100);
    expect(diagnostics.filter((d) => d.code === 'NN1021')).toHaveLength(1);
  });
});
