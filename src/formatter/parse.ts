import type { Program } from '../ast/types.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { parse } from '../parser/index.js';
import type { SourceFile } from '../source/index.js';
import { attachComments, type CommentAttachment } from './comments.js';

/** What the prettier parser `nn` hands to the printer: the AST, its source and where each comment goes. */
export interface NnRoot {
  readonly kind: 'Root';
  readonly program: Program;
  readonly source: SourceFile;
  readonly attachment: CommentAttachment;
}

/**
 * Thrown instead of formatting a file with syntax errors, so that no text is ever dropped.
 * `loc` (1-based line and column) is what prettier reads to show a code frame.
 */
export class NnSyntaxError extends Error {
  readonly loc: { readonly start: { line: number; column: number }; readonly end: { line: number; column: number } };

  constructor(readonly diagnostic: Diagnostic) {
    const { line, column } = diagnostic.range.start;
    super(`${line}:${column}: ${diagnostic.message} (${diagnostic.code}); not formatted`);
    this.name = 'NnSyntaxError';
    this.loc = { start: diagnostic.range.start, end: diagnostic.range.end };
  }
}

/** Parses `.nn` text for prettier. Throws {@link NnSyntaxError} at the first syntax error. */
export function parseForFormat(text: string): NnRoot {
  const result = parse(text);
  const error = result.diagnostics.find((d) => d.severity === 'error');
  if (error) throw new NnSyntaxError(error);
  const attachment = attachComments(result.program, result.comments, result.source, result.tokens);
  return { kind: 'Root', program: result.program, source: result.source, attachment };
}
