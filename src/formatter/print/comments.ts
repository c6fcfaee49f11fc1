import type { Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type { AstNode } from '../../ast/types.js';
import type { Comment } from '../../lexer/index.js';
import type { AttachedComment } from '../comments.js';
import type { PrintContext } from './context.js';

const { breakParent, hardline, indent, join, lineSuffix } = builders;

/** A comment as printed: line comments lose trailing blanks (prettier trims them at line ends anyway). */
export function commentText(comment: Comment): string {
  return comment.kind === 'line' ? comment.text.trimEnd() : comment.text;
}

/** Several comments on one line, separated by a space. */
export function commentLine(comments: readonly Comment[]): Doc {
  return join(' ', comments.map(commentText));
}

/*
 * A comment that ends a line inside a call or list (`10, // units`) is a line suffix: prettier
 * holds it back until the line break that follows the item's comma, which always comes because
 * the comment breaks the enclosing group. Anywhere else a line comment is printed where it stands
 * and the line is broken after it; deferring it could put a second deferred comment after it on
 * the same line, where the first would swallow it.
 */
function leading(attached: AttachedComment): Doc {
  const text = commentText(attached.comment);
  if (attached.placement === 'ownLine' || (attached.placement === 'lineEnd' && attached.comment.kind === 'line')) return [text, hardline];
  return [text, ' '];
}

/**
 * Comments after a node, in source order. Nothing may follow a line comment on its printed line,
 * or the comment would swallow it: a comment deferred to the line end after a deferred line
 * comment starts a line of its own when the suffixes are written. (A line comment printed in
 * place ends its line itself.)
 */
function printTrailing(list: readonly AttachedComment[]): Doc[] {
  let deferredLineComment = false;
  return list.map((attached) => {
    const text = commentText(attached.comment);
    if (attached.placement === 'afterItem') {
      const doc: Doc = [lineSuffix([deferredLineComment ? hardline : ' ', text]), breakParent];
      if (attached.comment.kind === 'line') deferredLineComment = true;
      return doc;
    }
    if (attached.placement === 'lineEnd' && attached.comment.kind === 'line') return [' ', text, hardline];
    return [' ', text];
  });
}

/** `doc` with the comments attached before and after `node`. */
export function withComments(ctx: PrintContext, node: AstNode, doc: Doc): Doc {
  const slots = ctx.attachment.slots.get(node);
  if (!slots || (slots.leading.length === 0 && slots.trailing.length === 0)) return doc;
  return [slots.leading.map(leading), doc, printTrailing(slots.trailing)];
}

/**
 * Comments that ended the line after a binary operator, printed after it; the operand then
 * starts the next line. A comment after a line comment starts a line of its own, indented as the
 * operand.
 */
export function afterOperator(ctx: PrintContext, node: AstNode): Doc {
  const dangling = ctx.attachment.slots.get(node)?.dangling ?? [];
  return dangling.map((d, i) => {
    const text = commentText(d.comment);
    const afterLineComment = i > 0 && dangling[i - 1]!.comment.kind === 'line';
    return [afterLineComment ? indent([hardline, text]) : [' ', text], d.comment.kind === 'line' ? breakParent : ''];
  });
}

/**
 * Comments inside a node with nothing to attach to other than the node itself, printed where
 * they were: after a keyword (`residual /* c *\/ {`), or moved to the end of the line.
 */
export function danglingInline(ctx: PrintContext, node: AstNode): Doc {
  const slots = ctx.attachment.slots.get(node);
  if (!slots) return '';
  return printTrailing(slots.dangling);
}

