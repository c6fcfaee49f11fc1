import { describe, expect, it } from 'vitest';
import { analyze, offsetAt } from '../../src/server/analysis.js';
import { codeActions } from '../../src/server/code-actions.js';
import { documentDiagnostics } from '../../src/server/diagnostics.js';
import { definition, references } from '../../src/server/navigation.js';
import { signatureHelp } from '../../src/server/signature.js';
import { documentSymbols } from '../../src/server/symbols.js';
import { checkText } from '../../src/compiler.js';
import { atCursor } from './cursor.js';

const model = (body: string): string => `let hidden = 128\nmodel M {\n  input [4]\n${body}\n}\n`;

describe('signature help', () => {
  it.each([
    ['the first positional parameter', model('  dense(<|>'), 'dense(', 'units: integer'],
    ['the parameter after a positional one', model('  conv2d(8, <|>'), 'conv2d(', 'kernel: size2'],
    ['the named parameter being written', model('  dense(8, init: <|>)'), 'dense(', 'init: initializer = xavier_uniform'],
    ['the first unused parameter after the positional ones', model('  dense(8, activation: relu, <|>)'), 'dense(', 'init: initializer = xavier_uniform'],
    ['the innermost call', model('  dense(8, activation: leaky_relu(<|>))'), 'leaky_relu(', 'alpha: number = 0.01'],
    ['a train value call', 'model M {\n  input [4]\n}\ntrain M {\n  optimizer: sgd(0.1, <|>\n}', 'sgd(', 'momentum: number = 0'],
  ])('marks %s', (_what, marked, label, activeParam) => {
    const { analysis, offset } = atCursor(marked);
    const help = signatureHelp(analysis, offset);
    const signature = help?.signatures[0];
    expect(signature?.label.startsWith(label)).toBe(true);
    expect(signature?.parameters?.[help!.activeParameter!]?.label).toBe(activeParam);
  });

  it('gives nothing outside a call', () => {
    const { analysis, offset } = atCursor(model('  relu<|>'));
    expect(signatureHelp(analysis, offset)).toBeNull();
  });
});

const program = `let hidden = 32
let wide = hidden * 2
model Net {
  input [8]
  fc1: dense(hidden)
  fc2: dense(wide)
  dense(hidden)
}
model Other {
  input [8]
  fc1: dense(4)
}
train Net {
  data: csv("a.csv", label: "y")
  loss: mse
  optimizer: sgd(0.1)
  batch: hidden
}
`;

const at = (needle: string, delta = 1): { analysis: ReturnType<typeof analyze>; offset: number } => ({ analysis: analyze('file:///p.nn', 1, program), offset: program.indexOf(needle) + delta });
const lines = (locations: readonly { range: { start: { line: number; character: number } } }[]): string[] => locations.map((l) => `${l.range.start.line + 1}:${l.range.start.character + 1}`);

describe('definition and references', () => {
  it.each([
    ['a let use goes to its declaration', 'hidden * 2', ['1:5']],
    ['a let declaration goes to itself', 'hidden = 32', ['1:5']],
    ['a train block goes to its model', 'train Net', ['3:7'], 7],
    ['a layer label goes to itself', 'fc2:', ['6:3']],
    ['a built-in name goes nowhere', 'mse', []],
  ])('%s', (_what, needle, expected, delta = 1) => {
    const { analysis, offset } = at(needle, delta);
    expect(lines(definition(analysis, offset))).toEqual(expected);
  });

  it('finds every use of a let constant, with and without its declaration', () => {
    const { analysis, offset } = at('hidden = 32');
    expect(lines(references(analysis, offset, true))).toEqual(['1:5', '2:12', '5:14', '7:9', '17:10']);
    expect(lines(references(analysis, offset, false))).toEqual(['2:12', '5:14', '7:9', '17:10']);
  });

  it('finds the train blocks of a model', () => {
    const { analysis, offset } = at('Net {', 0);
    expect(lines(references(analysis, offset, true))).toEqual(['3:7', '13:7']);
  });

  it('keeps layer labels apart by model', () => {
    const { analysis, offset } = at('fc1: dense(4)', 0);
    expect(lines(references(analysis, offset, true))).toEqual(['11:3']);
  });
});

describe('document symbols', () => {
  it('lists lets, models with their layers and shapes, and trains with their keys', () => {
    const text = `let n = 4\nmodel M {\n  input [n]\n  fc: dense(8)\n  repeat 2 {\n    relu\n  }\n}\ntrain M {\n  loss: mse\n}\n`;
    const symbols = documentSymbols(analyze('file:///s.nn', 1, text));
    const outline = symbols.map((s) => [s.name, s.detail, (s.children ?? []).map((c) => [c.name, c.detail, (c.children ?? []).map((g) => g.name)])]);
    expect(outline).toEqual([
      ['n', '4', []],
      ['M', '[4] → [8], 40 params', [['input', '[n]', []], ['fc', 'dense → [8]', []], ['repeat 2', undefined, ['relu_1']]]],
      ['train M', undefined, [['loss', 'mse', []]]],
    ]);
  });
});

describe('diagnostics and code actions', () => {
  const bad = model('  dense(8, activation: rleu, init: he_normal)\n  dropout(0.8)');

  it('maps every checker diagnostic one to one', () => {
    const analysis = analyze('file:///b.nn', 1, bad);
    const checked = checkText(bad, 'file:///b.nn').diagnostics;
    const lsp = documentDiagnostics(analysis);
    expect(lsp.map((d) => d.code)).toEqual(checked.map((d) => d.code));
    expect(lsp.map((d) => d.message.split('\n')[0])).toEqual(checked.map((d) => d.message));
    const first = lsp[0]!;
    expect(first).toMatchObject({ code: 'NN2002', severity: 1, range: { start: { line: 3, character: 23 }, end: { line: 3, character: 27 } } });
    expect(lsp.find((d) => d.code === 'NN8005')?.severity).toBe(2);
  });

  it('offers a quick fix for each fix the checker gives, applying to the right text', () => {
    const analysis = analyze('file:///b.nn', 1, bad);
    const all = codeActions(analysis, { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } });
    const withFix = checkText(bad).diagnostics.filter((d) => d.fix);
    expect(all.map((a) => a.title)).toEqual(withFix.map((d) => d.fix!.title));
    const relu = all.find((a) => a.title === "replace with 'relu'")!;
    const edit = relu.edit!.changes!['file:///b.nn']![0]!;
    const start = offsetAt(analysis.source, edit.range.start);
    const end = offsetAt(analysis.source, edit.range.end);
    expect(bad.slice(start, end)).toBe('rleu');
    expect(relu.diagnostics?.[0]?.code).toBe('NN2002');
  });

  it('offers only the fixes whose diagnostics touch the requested range', () => {
    const analysis = analyze('file:///b.nn', 1, bad);
    const line4 = codeActions(analysis, { start: { line: 4, character: 11 }, end: { line: 4, character: 11 } });
    expect(line4.map((a) => a.diagnostics?.[0]?.code)).toEqual(['NN8005']);
  });
});
