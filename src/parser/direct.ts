import type { IToken, TokenType } from 'chevrotain';
import type {
  Argument,
  BinaryOperator,
  CallExpr,
  Decl,
  Expr,
  Identifier,
  LayerStmt,
  ModelStmt,
  NameRef,
  Program,
  TrainEntry,
} from '../ast/types.js';
import { decodeString, numberValue } from '../lexer/literals.js';
import * as T from '../lexer/tokens.js';
import type { Position, Range, SourceFile } from '../source/index.js';

/**
 * The fast path of `parse`: a hand-written recursive-descent parser for the same grammar as
 * `NnParser` that builds the AST straight from the tokens, with no CST in between. It handles
 * well-formed token streams only: at the first token the grammar does not allow it gives up and
 * returns `undefined`, and `parse` falls back to the Chevrotain parser, whose error recovery and
 * diagnostics are the reference. On every stream it accepts, the AST is exactly the one
 * `buildAst` makes from the Chevrotain CST (test/parser/direct.test.ts checks this).
 *
 * The Chevrotain parser with its CST spends most of the front end's time building and collecting
 * CST nodes; this path allocates only the AST. Nesting is bounded before it runs
 * (`findDepthViolations`), so its recursion cannot exhaust the stack.
 */
export function parseDirect(tokens: readonly IToken[], source: SourceFile): Program | undefined {
  try {
    return new DirectParser(tokens, source).program();
  } catch (error) {
    if (error === giveUp) return undefined;
    throw error;
  }
}

/** Thrown (never escapes `parseDirect`) when the tokens are not a well-formed program. */
const giveUp: unique symbol = Symbol('giveUp');

function isBinaryOperator(type: TokenType | undefined): boolean {
  return type === T.Plus || type === T.Minus || type === T.Star || type === T.Slash || type === T.Percent;
}

/** Tokens that can start an operand (signs included). */
function startsOperand(type: TokenType | undefined): boolean {
  return (
    type === T.Identifier ||
    type === T.NumberLiteral ||
    type === T.StringLiteral ||
    type === T.LBracket ||
    type === T.LParen ||
    type === T.Plus ||
    type === T.Minus ||
    type === T.True ||
    type === T.False
  );
}

function end(t: IToken): number {
  return t.startOffset + t.image.length;
}

/** `* / %` bind tighter than `+ -`. */
function precedence(op: string): number {
  return op === '+' || op === '-' ? 1 : 2;
}

class DirectParser {
  private i = 0;
  /** 0-based index of the line of the last position computed. */
  private line = 0;

  constructor(
    private readonly tokens: readonly IToken[],
    private readonly source: SourceFile,
  ) {}

  /**
   * The position of a token's first character. Tokens are visited in order, so a line cursor
   * that only moves forward replaces a binary search per position.
   */
  private position(offset: number): Position {
    const starts = this.source.lineStarts;
    let line = this.line;
    if (starts[line]! > offset) return this.source.position(offset);
    while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
    this.line = line;
    return { line: line + 1, column: offset - starts[line]! + 1 };
  }

  /** The range of one token (which never spans lines: strings and names are single-line). */
  private tokenRange(t: IToken): Range {
    const start = this.position(t.startOffset);
    return { start, end: { line: start.line, column: start.column + t.image.length }, startOffset: t.startOffset, endOffset: end(t) };
  }

  /** From the start of `first` to the end of `last`; composite nodes share their parts' positions. */
  private span(first: Range, last: Range): Range {
    return { start: first.start, end: last.end, startOffset: first.startOffset, endOffset: last.endOffset };
  }

  /** From the start of `first` to the end of token `close`. */
  private spanTo(first: Range, close: IToken): Range {
    return this.span(first, this.tokenRange(close));
  }

  private peekType(ahead = 0): TokenType | undefined {
    return this.tokens[this.i + ahead]?.tokenType;
  }

  private expect(type: TokenType): IToken {
    const t = this.tokens[this.i];
    if (t === undefined || t.tokenType !== type) throw giveUp;
    this.i++;
    return t;
  }

  private identifier(t: IToken): Identifier {
    return { kind: 'Identifier', name: t.image, range: this.tokenRange(t) };
  }

  program(): Program {
    const decls: Decl[] = [];
    while (this.i < this.tokens.length) {
      const type = this.peekType();
      if (type === T.Let) decls.push(this.letDecl());
      else if (type === T.Model) decls.push(this.modelDecl());
      else if (type === T.Train) decls.push(this.trainDecl());
      else throw giveUp;
    }
    return { kind: 'Program', file: this.source.path, decls, range: this.source.range(0, this.source.text.length) };
  }

  private letDecl(): Decl {
    const kw = this.tokenRange(this.expect(T.Let));
    const name = this.identifier(this.expect(T.Identifier));
    this.expect(T.Equals);
    const value = this.expression();
    return { kind: 'Let', name, value, range: this.span(kw, value.range) };
  }

  private modelDecl(): Decl {
    const kw = this.tokenRange(this.expect(T.Model));
    const name = this.identifier(this.expect(T.Identifier));
    const body = this.block();
    return { kind: 'Model', name, body, range: this.spanTo(kw, this.tokens[this.i - 1]!) };
  }

