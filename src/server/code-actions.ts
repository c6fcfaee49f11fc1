import { CodeActionKind, type CodeAction, type Range as LspRange } from 'vscode-languageserver';
import { toLspRange, type DocumentAnalysis } from './analysis.js';
import { toLspDiagnostic } from './diagnostics.js';

const overlaps = (a: LspRange, b: LspRange): boolean => {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }): boolean => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
};

/**
 * A quick fix for every checker diagnostic with a machine-applicable `fix` whose range touches
 * the requested range: the nearest name, a matching initializer, the keep-probability, and so on.
 */
export function codeActions(analysis: DocumentAnalysis, range: LspRange): CodeAction[] {
  return analysis.front.diagnostics.flatMap((d): CodeAction[] => {
    if (!d.fix || !overlaps(toLspRange(d.range), range)) return [];
    return [
      {
        title: d.fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(d, analysis.uri)],
        isPreferred: true,
        edit: { changes: { [analysis.uri]: d.fix.edits.map((e) => ({ range: toLspRange(e.range), newText: e.newText })) } },
      },
    ];
  });
}
