import { EOF, tokenMatcher, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { DiagnosticSink, RelatedLocation } from '../diagnostics/index.js';
import { firstTokenAtOrAfter } from '../lexer/index.js';
import * as T from '../lexer/tokens.js';
import type { Range, SourceFile } from '../source/index.js';
import type { ParserErrorDetail } from './grammar.js';

/**
 * Turns Chevrotain's recognition exceptions into coded diagnostics with messages that name the
 * construct ("expected ')' to close the call to dense, found 'relu'"), a range, related
 * locations and, for unclosed brackets, a fix.
 */
export function reportParserErrors(
  errors: readonly IRecognitionException[],
  tokens: readonly IToken[],
  source: SourceFile,
  sink: DiagnosticSink,
  limit: number,
): number {
  let reported = 0;
  for (const error of errors) {
    if (reported >= limit) break;
    reportOne(error, tokens, source, sink);
    reported++;
  }
  return errors.length;
}

const closerFor = new Map<TokenType, TokenType>([
  [T.RParen, T.LParen],
  [T.RBracket, T.LBracket],
  [T.RCurly, T.LCurly],
]);
const closerText = new Map<TokenType, string>([
  [T.RParen, ')'],
  [T.RBracket, ']'],
  [T.RCurly, '}'],
]);
const openers = new Set<TokenType>([T.LParen, T.LBracket, T.LCurly]);
const topLevelKeywords = new Set<TokenType>([T.Let, T.Model, T.Train]);
const keywordTypes = new Set<TokenType>(Object.values(T.keywordTokens));

/** Where in the grammar an error happened, as words for the message. */
const ruleContext: Readonly<Record<string, string>> = {
  program: 'at the top level',
  letDecl: 'in a `let` declaration',
  modelDecl: 'after `model`',
  block: 'in a block',
  modelStmt: 'in a model body',
  inputStmt: 'after `input`',
  repeatStmt: 'after `repeat`',
  residualStmt: 'after `residual`',
  layerStmt: 'in a layer',
  trainDecl: 'in a `train` block',
  trainEntry: 'in a train entry',
  expression: 'in an expression',
  operand: 'in an expression',
  list: 'in a list',
  paren: 'in parentheses',
  nameOrCall: 'in a call',
  argument: 'in an argument',
};

/** Words for where a value was expected, from the innermost rule that wants one. */
const valueContext: Readonly<Record<string, string>> = {
  letDecl: 'after `=`',
  inputStmt: 'for the input shape',
  repeatStmt: 'for the repeat count',
  trainEntry: 'for the train entry',
  list: 'in the list',
  paren: 'in the parentheses',
  argument: 'for the argument',
};

function parseDetail(message: string): ParserErrorDetail | undefined {
  try {
    return JSON.parse(message) as ParserErrorDetail;
  } catch {
    return undefined;
  }
}

function isEof(token: IToken): boolean {
  return token.tokenType === EOF || !Number.isFinite(token.startOffset);
}

function describe(token: IToken): string {
  if (isEof(token)) return 'the end of the file';
  if (keywordTypes.has(token.tokenType)) return `the keyword \`${token.image}\``;
  const image = token.image.length > 24 ? `${token.image.slice(0, 21)}...` : token.image;
  return `'${image}'`;
}

function tokenRange(token: IToken, source: SourceFile): Range {
  if (isEof(token)) return source.range(source.text.length, source.text.length);
  return source.range(token.startOffset, token.startOffset + token.image.length);
}

/** The innermost unclosed opener of `kind` before token index `before`, skipping balanced pairs. */
function unclosedOpener(tokens: readonly IToken[], before: number, kind: TokenType): number | undefined {
  let depth = 0;
  for (let i = before - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (closerFor.has(type)) depth++;
    else if (openers.has(type)) {
      if (depth === 0) return type === kind ? i : undefined;
      depth--;
    }
  }
  return undefined;
}

/** Words for what the opener at `index` opens: "the call to dense", "the body of model Mnist". */
function describeOpener(tokens: readonly IToken[], index: number): string {
  const open = tokens[index]!;
  const prev = tokens[index - 1];
  if (open.tokenType === T.LParen) return prev?.tokenType === T.Identifier ? `the call to ${prev.image}` : "the '('";
  if (open.tokenType === T.LBracket) return 'the list';
  const keywordBefore = (k: TokenType, back: number) => tokens[index - back]?.tokenType === k;
  if (prev?.tokenType === T.Identifier && keywordBefore(T.Model, 2)) return `the body of model ${prev.image}`;
  if (prev?.tokenType === T.Identifier && keywordBefore(T.Train, 2)) return `the train block of ${prev.image}`;
  if (prev?.tokenType === T.Residual) return 'the residual block';
  return 'the block';
}

function reportOne(error: IRecognitionException, tokens: readonly IToken[], source: SourceFile, sink: DiagnosticSink): void {
  const detail = parseDetail(error.message);
  const found = error.token;
  const range = tokenRange(found, source);
  const foundText = describe(found);
  const ruleStack = error.context?.ruleStack ?? [];
  const rule = detail?.rule ?? ruleStack[ruleStack.length - 1] ?? 'program';
  const context = ruleContext[rule] ?? '';
  const foundIndex = isEof(found) ? tokens.length : firstTokenAtOrAfter(tokens, found.startOffset);

  if (detail?.kind === 'mismatch') {
    const expected = T.allTokens.find((t) => t.name === detail.expected);
    const opener = expected ? closerFor.get(expected) : undefined;
    const inRepetition = rule === 'block' || rule === 'trainDecl';
    const looksUnclosed = isEof(found) || topLevelKeywords.has(found.tokenType) || !inRepetition;
    if (expected && opener && found.tokenType === T.Comma) {
      // `f(,)` or `[1,,2]`: an empty element, not a missing bracket.
      sink.report('NN1012', range, { context: rule === 'list' ? 'in the list' : 'for the argument', found: foundText });
      return;
    }
    if (expected && opener && looksUnclosed) {
      const openIndex = unclosedOpener(tokens, foundIndex, opener);
      const close = closerText.get(expected)!;
      const what = openIndex !== undefined ? describeOpener(tokens, openIndex) : `the ${close === '}' ? 'block' : 'bracket'}`;
      const prev = tokens[foundIndex - 1];
      const at = prev ? prev.startOffset + prev.image.length : range.startOffset;
      const related: RelatedLocation[] =
        openIndex !== undefined ? [{ range: tokenRange(tokens[openIndex]!, source), message: `${what} starts here` }] : [];
      sink.report('NN1011', range, { close, what, found: foundText }, {
        related,
        fix: { title: `Insert '${close}'`, edits: [{ range: source.range(at, at), newText: close }] },
      });
      return;
    }
    if (expected === EOF || rule === 'program') {
      sink.report('NN1013', range, { found: foundText });
      return;
    }
    if (rule === 'block' && expected === T.RCurly) {
      sink.report('NN1014', range, { block: blockName(tokens, foundIndex), found: foundText });
      return;
    }
    if (rule === 'trainDecl' && expected === T.RCurly) {
      sink.report('NN1015', range, { found: foundText });
      return;
    }
    if (expected === T.Identifier && keywordTypes.has(found.tokenType)) {
      sink.report('NN1016', range, { found: `\`${found.image}\`` });
      return;
    }
    const label = expected?.LABEL ?? detail.expected;
    sink.report('NN1010', range, { expected: label, context, found: foundText });
    return;
  }

  if (rule === 'program' || detail?.kind === 'notAllInput') {
    sink.report('NN1013', range, { found: foundText });
    return;
  }
  if (rule === 'modelStmt') {
    sink.report('NN1014', range, { block: blockName(tokens, foundIndex), found: foundText });
    return;
  }
  // No viable alternative for a value.
  const wanting = [...ruleStack].reverse().find((r) => valueContext[r] !== undefined);
  sink.report('NN1012', range, { context: wanting ? valueContext[wanting]! : context, found: foundText });
}

/** Words for the innermost block around token index `at`. */
function blockName(tokens: readonly IToken[], at: number): string {
  const open = unclosedOpener(tokens, at, T.LCurly);
  return open !== undefined ? describeOpener(tokens, open) : 'the block';
}

export { tokenMatcher };
