import type { Doc } from 'prettier';
import type { AstNode } from '../../ast/types.js';
import type { SourceFile } from '../../source/index.js';
import type { CommentAttachment } from '../comments.js';

/** What every printer function reads: the comments' homes, the source text and the layout options. */
export interface PrintContext {
  readonly attachment: CommentAttachment;
  readonly source: SourceFile;
  readonly printWidth: number;
  readonly tabWidth: number;
}

/** Prints a statement, entry or declaration that starts a line at column `indent` (0-based). */
export type ItemPrinter<T extends AstNode = AstNode> = (node: T, indent: number) => Doc;
