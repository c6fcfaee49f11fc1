import { describe, expect, it } from 'vitest';
import { parse } from '../../src/parser/index.js';
import { describeDiagnostic } from './helpers.js';

const cases: Record<string, string> = {
  'a let without a name': 'let = 3',
  'a let without a value': 'let x = ',
  'an unclosed call before the end of the block': 'model M {\n  input [4]\n  dense(10, activation: relu\n}',
  'an unclosed call before the next declaration': 'model M {\n  dense(10\ntrain M { loss: mse }',
  'a layer outside a model': 'dense(10)\nlet x = 3',
  'a number where a layer belongs': 'model M { input [4] 10 relu }',
  'a train entry without a colon': 'train M {\n  loss mse\n  epochs: 3\n}',
  'a keyword used as a name': 'let input = 3',
  'a repeat without a count': 'model M { repeat { relu } }',
  'an unclosed model at the end of the file': 'model M {\n  relu',
  'an empty argument': 'model M { dense(,) }',
  'a doubled operator': 'let c = 1 ** 2',
  'a stray character and an unterminated string': 'let a = 1 # x\nlet s = "open\nlet b = 2',
};

describe('syntax errors', () => {
  it.each(Object.entries(cases))('reports %s with a coded, placed message', (name, text) => {
    const { diagnostics } = parse(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => /^NN1\d{3}$/.test(d.code) && d.severity === 'error')).toBe(true);
    expect(diagnostics.map(describeDiagnostic)).toMatchSnapshot();
  });

  it('names the call an unclosed parenthesis belongs to, the token found and where it opened', () => {
    const [d] = parse('model M {\n  dense(10, activation: relu\n}').diagnostics;
    expect(d?.code).toBe('NN1011');
    expect(d?.message).toBe("expected ')' to close the call to dense, found '}'");
    expect(d?.related.map((r) => [r.message, r.range.start])).toEqual([['the call to dense starts here', { line: 2, column: 8 }]]);
    expect(d?.fix?.edits).toMatchObject([{ newText: ')', range: { start: { line: 2, column: 29 } } }]);
  });

  it('reports three independent mistakes as three diagnostics', () => {
    const text = ['let a = (1 + )', 'model M {', '  input [4]', '  dense(10 20)', '}', 'train M {', '  loss mse', '}'].join('\n');
    const { diagnostics, program } = parse(text);
    expect(diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([
      ['NN1012', 1],
      ['NN1011', 4],
      ['NN1010', 7],
    ]);
    expect(program.decls.map((d) => d.kind)).toEqual(['Let', 'Model', 'Train']);
  });

  it('puts Missing nodes where recovery left holes', () => {
    const { program } = parse('let x = \nlet y = (1 + )');
    expect(program.decls.map((d) => (d.kind === 'Let' ? d.value.kind : d.kind))).toEqual(['Missing', 'Paren']);
    const y = program.decls[1]!;
    if (y.kind === 'Let' && y.value.kind === 'Paren' && y.value.expr.kind === 'Binary') {
      expect(y.value.expr.right.kind).toBe('Missing');
    } else {
      throw new Error('expected (1 + <missing>)');
    }
  });

  it('reports NN1016 with the keyword for names that are keywords', () => {
    expect(parse('model input { }').diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['NN1016', '`input` is a keyword and cannot be used as a name'],
    ]);
  });
});
