import { quoteString } from '../lexer/literals.js';
import type { Argument, Decl, Expr, ModelStmt, Program, TrainEntry } from './types.js';

/**
 * Prints an AST as canonical `.nn` text: 2-space indentation, one statement or entry per line,
 * `key: value` with one space, strings re-escaped, numbers as written. Parsing the result gives
 * back the same AST (ranges aside); the round-trip property test holds it to that. This is not
 * the formatter (that one keeps comments and line widths); a `Missing` node prints as nothing.
 */
export function print(program: Program): string {
  return program.decls.map(printDecl).join('\n\n') + (program.decls.length > 0 ? '\n' : '');
}

function printDecl(decl: Decl): string {
  switch (decl.kind) {
    case 'Let':
      return `let ${decl.name.name} = ${printExpr(decl.value)}`;
    case 'Model':
      return `model ${decl.name.name} ${printBlock(decl.body, '')}`;
    case 'Train':
      return `train ${decl.model.name} {\n${decl.entries.map((e) => `  ${printEntry(e)}\n`).join('')}}`;
  }
}

function printEntry(entry: TrainEntry): string {
  return `${entry.key.name}: ${printExpr(entry.value)}`;
}

function printBlock(body: readonly ModelStmt[], indent: string): string {
  if (body.length === 0) return '{\n' + indent + '}';
  const inner = indent + '  ';
  return `{\n${body.map((s) => `${inner}${printStmt(s, inner)}\n`).join('')}${indent}}`;
}

function printStmt(stmt: ModelStmt, indent: string): string {
  switch (stmt.kind) {
    case 'Input':
      return `input ${printExpr(stmt.shape)}`;
    case 'Layer':
      return (stmt.label ? `${stmt.label.name}: ` : '') + printExpr(stmt.layer);
    case 'Repeat':
      return `repeat ${printExpr(stmt.count)} ${printBlock(stmt.body, indent)}`;
    case 'Residual':
      return `residual ${printBlock(stmt.body, indent)}`;
  }
}

/** Prints an expression as written in the AST; `Paren` nodes carry every parenthesis. */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'Number':
      return expr.raw;
    case 'String':
      return quoteString(expr.value);
    case 'Boolean':
      return expr.value ? 'true' : 'false';
    case 'Name':
      return expr.name.name;
    case 'List':
      return `[${expr.items.map(printExpr).join(', ')}]`;
    case 'Call':
      return `${expr.callee.name}(${expr.args.map(printArgument).join(', ')})`;
    case 'Binary':
      return `${printExpr(expr.left)} ${expr.op} ${printExpr(expr.right)}`;
    case 'Unary':
      // `- -x`, not `--x`: keeps repeated signs readable.
      return expr.operand.kind === 'Unary' ? `${expr.op} ${printExpr(expr.operand)}` : `${expr.op}${printExpr(expr.operand)}`;
    case 'Paren':
      return `(${printExpr(expr.expr)})`;
    case 'Missing':
      return '';
  }
}

function printArgument(arg: Argument): string {
  return (arg.name ? `${arg.name.name}: ` : '') + printExpr(arg.value);
}
