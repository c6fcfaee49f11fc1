import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../diagnostics/index.js';
import { toLspRange, type DocumentAnalysis } from './analysis.js';

const severities: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * One checker diagnostic as an LSP diagnostic: same code, severity, range and message; hints
 * follow the message on their own lines (as `nn check` prints them), related places become
 * related information in the same document.
 */
export function toLspDiagnostic(d: Diagnostic, uri: string): LspDiagnostic {
  const hints = d.hints.map((h) => `\nhint: ${h}`).join('');
  return {
    range: toLspRange(d.range),
    severity: severities[d.severity],
    code: d.code,
    source: 'nn',
    message: `${d.message}${hints}`,
    ...(d.related.length > 0
      ? { relatedInformation: d.related.map((r) => ({ location: { uri, range: toLspRange(r.range) }, message: r.message })) }
      : {}),
  };
}

/** The document's diagnostics, in the checker's order. */
export function documentDiagnostics(analysis: DocumentAnalysis): LspDiagnostic[] {
  return analysis.front.diagnostics.map((d) => toLspDiagnostic(d, analysis.uri));
}
