import { check, type CheckResult } from '../../src/checker/index.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { parse } from '../../src/parser/index.js';

/** Parses and checks `text`; returns the check result plus parse + check diagnostics. */
export function checkText(text: string, file = 'test.nn'): CheckResult & { all: Diagnostic[]; syntax: Diagnostic[] } {
  const parsed = parse(text, file);
  const result = check(parsed.program, parsed.source);
  return { ...result, all: [...parsed.diagnostics, ...result.diagnostics], syntax: parsed.diagnostics };
}

/** The codes of the diagnostics, in order. */
export function codes(text: string): string[] {
  return checkText(text).all.map((d) => d.code);
}

/** `line:col severity[CODE] message` lines, for snapshots. */
export function rendered(text: string): string {
  return checkText(text)
    .all.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.severity}[${d.code}] ${d.message}${d.fix ? `  (fix: ${d.fix.edits.map((e) => JSON.stringify(e.newText)).join(', ')})` : ''}`)
    .join('\n');
}
