import type { CstElement, CstNode, IToken } from 'chevrotain';
import { decodeString, numberValue } from '../lexer/literals.js';
import type { SourceFile } from '../source/index.js';
import type {
  Argument,
  BinaryOperator,
  CallExpr,
  Decl,
  Expr,
  Identifier,
  LayerStmt,
  Missing,
  ModelStmt,
  NameRef,
  Program,
  TrainEntry,
} from './types.js';

/**
 * THE conversion from the parser's concrete syntax tree to the AST. Every node gets the exact
 * source range of the text it came from; where the parser recovered from an error, a `Missing`
 * node (an empty range at the hole) stands in for what is absent. Never throws on a CST the
 * parser produced, however broken the input.
 */
export function buildAst(cst: CstNode, source: SourceFile): Program {
  return new AstBuilder(source).program(cst);
}

const none: never[] = [];

/** A real token: one the parser did not invent during recovery. */
function real(el: CstElement | undefined): IToken | undefined {
  return el !== undefined && 'image' in el && !el.isInsertedInRecovery && Number.isFinite(el.startOffset) ? el : undefined;
}

function tokenAt(node: CstNode, key: string, index = 0): IToken | undefined {
  return real(node.children[key]?.[index]);
}

function tokens(node: CstNode, key: string): IToken[] {
  const els = node.children[key] as IToken[] | undefined;
  if (els === undefined) return none;
  for (const t of els) if (!real(t)) return els.filter((e) => real(e) !== undefined);
  return els;
}

function nodeAt(node: CstNode, key: string, index = 0): CstNode | undefined {
  return (node.children[key] as CstNode[] | undefined)?.[index];
}

/** Sub-rule children: under a rule's name there are only CST nodes. */
function nodes(node: CstNode, key: string): CstNode[] {
  return (node.children[key] as CstNode[] | undefined) ?? none;
}

/** `* / %` bind tighter than `+ -`. */
function precedence(op: IToken): number {
  return op.image === '+' || op.image === '-' ? 1 : 2;
}

function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

class AstBuilder {
  constructor(private readonly source: SourceFile) {}

  program(cst: CstNode): Program {
    const decls: Decl[] = [
      ...nodes(cst, 'letDecl').map((n) => this.letDecl(n)),
      ...nodes(cst, 'modelDecl').map((n) => this.modelDecl(n)),
      ...nodes(cst, 'trainDecl').map((n) => this.trainDecl(n)),
    ].sort((a, b) => a.range.startOffset - b.range.startOffset);
    return { kind: 'Program', file: this.source.path, decls, range: this.source.range(0, this.source.text.length) };
  }

  private range(start: number, end: number) {
    return this.source.range(start, Math.max(start, end));
  }

  private missing(at: number): Missing {
    return { kind: 'Missing', range: this.range(at, at) };
  }

  private identifier(t: IToken): Identifier {
    return { kind: 'Identifier', name: t.image, range: this.range(t.startOffset, tokenEnd(t)) };
  }

  /** An identifier, or a hole named after its place (so later stages still have a name node). */
  private identifierOr(t: IToken | undefined, at: number): Identifier {
    return t ? this.identifier(t) : { kind: 'Identifier', name: '', range: this.range(at, at) };
  }

  private letDecl(n: CstNode): Decl {
    const kw = tokenAt(n, 'Let')!;
    const nameTok = tokenAt(n, 'Identifier');
    const eq = tokenAt(n, 'Equals');
    const afterName = eq ? tokenEnd(eq) : nameTok ? tokenEnd(nameTok) : tokenEnd(kw);
    const value = this.expressionOr(nodeAt(n, 'expression'), afterName);
    const end = Math.max(afterName, value.range.endOffset);
    return {
      kind: 'Let',
      name: this.identifierOr(nameTok, tokenEnd(kw)),
      value,
      range: this.range(kw.startOffset, end),
    };
  }

  private modelDecl(n: CstNode): Decl {
    const kw = tokenAt(n, 'Model')!;
    const nameTok = tokenAt(n, 'Identifier');
    const block = nodeAt(n, 'block');
    const body = block ? this.block(block) : { stmts: [], end: undefined };
    const end = body.end ?? (nameTok ? tokenEnd(nameTok) : tokenEnd(kw));
    return {
      kind: 'Model',
      name: this.identifierOr(nameTok, tokenEnd(kw)),
      body: body.stmts,
      range: this.range(kw.startOffset, end),
    };
  }

  /** The statements of a `{ ... }` block and the end offset of its last real token. */
  private block(n: CstNode): { stmts: ModelStmt[]; end: number | undefined } {
    const stmts: ModelStmt[] = [];
    for (const s of nodes(n, 'modelStmt')) {
      const stmt = this.modelStmt(s);
      if (stmt) stmts.push(stmt);
    }
    const close = tokenAt(n, 'RCurly');
    const open = tokenAt(n, 'LCurly');
    const last = stmts[stmts.length - 1];
    const end = close ? tokenEnd(close) : last ? last.range.endOffset : open ? tokenEnd(open) : undefined;
    return { stmts, end };
  }

