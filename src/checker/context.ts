import type { Identifier, LetDecl } from '../ast/types.js';
import { nearestName } from '../builtins/index.js';
import type { DiagnosticCode, DiagnosticSink, Fix } from '../diagnostics/index.js';
import type { Range, SourceFile } from '../source/index.js';
import type { BuiltinKind } from './types.js';

/** State of one `check` run, passed down explicitly (never module state). */
export interface CheckContext {
  readonly sink: DiagnosticSink;
  readonly source?: SourceFile;
  /** The first `let` of each name. */
  readonly lets: ReadonlyMap<string, LetDecl>;
  /** Folded constants; `null` for a constant whose value is an error (already reported). */
  readonly letValues: Map<string, number | null>;
  /** Constants being evaluated, in order, to detect cycles. */
  readonly evaluating: string[];
}

/** A fix that replaces `range` with `text`. */
export function replaceFix(title: string, range: Range, text: string): Fix {
  return { title, edits: [{ range, newText: text }] };
}

/**
 * Reports an unknown name with the nearest candidate as `; did you mean 'x'?` in the message and
 * as a fix replacing the identifier.
 */
export function reportUnknown(
  ctx: CheckContext,
  code: DiagnosticCode,
  id: Identifier,
  candidates: Iterable<string>,
  args: Readonly<Record<string, string | number>> = {},
): void {
  const near = nearestName(id.name, candidates);
  ctx.sink.report(
    code,
    id.range,
    { name: id.name, ...args, suggestion: near ? `; did you mean '${near}'?` : '' },
    near ? { fix: replaceFix(`replace with '${near}'`, id.range, near) } : {},
  );
}

/** `a layer`, `an initializer`, ... for messages. */
export function kindPhrase(kind: BuiltinKind): string {
  const words: Record<BuiltinKind, string> = {
    layer: 'a layer',
    activation: 'an activation',
    initializer: 'an initializer',
    regularizer: 'a regularizer',
    clip: 'a clip rule',
    optimizer: 'an optimizer',
    schedule: 'a schedule',
    loss: 'a loss',
    metric: 'a metric',
    data: 'a data source',
    early_stop: 'an early-stop rule',
  };
  return words[kind];
}

/** The kind name without article, for `unknown {kind}`. */
export function kindWord(kind: BuiltinKind): string {
  return kindPhrase(kind).replace(/^an? /, '');
}
