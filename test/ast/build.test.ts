import { describe, expect, it } from 'vitest';
import type { AstNode } from '../../src/ast/types.js';
import { walk } from '../../src/ast/walk.js';
import { parse } from '../../src/parser/index.js';

/** Every node of a parsed program as `kind: source text under its range`. */
function slices(text: string): string[] {
  const { program, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  const out: string[] = [];
  walk(program, (node: AstNode) => {
    if (node.kind !== 'Program') out.push(`${node.kind}: ${text.slice(node.range.startOffset, node.range.endOffset)}`);
  });
  return out;
}

describe('buildAst ranges', () => {
  it('cover exactly the text of each node in a let', () => {
    expect(slices('let  x = -(1 + 2) * f(a, k: "s")  // c')).toEqual([
      'Let: let  x = -(1 + 2) * f(a, k: "s")',
      'Identifier: x',
      'Binary: -(1 + 2) * f(a, k: "s")',
      'Unary: -(1 + 2)',
      'Paren: (1 + 2)',
      'Binary: 1 + 2',
      'Number: 1',
      'Number: 2',
      'Call: f(a, k: "s")',
      'Identifier: f',
      'Argument: a',
      'Name: a',
      'Identifier: a',
      'Argument: k: "s"',
      'Identifier: k',
      'String: "s"',
    ]);
  });

  it('cover exactly the text of each model statement and train entry', () => {
    const text = 'model M {\n  input [4]\n  fc: dense(2,)\n  repeat 2 { residual { relu } }\n}\ntrain M { loss: mse, lr: true }';
    expect(slices(text)).toEqual([
      'Model: model M {\n  input [4]\n  fc: dense(2,)\n  repeat 2 { residual { relu } }\n}',
      'Identifier: M',
      'Input: input [4]',
      'List: [4]',
      'Number: 4',
      'Layer: fc: dense(2,)',
      'Identifier: fc',
      'Call: dense(2,)',
      'Identifier: dense',
      'Argument: 2',
      'Number: 2',
      'Repeat: repeat 2 { residual { relu } }',
      'Number: 2',
      'Residual: residual { relu }',
      'Layer: relu',
      'Name: relu',
      'Identifier: relu',
      'Train: train M { loss: mse, lr: true }',
      'Identifier: M',
      'TrainEntry: loss: mse',
      'Identifier: loss',
      'Name: mse',
      'Identifier: mse',
      'TrainEntry: lr: true',
      'Identifier: lr',
      'Boolean: true',
    ]);
  });

  it('give the program the whole file and report 1-based positions', () => {
    const { program } = parse('\n\nlet x = 1\n');
    expect(program.range).toMatchObject({ startOffset: 0, endOffset: 12 });
    expect(program.decls[0]!.range.start).toEqual({ line: 3, column: 1 });
    expect(program.decls[0]!.range.end).toEqual({ line: 3, column: 10 });
  });

  it('keep ranges nested and ordered even in broken programs', () => {
    const text = 'let a = (1 +\nmodel M { dense(1 input [2] }\ntrain { loss: }\nlet = [1,';
    const { program } = parse(text);
    walk(program, (node, parent) => {
      expect(node.range.startOffset).toBeLessThanOrEqual(node.range.endOffset);
      if (parent) {
        expect(node.range.startOffset).toBeGreaterThanOrEqual(parent.range.startOffset);
        expect(node.range.endOffset).toBeLessThanOrEqual(parent.range.endOffset);
      }
    });
  });
});