  private modelStmt(n: CstNode): ModelStmt | undefined {
    const input = nodeAt(n, 'inputStmt');
    if (input) {
      const kw = tokenAt(input, 'Input')!;
      const shape = this.expressionOr(nodeAt(input, 'expression'), tokenEnd(kw));
      return { kind: 'Input', shape, range: this.range(kw.startOffset, shape.range.endOffset) };
    }
    const repeat = nodeAt(n, 'repeatStmt');
    if (repeat) {
      const kw = tokenAt(repeat, 'Repeat')!;
      const count = this.expressionOr(nodeAt(repeat, 'expression'), tokenEnd(kw));
      const block = nodeAt(repeat, 'block');
      const body = block ? this.block(block) : { stmts: [], end: undefined };
      return { kind: 'Repeat', count, body: body.stmts, range: this.range(kw.startOffset, body.end ?? count.range.endOffset) };
    }
    const residual = nodeAt(n, 'residualStmt');
    if (residual) {
      const kw = tokenAt(residual, 'Residual')!;
      const block = nodeAt(residual, 'block');
      const body = block ? this.block(block) : { stmts: [], end: undefined };
      return { kind: 'Residual', body: body.stmts, range: this.range(kw.startOffset, body.end ?? tokenEnd(kw)) };
    }
    const layer = nodeAt(n, 'layerStmt');
    if (layer) return this.layerStmt(layer);
    return undefined;
  }

  private layerStmt(n: CstNode): LayerStmt | undefined {
    const labelTok = tokenAt(n, 'label');
    const colon = tokenAt(n, 'Colon');
    const callNode = nodeAt(n, 'nameOrCall');
    const call = callNode ? this.nameOrCall(callNode) : undefined;
    if (!labelTok && !call) return undefined;
    const start = labelTok?.startOffset ?? call!.range.startOffset;
    const at = colon ? tokenEnd(colon) : labelTok ? tokenEnd(labelTok) : start;
    const layerNode = call ?? this.missing(at);
    const range = this.range(start, layerNode.range.endOffset);
    // Two literals rather than a conditional spread, which V8 builds slowly.
    return labelTok
      ? { kind: 'Layer', label: this.identifier(labelTok), layer: layerNode, range }
      : { kind: 'Layer', layer: layerNode, range };
  }

  private trainDecl(n: CstNode): Decl {
    const kw = tokenAt(n, 'Train')!;
    const nameTok = tokenAt(n, 'Identifier');
    const entries: TrainEntry[] = [];
    for (const e of nodes(n, 'trainEntry')) {
      const entry = this.trainEntry(e);
      if (entry) entries.push(entry);
    }
    const close = tokenAt(n, 'RCurly');
    const open = tokenAt(n, 'LCurly');
    const last = entries[entries.length - 1];
    const end = close
      ? tokenEnd(close)
      : last
        ? last.range.endOffset
        : open
          ? tokenEnd(open)
          : nameTok
            ? tokenEnd(nameTok)
            : tokenEnd(kw);
    return {
      kind: 'Train',
      model: this.identifierOr(nameTok, tokenEnd(kw)),
      entries,
      range: this.range(kw.startOffset, end),
    };
  }

