import type { CstNode, IToken } from 'chevrotain';
import { buildAst } from '../ast/build.js';
import type { Program } from '../ast/types.js';
import { DiagnosticSink, type Diagnostic } from '../diagnostics/index.js';
import { lex, type Comment } from '../lexer/index.js';
import { SourceFile } from '../source/index.js';
import { findDepthViolations } from './depth.js';
import { parseDirect } from './direct.js';
import { reportParserErrors } from './errors.js';
import { NnParser } from './grammar.js';

export { NnParser } from './grammar.js';
export { maxBlockDepth, maxExpressionDepth } from './depth.js';

/** Everything the front end knows about one file's syntax. */
export interface ParseResult {
  readonly source: SourceFile;
  /** The AST; holes left by error recovery are `Missing` nodes. */
  readonly program: Program;
  /** The concrete syntax tree, for the formatter and the language server. */
  readonly cst: CstNode;
  /** The tokens the parser read (the lexer's, minus any stretch skipped for nesting too deep). */
  readonly tokens: IToken[];
  readonly comments: Comment[];
  /** Lexer and parser diagnostics (NN1xxx), de-duplicated and sorted. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Longer texts are refused with NN1022 before lexing; real `.nn` files are a few kilobytes. A
 * well-formed file takes the direct parser (a 5 MB one parses and checks in about 3.5 s of CPU),
 * but one with syntax errors goes through Chevrotain's recovery, about three times slower, and
 * 5 MB of garbage takes tens of seconds, so the limit stays at 2 million characters.
 */
export const maxSourceLength = 2_000_000;

/** At most this many parser errors are reported per file. */
export const maxParseErrors = 100;

/**
 * Building a Chevrotain parser costs a grammar analysis, so one instance is made on first use
 * and reused; `parser.input = tokens` resets all of its state, and parsing is synchronous, so
 * nothing leaks from one call to the next.
 */
let sharedParser: NnParser | undefined;
function parser(): NnParser {
  sharedParser ??= new NnParser();
  return sharedParser;
}

/**
 * Lexes and parses `.nn` source text and builds its AST. Never throws: syntax problems come back
 * as NN1xxx diagnostics (one mistake does not hide later ones), and an internal failure as NN9001.
 */
export function parse(text: string, file?: string): ParseResult {
  const source = new SourceFile(text, file);
  const sink = new DiagnosticSink(file);
  if (text.length > maxSourceLength) {
    sink.report('NN1022', source.range(0, 0), { size: text.length, limit: maxSourceLength });
    const program: Program = { kind: 'Program', file: source.path, decls: [], range: source.range(0, text.length) };
    return { source, program, cst: { name: 'program', children: {} }, tokens: [], comments: [], diagnostics: sink.diagnostics() };
  }
  const lexed = lex(source);
  sink.addAll(lexed.diagnostics);

  let tokens = lexed.tokens;
  const violations = findDepthViolations(tokens);
  if (violations.length > 0) {
    const kept: IToken[] = [];
    let from = 0;
    for (const v of violations) {
      const first = tokens[v.start]!;
      sink.report('NN1020', source.range(first.startOffset, first.startOffset + first.image.length), {
        what: v.what,
        limit: v.limit,
      });
      for (let i = from; i < v.start; i++) kept.push(tokens[i]!);
      from = v.end;
    }
    for (let i = from; i < tokens.length; i++) kept.push(tokens[i]!);
    tokens = kept;
  }

  // A well-formed file (the usual case) is parsed by the direct parser, and its CST is built
  // only if someone reads it; anything else goes to Chevrotain for recovery and diagnostics.
  if (violations.length === 0) {
    const program = parseDirect(tokens, source);
    if (program !== undefined) {
      let cst: CstNode | undefined;
      const parsedTokens = tokens;
      return {
        source,
        program,
        get cst(): CstNode {
          cst ??= concreteTree(parsedTokens);
          return cst;
        },
        tokens,
        comments: lexed.comments,
        diagnostics: sink.diagnostics(),
      };
    }
  }

  const p = parser();
  try {
    p.input = tokens;
    const cst = p.program();
    const errorCount = reportParserErrors(p.errors, tokens, source, sink, maxParseErrors);
    if (errorCount > maxParseErrors) sink.report('NN1021', source.range(0, 0), { limit: maxParseErrors });
    const program = buildAst(cst, source);
    return { source, program, cst, tokens, comments: lexed.comments, diagnostics: sink.diagnostics() };
  } catch (error) {
    sink.report('NN9001', source.range(0, 0), { stage: 'parser', detail: error instanceof Error ? error.message : String(error) });
    const program: Program = { kind: 'Program', file: source.path, decls: [], range: source.range(0, text.length) };
    const cst: CstNode = { name: 'program', children: {} };
    return { source, program, cst, tokens, comments: lexed.comments, diagnostics: sink.diagnostics() };
  } finally {
    // Drop references to this file's tokens so the shared parser does not keep them alive.
    p.input = [];
  }
}

/** The Chevrotain CST of tokens the direct parser accepted (so parsing them reports no errors). */
function concreteTree(tokens: IToken[]): CstNode {
  const p = parser();
  try {
    p.input = tokens;
    return p.program();
  } finally {
    p.input = [];
  }
}
