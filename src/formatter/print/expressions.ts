import type { Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type { Argument, AstNode, Expr, Identifier } from '../../ast/types.js';
import { afterOperator, commentText, withComments } from './comments.js';
import type { PrintContext } from './context.js';

const { breakParent, fill, group, hardline, ifBreak, indent, join, line, softline } = builders;

/** A name as written, with its comments. */
export function printIdentifier(ctx: PrintContext, id: Identifier): Doc {
  return withComments(ctx, id, id.name);
}

/**
 * An expression: literals as written (`1_000`, `1e-3`, string escapes kept), calls and lists
 * that break one item per line (shapes and other lists of plain values fill lines instead) when
 * they do not fit, and operator chains that break after an operator.
 */
export function printExpr(ctx: PrintContext, expr: Expr): Doc {
  return withComments(ctx, expr, printBareExpr(ctx, expr));
}

function printBareExpr(ctx: PrintContext, expr: Expr): Doc {
  switch (expr.kind) {
    case 'Number':
    case 'String':
      return expr.raw;
    case 'Boolean':
      return expr.value ? 'true' : 'false';
    case 'Name':
      return printIdentifier(ctx, expr.name);
    case 'List': {
      const atoms = expr.items.every((item) => isAtom(item) && !ctx.attachment.slots.has(item));
      return printSequence(ctx, expr, '[', ']', expr.items.map((item) => printExpr(ctx, item)), atoms);
    }
    case 'Call':
      return [printIdentifier(ctx, expr.callee), printSequence(ctx, expr, '(', ')', expr.args.map((arg) => printArgument(ctx, arg)), false)];
    case 'Binary':
      return group([printExpr(ctx, expr.left), ' ', expr.op, afterOperator(ctx, expr), indent([line, printExpr(ctx, expr.right)])]);
    case 'Unary':
      // `- -x`, not `--x`, as the canonical printer does.
      return [expr.op, expr.operand.kind === 'Unary' ? ' ' : '', printExpr(ctx, expr.operand)];
    case 'Paren':
      return ['(', printExpr(ctx, expr.expr), ')'];
    case 'Missing':
      return '';
  }
}

function isAtom(expr: Expr): boolean {
  switch (expr.kind) {
    case 'Number':
    case 'String':
    case 'Boolean':
    case 'Name':
      return true;
    case 'Unary':
      return isAtom(expr.operand);
    default:
      return false;
  }
}

/** One argument: `value` or `key: value`. */
export function printArgument(ctx: PrintContext, arg: Argument): Doc {
  const value = printExpr(ctx, arg.value);
  return withComments(ctx, arg, arg.name ? [printIdentifier(ctx, arg.name), ': ', value] : value);
}

/**
 * `(a, b)` or `[a, b]`: on one line if it fits, else one item per line (or filled lines for
 * `fillLines`) with a trailing comma. Comments left in an empty pair or after the last item go
 * on their own lines before the closing bracket.
 */
function printSequence(ctx: PrintContext, node: AstNode, open: string, close: string, items: Doc[], fillLines: boolean): Doc {
  const dangling = ctx.attachment.slots.get(node)?.dangling ?? [];
  const comments = dangling.map((d) => commentText(d.comment));
  if (items.length === 0) {
    if (dangling.length === 0) return open + close;
    if (dangling.every((d) => d.placement === 'inline')) return [open, join(' ', comments), close];
    return group([open, indent([softline, join(hardline, comments)]), softline, close, breakParent]);
  }
  const id = Symbol('sequence');
  const end: Doc = comments.length > 0 ? [',', hardline, join(hardline, comments)] : ifBreak(',', '', { groupId: id });
  // In filled lines the trailing comma belongs to the last item, so that fill measures it.
  const body: Doc = fillLines
    ? fill(items.flatMap((item, i) => (i === 0 ? [item] : [line, item])).map((part, i, all) => (i % 2 === 1 ? part : i < all.length - 1 ? [part, ','] : [part, end])))
    : [join([',', line], items), end];
  return group([open, indent([softline, body]), softline, close], { id });
}
