import type { Doc } from 'prettier';
import { builders, printer } from 'prettier/doc';
import type { AstNode } from '../../ast/types.js';
import type { Comment } from '../../lexer/index.js';
import type { ListEntry } from '../comments.js';
import { commentLine, commentText } from './comments.js';
import type { ItemPrinter, PrintContext } from './context.js';

const { breakParent, hardline, indent, lineSuffix } = builders;

/**
 * The body of a list container (the file, a block, a `train` block) as lines joined by hard line
 * breaks: statements and comment lines in source order, one blank line kept wherever the source
 * had one or more.
 */
export function printListBody(ctx: PrintContext, container: AstNode, items: readonly AstNode[], printItem: ItemPrinter, indentWidth: number): Doc[] {
  const entries: readonly ListEntry[] = ctx.attachment.lists.get(container) ?? items.map((node) => ({ kind: 'node', node, trailing: [] }));
  const parts: Doc[] = [];
  let previousEnd: number | undefined;
  for (const entry of entries) {
    if (previousEnd !== undefined) {
      parts.push(hardline);
      if (blankLineBetween(ctx.source.text, previousEnd, entryStart(entry))) parts.push(hardline);
    }
    parts.push(entry.kind === 'node' ? printWithTrailing(ctx, entry.node, entry.trailing, printItem, indentWidth) : commentLine(entry.comments));
    previousEnd = entryEnd(entry);
  }
  return parts;
}

/**
 * A `{ ... }` body: `{}` when empty, else the entries indented one level, with any comments
 * from the line of the `{` kept after it.
 */
export function printBraced(ctx: PrintContext, container: AstNode, items: readonly AstNode[], printItem: ItemPrinter, outerIndent: number): Doc {
  const afterOpen = ctx.attachment.afterOpen.get(container) ?? [];
  const open: Doc = afterOpen.length > 0 ? ['{ ', commentLine(afterOpen)] : '{';
  const body = printListBody(ctx, container, items, printItem, outerIndent + ctx.tabWidth);
  if (body.length === 0) return afterOpen.length > 0 ? [open, hardline, '}'] : '{}';
  return [open, indent([hardline, body]), hardline, '}'];
}

function entryStart(entry: ListEntry): number {
  return entry.kind === 'node' ? entry.node.range.startOffset : entry.comments[0]!.range.startOffset;
}

function entryEnd(entry: ListEntry): number {
  const last = entry.kind === 'node' ? (entry.trailing[entry.trailing.length - 1] ?? entry.node) : entry.comments[entry.comments.length - 1]!;
  return last.range.endOffset;
}

function blankLineBetween(text: string, from: number, to: number): boolean {
  const between = text.slice(from, to);
  const breaks = between.match(/\r\n|\n|\r/g);
  return breaks !== null && breaks.length >= 2;
}

/**
 * A statement followed by the comments on its line. The first comment keeps the column it had in
 * the source when the statement prints on one line short enough to leave room (at least one
 * space), so comment columns aligned by hand stay aligned; after a statement that breaks over
 * several lines it follows the last line after one space. Printing it as a line suffix keeps it
 * out of the print-width measure, as prettier does for trailing comments.
 */
function printWithTrailing(ctx: PrintContext, node: AstNode, trailing: readonly Comment[], printItem: ItemPrinter, indentWidth: number): Doc {
  const doc = printItem(node, indentWidth);
  const first = trailing[0];
  if (!first) return doc;
  const flat = printer.printDocToString(doc, { printWidth: Math.max(0, ctx.printWidth - indentWidth), tabWidth: ctx.tabWidth, useTabs: false }).formatted;
  const gap = flat.includes('\n') ? 1 : Math.max(1, first.range.start.column - 1 - indentWidth - flat.length);
  const rest = trailing.slice(1).map((c) => [' ', commentText(c)]);
  const suffix: Doc = [' '.repeat(gap), commentText(first), rest];
  return [doc, lineSuffix(suffix), trailing.some((c) => c.kind === 'line') ? breakParent : ''];
}
