import type { SourceFile } from '../source/index.js';
import type { Diagnostic, Severity } from './types.js';

/** Colour functions for terminal output; identity functions when colour is off. */
export interface Palette {
  readonly error: (s: string) => string;
  readonly warning: (s: string) => string;
  readonly info: (s: string) => string;
  readonly hint: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

const plain = (s: string): string => s;

/** No colours: what files, pipes and tests get. */
export const plainPalette: Palette = { error: plain, warning: plain, info: plain, hint: plain, bold: plain, dim: plain };

function paint(p: Palette, severity: Severity, s: string): string {
  return p[severity](s);
}

/**
 * Renders one diagnostic as a code frame, the way rustc and tsc do:
 *
 * ```
 * model.nn:3:3: error[NN2001]: unknown layer `rleu`
 *   3 |   rleu
 *     |   ^^^^
 *   = hint: did you mean `relu`?
 * ```
 */
export function renderDiagnostic(d: Diagnostic, source: SourceFile | undefined, palette: Palette = plainPalette): string {
  const file = d.file ?? source?.path ?? '<input>';
  const { line, column } = d.range.start;
  const head = `${palette.bold(`${file}:${line}:${column}:`)} ${paint(palette, d.severity, `${d.severity}[${d.code}]`)}: ${palette.bold(d.message)}`;
  const out = [head];
  if (source && line <= source.lineCount) {
    const text = source.lineText(line).replace(/\t/g, ' ');
    const gutter = String(Math.max(line, d.range.end.line)).length;
    const endColumn = d.range.end.line === line ? d.range.end.column : text.length + 1;
    const width = Math.max(1, endColumn - column);
    out.push(`${palette.dim(`${String(line).padStart(gutter)} |`)} ${text}`);
    out.push(`${palette.dim(`${' '.repeat(gutter)} |`)} ${' '.repeat(Math.max(0, column - 1))}${paint(palette, d.severity, '^'.repeat(width))}`);
  }
  for (const hint of d.hints) out.push(`  = hint: ${hint}`);
  if (d.fix) out.push(`  = fix: ${d.fix.title}`);
  for (const r of d.related) out.push(`  = note: ${r.file ?? file}:${r.range.start.line}:${r.range.start.column}: ${r.message}`);
  return out.join('\n');
}

/** A count line such as `2 errors, 1 warning`, or `no problems`. */
export function renderSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors === 0 && warnings === 0) return 'no problems';
  const parts: string[] = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** The contract's JSON form of a diagnostic (`nn check --json`): 1-based, `end` exclusive. */
export interface DiagnosticJson {
  file: string;
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
  severity: Severity;
  code: string;
  message: string;
  hint?: string;
}

export function diagnosticToJson(d: Diagnostic, file: string): DiagnosticJson {
  const json: DiagnosticJson = {
    file: d.file ?? file,
    range: {
      start: { line: d.range.start.line, column: d.range.start.column },
      end: { line: d.range.end.line, column: d.range.end.column },
    },
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
  const hints = [...d.hints, ...(d.fix ? [d.fix.title] : [])];
  if (hints.length) json.hint = hints.join('; ');
  return json;
}
