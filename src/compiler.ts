import type { CheckResult } from './checker/types.js';
import { check } from './checker/index.js';
import { parse } from './parser/index.js';
import { DiagnosticSink, normalizeDiagnostics, type Diagnostic } from './diagnostics/index.js';
import { fileStartRange, SourceFile } from './source/index.js';

/** What the front end produces for one file: the parse, the checked program, all diagnostics. */
export interface FrontEndResult {
  readonly source: SourceFile;
  readonly parsed: ReturnType<typeof parse>;
  readonly checked: CheckResult;
  readonly diagnostics: readonly Diagnostic[];
  readonly hasErrors: boolean;
}

/**
 * lex -> parse -> buildAst -> check, for one file. Never throws: a bug in a stage becomes an
 * NN9001 internal-error diagnostic beside whatever the stages did report.
 */
export function checkText(text: string, file = '<input>'): FrontEndResult {
  const parsed = parse(text, file);
  const internal = new DiagnosticSink(file);
  let checked: CheckResult;
  try {
    checked = check(parsed.program, parsed.source);
  } catch (e) {
    internal.report('NN9001', fileStartRange, { stage: 'checker', detail: e instanceof Error ? e.message : String(e) });
    checked = {
      program: { file, ast: parsed.program, constants: new Map(), models: [], trains: [] },
      diagnostics: [],
    };
  }
  const diagnostics = normalizeDiagnostics([...parsed.diagnostics, ...checked.diagnostics, ...internal.diagnostics()]);
  return {
    source: parsed.source,
    parsed,
    checked,
    diagnostics,
    hasErrors: diagnostics.some((d) => d.severity === 'error'),
  };
}
