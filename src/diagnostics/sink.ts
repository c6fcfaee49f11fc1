import type { Range } from '../source/index.js';
import { formatMessage, messages, type DiagnosticCode } from './table.js';
import type { Diagnostic, Fix, MessageArgs, RelatedLocation, Severity } from './types.js';

export interface ReportOptions {
  readonly hints?: readonly string[];
  readonly related?: readonly RelatedLocation[];
  readonly fix?: Fix;
  /** Overrides the table's severity (rarely right; prefer a separate code). */
  readonly severity?: Severity;
}

/**
 * Collects diagnostics. One sink is created per pipeline run and passed down; stages never
 * keep diagnostics in module state.
 */
export class DiagnosticSink {
  private readonly items: Diagnostic[] = [];

  constructor(readonly file?: string) {}

  report(code: DiagnosticCode, range: Range, args: MessageArgs = {}, options: ReportOptions = {}): Diagnostic {
    const spec = messages[code];
    const diagnostic: Diagnostic = {
      code,
      severity: options.severity ?? spec.severity,
      message: formatMessage(spec.template, args),
      range,
      ...(this.file !== undefined ? { file: this.file } : {}),
      hints: options.hints ?? [],
      related: options.related ?? [],
      ...(options.fix ? { fix: options.fix } : {}),
    };
    this.items.push(diagnostic);
    return diagnostic;
  }

  /** Adds diagnostics produced elsewhere (another sink, another stage). */
  addAll(diagnostics: readonly Diagnostic[]): void {
    this.items.push(...diagnostics);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** The diagnostics, de-duplicated and sorted by position, then code. */
  diagnostics(): Diagnostic[] {
    return normalizeDiagnostics(this.items);
  }
}

/** De-duplicates (same code, range and message) and sorts by file, position, then code. */
export function normalizeDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of items) {
    const key = `${d.file ?? ''}\u0000${d.range.startOffset}\u0000${d.range.endOffset}\u0000${d.code}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      a.range.startOffset - b.range.startOffset ||
      a.range.endOffset - b.range.endOffset ||
      a.code.localeCompare(b.code),
  );
}
