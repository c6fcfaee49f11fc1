import { Lexer, type IToken } from 'chevrotain';
import { DiagnosticSink } from '../diagnostics/index.js';
import type { Diagnostic } from '../diagnostics/index.js';
import type { Range, SourceFile } from '../source/index.js';
import { decodeString } from './literals.js';
import { allTokens, BlockComment, NumberLiteral, StringLiteral } from './tokens.js';

export * from './tokens.js';
export { decodeString, numberValue, quoteString, type DecodedString, type EscapeProblem } from './literals.js';

/**
 * Index of the first item starting at or after `offset` in `items` sorted by start offset
 * (`items.length` if none): a binary search shared by the parser's messages and the formatter.
 */
export function firstAtOrAfter<T>(items: readonly T[], offset: number, startOf: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startOf(items[mid]!) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first token starting at or after `offset`. */
export function firstTokenAtOrAfter(tokens: readonly IToken[], offset: number): number {
  return firstAtOrAfter(tokens, offset, (t) => t.startOffset);
}

/** A comment, kept out of the token stream for the formatter and the language server. */
export interface Comment {
  readonly kind: 'line' | 'block';
  /** The text as written, delimiters included (`// ...`, `/* ... *\/`). */
  readonly text: string;
  readonly range: Range;
}

/** The lexer's product. Tokens carry 0-based offsets only; `SourceFile` turns them into positions. */
export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

/** At most this many lexer errors are reported per file; a binary file would otherwise yield millions. */
export const maxLexErrors = 100;

// Immutable after construction: Chevrotain keeps no state between `tokenize` calls.
const nnLexer = new Lexer(allTokens as never, { positionTracking: 'onlyOffset', ensureOptimizations: true });

/** Splits a source file into tokens and comments, reporting bad characters and malformed literals. */
export function lex(source: SourceFile): LexResult {
  const sink = new DiagnosticSink(source.path === '<input>' ? undefined : source.path);
  const result = nnLexer.tokenize(source.text);
  let reported = 0;
  const limited = (report: () => void): void => {
    if (reported < maxLexErrors) report();
    else if (reported === maxLexErrors) sink.report('NN1021', source.range(0, 0), { limit: maxLexErrors });
    reported++;
  };

  for (const error of result.errors) {
    const start = error.offset;
    limited(() => {
      const text = source.text.slice(start, start + error.length);
      sink.report('NN1001', source.range(start, start + error.length), { text: JSON.stringify(text) }, {
        fix: { title: 'Remove the characters', edits: [{ range: source.range(start, start + error.length), newText: '' }] },
      });
    });
  }

  for (const token of result.tokens) {
    if (token.tokenType === StringLiteral) {
      const decoded = decodeString(token.image);
      if (!decoded.terminated) {
        const end = token.startOffset + token.image.length;
        limited(() =>
          sink.report('NN1002', source.range(token.startOffset, end), {}, {
            fix: { title: 'Close the string', edits: [{ range: source.range(end, end), newText: '"' }] },
          }),
        );
      }
      for (const p of decoded.problems) {
        limited(() =>
          sink.report('NN1004', source.range(token.startOffset + p.start, token.startOffset + p.end), {
            text: JSON.stringify(p.text),
          }),
        );
      }
    } else if (token.tokenType === NumberLiteral && token.image.startsWith('.')) {
      const range = source.range(token.startOffset, token.startOffset + token.image.length);
      limited(() =>
        sink.report('NN1005', range, { text: token.image, fixed: `0${token.image}` }, {
          fix: { title: `Write 0${token.image}`, edits: [{ range, newText: `0${token.image}` }] },
        }),
      );
    }
  }

  const comments: Comment[] = (result.groups['comments'] ?? []).map((token) => {
    const end = token.startOffset + token.image.length;
    if (token.tokenType === BlockComment && !(token.image.length >= 4 && token.image.endsWith('*/'))) {
      limited(() =>
        sink.report('NN1003', source.range(token.startOffset, token.startOffset + 2), {}, {
          fix: { title: 'Close the comment at the end of the file', edits: [{ range: source.range(end, end), newText: ' */' }] },
        }),
      );
    }
    return {
      kind: token.tokenType === BlockComment ? 'block' : 'line',
      text: token.image,
      range: source.range(token.startOffset, end),
    } satisfies Comment;
  });

  return { tokens: result.tokens, comments, diagnostics: sink.diagnostics() };
}
