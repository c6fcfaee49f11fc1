import type { Diagnostic } from '../../src/diagnostics/index.js';

/** A diagnostic as one readable line: `line:col code message [fix]`, for snapshots. */
export function describeDiagnostic(d: Diagnostic): string {
  const fix = d.fix ? ` [fix: ${d.fix.edits.map((e) => JSON.stringify(e.newText)).join(', ')}]` : '';
  return `${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.code} ${d.message}${fix}`;
}
