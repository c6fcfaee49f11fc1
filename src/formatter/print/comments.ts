import type { Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type { AstNode } from '../../ast/types.js';
import type { Comment } from '../../lexer/index.js';
import type { AttachedComment } from '../comments.js';
import type { PrintContext } from './context.js';

const { breakParent, hardline, join, lineSuffix } = builders;

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

function trailing(attached: AttachedComment): Doc {
  const text = commentText(attached.comment);
  if (attached.placement === 'afterItem') return [lineSuffix([' ', text]), breakParent];
  if (attached.placement === 'lineEnd' && attached.comment.kind === 'line') return [' ', text, hardline];
  return [' ', text];
}

/** `doc` with the comments attached before and after `node`. */
export function withComments(ctx: PrintContext, node: AstNode, doc: Doc): Doc {
  const slots = ctx.attachment.slots.get(node);
  if (!slots || (slots.leading.length === 0 && slots.trailing.length === 0)) return doc;
  return [slots.leading.map(leading), doc, slots.trailing.map(trailing)];
}

/**
 * Comments inside a node with nothing to attach to other than the node itself, printed where
 * they were: after a keyword (`residual /* c *\/ {`), or moved to the end of the line.
 */
export function danglingInline(ctx: PrintContext, node: AstNode): Doc {
  const slots = ctx.attachment.slots.get(node);
  if (!slots) return '';
  return slots.dangling.map(trailing);
}