  /** `{ stmt* }`; the closing brace is the previous token afterwards. */
  private block(): ModelStmt[] {
    this.expect(T.LCurly);
    const stmts: ModelStmt[] = [];
    for (;;) {
      const type = this.peekType();
      if (type === T.RCurly) break;
      if (type === T.Input) {
        const kw = this.tokenRange(this.tokens[this.i++]!);
        const shape = this.expression();
        stmts.push({ kind: 'Input', shape, range: this.span(kw, shape.range) });
      } else if (type === T.Repeat) {
        const kw = this.tokenRange(this.tokens[this.i++]!);
        const count = this.expression();
        const body = this.block();
        stmts.push({ kind: 'Repeat', count, body, range: this.spanTo(kw, this.tokens[this.i - 1]!) });
      } else if (type === T.Residual) {
        const kw = this.tokenRange(this.tokens[this.i++]!);
        const body = this.block();
        stmts.push({ kind: 'Residual', body, range: this.spanTo(kw, this.tokens[this.i - 1]!) });
      } else if (type === T.Identifier) {
        stmts.push(this.layerStmt());
      } else throw giveUp;
    }
    this.i++;
    return stmts;
  }

  private layerStmt(): LayerStmt {
    if (this.peekType(1) === T.Colon) {
      const label = this.identifier(this.tokens[this.i]!);
      this.i += 2;
      const layer = this.nameOrCall();
      return { kind: 'Layer', label, layer, range: this.span(label.range, layer.range) };
    }
    const layer = this.nameOrCall();
    return { kind: 'Layer', layer, range: layer.range };
  }

  private trainDecl(): Decl {
    const kw = this.tokenRange(this.expect(T.Train));
    const model = this.identifier(this.expect(T.Identifier));
    this.expect(T.LCurly);
    const entries: TrainEntry[] = [];
    while (this.peekType() === T.Identifier) {
      const key = this.identifier(this.tokens[this.i++]!);
      this.expect(T.Colon);
      const value = this.expression();
      entries.push({ kind: 'TrainEntry', key, value, range: this.span(key.range, value.range) });
      if (this.peekType() === T.Comma) this.i++;
    }
    const close = this.expect(T.RCurly);
    return { kind: 'Train', model, entries, range: this.spanTo(kw, close) };
  }

  /** `operand (op operand)*` with precedence applied by an operator stack, as `buildAst` does. */
  private expression(): Expr {
    const first = this.operand();
    if (!isBinaryOperator(this.peekType())) return first;
    const values: Expr[] = [first];
    const pending: string[] = [];
    while (isBinaryOperator(this.peekType())) {
      const op = this.tokens[this.i++]!.image;
      while (pending.length > 0 && precedence(pending[pending.length - 1]!) >= precedence(op)) this.reduce(values, pending);
      pending.push(op);
      values.push(this.operand());
    }
    while (pending.length > 0) this.reduce(values, pending);
    return values[0]!;
  }

  private reduce(values: Expr[], pending: string[]): void {
    const op = pending.pop() as BinaryOperator;
    const right = values.pop()!;
    const left = values.pop()!;
    values.push({ kind: 'Binary', op, left, right, range: this.span(left.range, right.range) });
  }

  private operand(): Expr {
    const type = this.peekType();
    if (type === T.Plus || type === T.Minus) {
      const sign = this.tokens[this.i++]!;
      const signRange = this.tokenRange(sign);
      const operand = this.operand();
      return { kind: 'Unary', op: sign.image as '-' | '+', operand, range: this.span(signRange, operand.range) };
    }
    const t = this.tokens[this.i];
    if (t === undefined) throw giveUp;
    if (type === T.Identifier) return this.nameOrCall();
    if (type === T.NumberLiteral) {
      this.i++;
      return { kind: 'Number', value: numberValue(t.image), raw: t.image, range: this.tokenRange(t) };
    }
    if (type === T.StringLiteral) {
      this.i++;
      return { kind: 'String', value: decodeString(t.image).value, raw: t.image, range: this.tokenRange(t) };
    }
    if (type === T.True || type === T.False) {
      this.i++;
      return { kind: 'Boolean', value: type === T.True, range: this.tokenRange(t) };
    }
    if (type === T.LBracket) return this.list();
    if (type === T.LParen) {
      this.i++;
      const open = this.tokenRange(t);
      const expr = this.expression();
      return { kind: 'Paren', expr, range: this.spanTo(open, this.expect(T.RParen)) };
    }
    throw giveUp;
  }

  /** `[a, b, c]`, trailing comma allowed. */
  private list(): Expr {
    const open = this.tokenRange(this.expect(T.LBracket));
    const items: Expr[] = [];
    while (this.peekType() !== T.RBracket) {
      if (!startsOperand(this.peekType())) throw giveUp;
      items.push(this.expression());
      if (this.peekType() !== T.Comma) break;
      this.i++;
    }
    const close = this.expect(T.RBracket);
    return { kind: 'List', items, range: this.spanTo(open, close) };
  }

  /** `name` or `name(args)`, trailing comma allowed; arguments are `value` or `key: value`. */
  private nameOrCall(): CallExpr | NameRef {
    const name = this.identifier(this.expect(T.Identifier));
    if (this.peekType() !== T.LParen) return { kind: 'Name', name, range: name.range };
    this.i++;
    const args: Argument[] = [];
    while (this.peekType() !== T.RParen) {
      if (!startsOperand(this.peekType())) throw giveUp;
      if (this.peekType() === T.Identifier && this.peekType(1) === T.Colon) {
        const key = this.identifier(this.tokens[this.i]!);
        this.i += 2;
        const value = this.expression();
        args.push({ kind: 'Argument', name: key, value, range: this.span(key.range, value.range) });
      } else {
        const value = this.expression();
        args.push({ kind: 'Argument', value, range: value.range });
      }
      if (this.peekType() !== T.Comma) break;
      this.i++;
    }
    const close = this.expect(T.RParen);
    return { kind: 'Call', callee: name, args, range: this.spanTo(name.range, close) };
  }
}
