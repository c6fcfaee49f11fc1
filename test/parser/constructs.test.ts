import { describe, expect, it } from 'vitest';
import { print } from '../../src/ast/print.js';
import { parse } from '../../src/parser/index.js';
import { stripRanges } from '../arbitraries/program.js';

/** Parses without errors and returns the AST without ranges. */
function ast(text: string) {
  const result = parse(text);
  expect(result.diagnostics).toEqual([]);
  return stripRanges(result.program);
}

const mnist = `// examples/mnist-mlp.nn
let hidden = 256

model Mnist {
  input [784]                          // one sample
  fc1: dense(hidden, init: he_normal)
  relu
  batchnorm
  dropout(0.2)
  dense(10, activation: softmax, regularizer: l2(1e-4))
}

train Mnist {
  data:       csv("data/mnist-train.csv", label: "label")
  validation: split(0.1)
  optimizer:  adam(lr: 1e-3)
  batch:      64
  shuffle:    true
  early_stop: patience(3)
}
`;

describe('parse', () => {
  it('parses the contract example without diagnostics and keeps its comments', () => {
    const result = parse(mnist, 'mnist.nn');
    expect(result.diagnostics).toEqual([]);
    expect(result.program.file).toBe('mnist.nn');
    expect(result.program.decls.map((d) => d.kind)).toEqual(['Let', 'Model', 'Train']);
    expect(result.comments.map((c) => c.text)).toEqual(['// examples/mnist-mlp.nn', '// one sample']);
    expect(result.cst.name).toBe('program');
    expect(result.tokens.length).toBeGreaterThan(50);
  });

  it('reads a let declaration with a value', () => {
    expect(ast('let hidden = 256')).toEqual({
      kind: 'Program',
      file: '<input>',
      decls: [{ kind: 'Let', name: { kind: 'Identifier', name: 'hidden' }, value: { kind: 'Number', value: 256, raw: '256' } }],
    });
  });

  it('reads every model statement: input, labelled and bare layers, calls, repeat and residual', () => {
    const program = ast('model M { input [1, 28, 28] c: conv2d(8, [3, 3], padding: same) relu repeat 2 { residual { dense(4) } } }');
    const model = program.decls[0]!;
    expect(model.kind).toBe('Model');
    if (model.kind !== 'Model') return;
    expect(model.body.map((s) => s.kind)).toEqual(['Input', 'Layer', 'Layer', 'Repeat']);
    const [, conv, relu, repeat] = model.body;
    expect(conv).toMatchObject({ label: { name: 'c' }, layer: { kind: 'Call', callee: { name: 'conv2d' } } });
    if (conv?.kind === 'Layer' && conv.layer.kind === 'Call') {
      expect(conv.layer.args.map((a) => [a.name?.name, a.value.kind])).toEqual([
        [undefined, 'Number'],
        [undefined, 'List'],
        ['padding', 'Name'],
      ]);
    }
    expect(relu).toEqual({ kind: 'Layer', layer: { kind: 'Name', name: { kind: 'Identifier', name: 'relu' } } });
    expect(repeat).toMatchObject({ kind: 'Repeat', count: { value: 2 }, body: [{ kind: 'Residual', body: [{ kind: 'Layer' }] }] });
  });

  it('reads train entries, with or without a comma after each', () => {
    const a = ast('train M { loss: mse, epochs: 10, }');
    const b = ast('train M { loss: mse epochs: 10 }');
    expect(a).toEqual(b);
    expect(a.decls[0]).toMatchObject({ kind: 'Train', model: { name: 'M' }, entries: [{ key: { name: 'loss' } }, { key: { name: 'epochs' } }] });
  });

  it.each([
    ['1 + 2 * 3', '1 + 2 * 3', { op: '+', right: { op: '*' } }],
    ['1 - 2 - 3', '1 - 2 - 3', { op: '-', left: { op: '-' } }],
    ['8 / 4 % 3 * 2', '8 / 4 % 3 * 2', { op: '*', left: { op: '%', left: { op: '/' } } }],
    ['-a * b', '-a * b', { op: '*', left: { kind: 'Unary', op: '-' } }],
    ['- -1', '- -1', { kind: 'Unary', operand: { kind: 'Unary', operand: { value: 1 } } }],
    ['(1 + 2) * 3', '(1 + 2) * 3', { op: '*', left: { kind: 'Paren', expr: { op: '+' } } }],
  ])('reads %s with the usual precedence', (text, printed, shape) => {
    const program = ast(`let x = ${text}`);
    const decl = program.decls[0]!;
    if (decl.kind !== 'Let') throw new Error('expected a let');
    expect(decl.value).toMatchObject(shape);
    expect(print(program)).toBe(`let x = ${printed}\n`);
  });

  it('reads strings, booleans, nested calls, lists with trailing commas and named arguments', () => {
    const program = ast('let x = f("a\\n", true, false, g(h(1)), [1, [2, 3],], key: [a, b], k2: 1,)');
    expect(print(program)).toBe('let x = f("a\\n", true, false, g(h(1)), [1, [2, 3]], key: [a, b], k2: 1)\n');
  });

  it('accepts an empty file, an empty model and an empty train block', () => {
    expect(ast('').decls).toEqual([]);
    expect(ast('  // only a comment\n').decls).toEqual([]);
    expect(ast('model M { } train M { }').decls.map((d) => d.kind)).toEqual(['Model', 'Train']);
  });

  it('treats newlines as insignificant', () => {
    expect(ast('model M {\n input\n [4]\n dense\n (\n 2\n )\n}')).toEqual(ast('model M { input [4] dense(2) }'));
  });

  it('returns independent results from consecutive calls', () => {
    const bad = parse('let = ');
    const good = parse('let x = 1');
    expect(bad.diagnostics.length).toBeGreaterThan(0);
    expect(good.diagnostics).toEqual([]);
    expect(parse('let = ').diagnostics).toEqual(bad.diagnostics);
  });
});
