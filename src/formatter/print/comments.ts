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

function leading(attached: AttachedComment): Doc {
  const text = commentText(attached.comment);
  switch (attached.placement) {
    case 'inline':
      return [text, ' '];
    case 'lineEnd':
      return [lineSuffix([' ', text]), breakParent];
    case 'ownLine':
      return [text, hardline];
  }
}

function trailing(attached: AttachedComment): Doc {
  const text = commentText(attached.comment);
  return attached.placement === 'inline' ? [' ', text] : [lineSuffix([' ', text]), breakParent];
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
