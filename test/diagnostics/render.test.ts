import { describe, expect, it } from 'vitest';
import { DiagnosticSink, diagnosticToJson, renderDiagnostic, renderSummary } from '../../src/diagnostics/index.js';
import { SourceFile } from '../../src/source/index.js';

const source = new SourceFile('let a = 1\nmodel M {\n  input [4]\n  rleu\n}\n', 'm.nn');

function diagnostic(start: number, end: number) {
  const sink = new DiagnosticSink('m.nn');
  return sink.report('NN9001', source.range(start, end), { stage: 'test', detail: 'boom' }, { hints: ['a hint'] });
}

describe('diagnostic rendering', () => {
  it('underlines exactly the range on its line, with a gutter as wide as the line number', () => {
    const start = source.text.indexOf('rleu');
    const text = renderDiagnostic(diagnostic(start, start + 4), source);
    expect(text).toBe(['m.nn:4:3: error[NN9001]: internal error in test: boom', '4 |   rleu', '  |   ^^^^', '  = hint: a hint'].join('\n'));
  });

  it('underlines to the end of the line when a range spans lines', () => {
    const start = source.text.indexOf('model');
    const text = renderDiagnostic(diagnostic(start, source.text.indexOf('input')), source);
    expect(text.split('\n')[2]).toBe('  | ^^^^^^^^^');
  });

  it('gives an empty range one caret', () => {
    const text = renderDiagnostic(diagnostic(0, 0), source);
    expect(text.split('\n')[2]).toBe('  | ^');
  });

  it('converts to the contract JSON with 1-based positions and an exclusive end', () => {
    const start = source.text.indexOf('rleu');
    expect(diagnosticToJson(diagnostic(start, start + 4), 'm.nn')).toEqual({
      file: 'm.nn',
      range: { start: { line: 4, column: 3 }, end: { line: 4, column: 7 } },
      severity: 'error',
      code: 'NN9001',
      message: 'internal error in test: boom',
      hint: 'a hint',
    });
  });

  it('counts errors and warnings in the summary line', () => {
    expect(renderSummary([])).toBe('no problems');
    expect(renderSummary([diagnostic(0, 1), diagnostic(1, 2)])).toBe('2 errors');
  });
});
