import type { IToken, TokenType } from 'chevrotain';
import * as T from '../lexer/tokens.js';

/** Blocks (`{`) may nest this deep. */
export const maxBlockDepth = 64;
/**
 * Brackets of every kind, plus the operators and signs of one expression chain (each of which
 * adds a level to the AST), may nest this deep.
 */
export const maxExpressionDepth = 256;

/** A stretch of tokens skipped because it nests too deep. */
export interface DepthViolation {
  /** Index of the first skipped token (the bracket or operator that went too deep). */
  readonly start: number;
  /** Index one past the last skipped token. */
  readonly end: number;
  readonly what: 'block' | 'expression';
  readonly limit: number;
}

const openers: ReadonlySet<TokenType> = new Set([T.LCurly, T.LParen, T.LBracket]);
const closers: ReadonlySet<TokenType> = new Set([T.RCurly, T.RParen, T.RBracket]);
const operators: ReadonlySet<TokenType> = new Set([T.Plus, T.Minus, T.Star, T.Slash, T.Percent]);
/** Tokens that end an expression chain at their level. */
const chainBreakers: ReadonlySet<TokenType> = new Set([
  T.Comma,
  T.Colon,
  T.Equals,
  ...Object.values(T.keywordTokens).filter((k) => k !== T.True && k !== T.False),
]);

/**
 * Finds the parts of a token stream that nest deeper than the limits, before the recursive
 * parser sees them, so that no stage after it can run out of stack. A violation covers the
 * too-deep bracket through its matching close (or the end of the file), or the rest of a
 * too-long operator chain. Linear in the number of tokens, with no recursion.
 */
export function findDepthViolations(tokens: readonly IToken[]): DepthViolation[] {
  const violations: DepthViolation[] = [];
  let blocks = 0;
  // chains[d]: operators seen in the current expression chain at bracket depth d.
  const chains: number[] = [0];
  let i = 0;
  while (i < tokens.length) {
    const type = tokens[i]!.tokenType;
    const depth = chains.length - 1;
    if (openers.has(type)) {
      const isBlock = type === T.LCurly;
      const tooManyBlocks = isBlock && blocks + 1 > maxBlockDepth;
      if (tooManyBlocks || depth + chains[depth]! + 1 > maxExpressionDepth) {
        const end = skipGroup(tokens, i);
        violations.push(
          tooManyBlocks
            ? { start: i, end, what: 'block', limit: maxBlockDepth }
            : { start: i, end, what: 'expression', limit: maxExpressionDepth },
        );
        i = end;
        continue;
      }
      chains.push(0);
      if (isBlock) blocks++;
    } else if (closers.has(type)) {
      if (chains.length > 1) chains.pop();
      if (type === T.RCurly && blocks > 0) blocks--;
      chains[chains.length - 1] = 0;
    } else if (operators.has(type)) {
      if (depth + chains[depth]! + 1 > maxExpressionDepth) {
        const end = skipChain(tokens, i);
        violations.push({ start: i, end, what: 'expression', limit: maxExpressionDepth });
        i = end;
        continue;
      }
      chains[depth]!++;
    } else if (chainBreakers.has(type)) {
      chains[depth] = 0;
    }
    i++;
  }
  return violations;
}

/** Index one past the bracket matching the opener at `open`, or the end of the tokens. */
function skipGroup(tokens: readonly IToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (openers.has(type)) depth++;
    else if (closers.has(type) && --depth === 0) return i + 1;
  }
  return tokens.length;
}

/** Index of the token that ends the chain continuing at `from` (a breaker or closer at its level). */
function skipChain(tokens: readonly IToken[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (openers.has(type)) depth++;
    else if (closers.has(type)) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && chainBreakers.has(type)) return i;
  }
  return tokens.length;
}