  private trainEntry(n: CstNode): TrainEntry | undefined {
    const keyTok = tokenAt(n, 'Identifier');
    if (!keyTok) return undefined;
    const colon = tokenAt(n, 'Colon');
    const value = this.expressionOr(nodeAt(n, 'expression'), colon ? tokenEnd(colon) : tokenEnd(keyTok));
    // The optional `,` separator is not part of the entry.
    return {
      kind: 'TrainEntry',
      key: this.identifier(keyTok),
      value,
      range: this.range(keyTok.startOffset, Math.max(value.range.endOffset, tokenEnd(colon ?? keyTok))),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private expressionOr(n: CstNode | undefined, at: number): Expr {
    return n ? this.expression(n, at) : this.missing(at);
  }

  /**
   * `operand (op operand)*` with precedence applied: `* / %` bind tighter than `+ -`, and both
   * are left associative. Iterative (an operator stack), so a long chain costs no stack.
   */
  private expression(n: CstNode, at: number): Expr {
    const operandNodes = nodes(n, 'operand');
    const ops = tokens(n, 'op');
    const values: Expr[] = [this.operand(operandNodes[0], at)];
    const pending: IToken[] = [];
    const reduce = (): void => {
      const op = pending.pop()!;
      const right = values.pop()!;
      const left = values.pop()!;
      values.push({
        kind: 'Binary',
        op: op.image as BinaryOperator,
        left,
        right,
        range: this.range(left.range.startOffset, Math.max(right.range.endOffset, tokenEnd(op))),
      });
    };
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      while (pending.length > 0 && precedence(pending[pending.length - 1]!) >= precedence(op)) reduce();
      pending.push(op);
      values.push(this.operand(operandNodes[i + 1], tokenEnd(op)));
    }
    while (pending.length > 0) reduce();
    return values[0]!;
  }

  private operand(n: CstNode | undefined, at: number): Expr {
    if (!n) return this.missing(at);
    const signs = tokens(n, 'sign');
    const lastSign = signs[signs.length - 1];
    let expr = this.primary(n, lastSign ? tokenEnd(lastSign) : at);
    for (let i = signs.length - 1; i >= 0; i--) {
      const sign = signs[i]!;
      expr = {
        kind: 'Unary',
        op: sign.image as '-' | '+',
        operand: expr,
        range: this.range(sign.startOffset, Math.max(expr.range.endOffset, tokenEnd(sign))),
      };
    }
    return expr;
  }

  private primary(n: CstNode, at: number): Expr {
    const c = n.children;
    const num = real(c['NumberLiteral']?.[0]);
    if (num) return { kind: 'Number', value: numberValue(num.image), raw: num.image, range: this.range(num.startOffset, tokenEnd(num)) };
    const str = real(c['StringLiteral']?.[0]);
    if (str) {
      return { kind: 'String', value: decodeString(str.image).value, raw: str.image, range: this.range(str.startOffset, tokenEnd(str)) };
    }
    const bool = real(c['True']?.[0]) ?? real(c['False']?.[0]);
    if (bool) return { kind: 'Boolean', value: bool.image === 'true', range: this.range(bool.startOffset, tokenEnd(bool)) };
    const list = nodeAt(n, 'list');
    if (list) return this.list(list, at);
    const paren = nodeAt(n, 'paren');
    if (paren) return this.paren(paren, at);
    const call = nodeAt(n, 'nameOrCall');
    if (call) return this.nameOrCall(call) ?? this.missing(at);
    return this.missing(at);
  }

  private list(n: CstNode, at: number): Expr {
    const open = tokenAt(n, 'LBracket');
    if (!open) return this.missing(at);
    const items: Expr[] = [];
    let end = tokenEnd(open);
    for (const e of nodes(n, 'expression')) {
      const item = this.expression(e, end);
      items.push(item);
      end = Math.max(end, item.range.endOffset);
    }
    const close = tokenAt(n, 'RBracket');
    const commas = tokens(n, 'Comma');
    if (commas.length) end = Math.max(end, tokenEnd(commas[commas.length - 1]!));
    if (close) end = tokenEnd(close);
    return { kind: 'List', items, range: this.range(open.startOffset, end) };
  }

  private paren(n: CstNode, at: number): Expr {
    const open = tokenAt(n, 'LParen');
    if (!open) return this.missing(at);
    const expr = this.expressionOr(nodeAt(n, 'expression'), tokenEnd(open));
    const close = tokenAt(n, 'RParen');
    return { kind: 'Paren', expr, range: this.range(open.startOffset, close ? tokenEnd(close) : expr.range.endOffset) };
  }

  private nameOrCall(n: CstNode): CallExpr | NameRef | undefined {
    const nameTok = tokenAt(n, 'Identifier');
    if (!nameTok) return undefined;
    const name = this.identifier(nameTok);
    const open = tokenAt(n, 'LParen');
    if (!open) return { kind: 'Name', name, range: name.range };
    const args: Argument[] = [];
    let end = tokenEnd(open);
    for (const a of nodes(n, 'argument')) {
      const arg = this.argument(a, end);
      args.push(arg);
      end = Math.max(end, arg.range.endOffset);
    }
    const commas = tokens(n, 'Comma');
    if (commas.length) end = Math.max(end, tokenEnd(commas[commas.length - 1]!));
    const close = tokenAt(n, 'RParen');
    if (close) end = tokenEnd(close);
    return { kind: 'Call', callee: name, args, range: this.range(nameTok.startOffset, end) };
  }

  private argument(n: CstNode, at: number): Argument {
    const keyTok = tokenAt(n, 'key');
    const colon = tokenAt(n, 'Colon');
    const valueAt = colon ? tokenEnd(colon) : keyTok ? tokenEnd(keyTok) : at;
    const value = this.expressionOr(nodeAt(n, 'expression'), valueAt);
    const start = keyTok?.startOffset ?? value.range.startOffset;
    const range = this.range(start, Math.max(value.range.endOffset, valueAt));
    return keyTok ? { kind: 'Argument', name: this.identifier(keyTok), value, range } : { kind: 'Argument', value, range };
  }
}
