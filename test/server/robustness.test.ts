import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, requestedMaxLength } from '../../src/server/analysis.js';
import { codeActions } from '../../src/server/code-actions.js';
import { completions } from '../../src/server/completion.js';
import { documentDiagnostics } from '../../src/server/diagnostics.js';
import { hover } from '../../src/server/hover.js';
import { definition, references } from '../../src/server/navigation.js';
import { signatureHelp } from '../../src/server/signature.js';
import { documentSymbols } from '../../src/server/symbols.js';

const pieces = ['model', 'train', 'let', 'M', 'x', '=', '{', '}', '(', ')', '[', ']', ',', ':', 'dense', 'relu', 'activation', 'init', '4', '1e-3', '"s', '"a"', '//c\n', '/*', '*/', '\n', ' ', 'repeat', 'residual', 'input', '*', '-', 'optimizer', 'adam', 'lr'];
const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((p) => p.join(' '));

describe('request handlers on any text', () => {
  it('never throw, whatever the text and wherever the cursor', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup, fc.string({ maxLength: 80 })), fc.nat(), (text, n) => {
        const analysis = analyze('file:///r.nn', 1, text);
        const offset = text.length === 0 ? 0 : n % (text.length + 1);
        documentDiagnostics(analysis);
        hover(analysis, offset);
        completions(analysis, offset);
        signatureHelp(analysis, offset);
        definition(analysis, offset);
        references(analysis, offset, true);
        documentSymbols(analysis);
        codeActions(analysis, { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } });
      }),
      { numRuns: 300 },
    );
  });

  it('reports a document over the live-analysis limit once instead of analysing it', () => {
    const text = `model M {\n  input [4]\n${'  relu\n'.repeat(100)}}\n`;
    const analysis = analyze('file:///big.nn', 1, text, 500);
    expect(documentDiagnostics(analysis).map((d) => d.code)).toEqual(['NN1022']);
    expect(documentSymbols(analysis)).toEqual([]);
    expect(hover(analysis, 15)).toBeNull();
    expect(documentDiagnostics(analyze('file:///big.nn', 1, text, text.length))).toEqual([]);
  });

  it('reads an editor\'s live-analysis limit from the initialization options, and names a bad one', () => {
    for (const none of [undefined, null, 'x', {}, { other: 1 }]) expect(requestedMaxLength(none)).toBeUndefined();
    expect(requestedMaxLength({ maxDocumentLength: 1_000_000 })).toBe(1_000_000);
    expect(requestedMaxLength({ maxDocumentLength: 1 })).toBe(1);
    for (const bad of [0, -5, 1.5, '1000', Number.NaN, 2 ** 31, null, [1000]]) {
      const r = requestedMaxLength({ maxDocumentLength: bad });
      expect(r).toEqual({ error: expect.stringContaining('initializationOptions.maxDocumentLength must be a whole number of characters from 1 to 1073741824, not ') });
    }
    expect(requestedMaxLength({ maxDocumentLength: '1000' })).toEqual({ error: expect.stringMatching(/not "1000"$/) });
    expect(requestedMaxLength({ maxDocumentLength: Number.NaN })).toEqual({ error: expect.stringMatching(/not NaN$/) });
  });
});
