import type { IToken } from 'chevrotain';
import type { AstNode, Program } from '../ast/types.js';
import { children } from '../ast/walk.js';
import { firstAtOrAfter, firstTokenAtOrAfter, type Comment } from '../lexer/index.js';
import type { SourceFile } from '../source/index.js';

/**
 * Where the formatter prints each comment. Comments are not in the AST, so before printing every
 * comment is given one home, in the spirit of prettier's own attachment (enclosing node, the
 * child before it, the child after it), but with the slots `.nn` needs:
 *
 * - In the body of a list container (the file, a model / `repeat` / `residual` block, a `train`
 *   block) comments are entries of the list beside the statements: a comment on the line where a
 *   statement ends trails that statement (keeping its column, so hand-aligned comments stay
 *   aligned), a comment on the line of the opening `{` trails the brace, and any other comment is
 *   a line of its own (blank lines around it are kept, collapsed to one).
 * - Between the arguments of a call or the items of a list, a comment on its own line leads the
 *   next item on its own line, one at the end of a line trails the item before it, and one inside
 *   a line leads the next item inline (`f(/* units *\/ 10)`).
 * - Anywhere else (inside a `let`, between a key and its value, in an operator chain) a comment
 *   stays beside the node it touches, and a line comment still ends its line.
 */

/** How an attached comment is printed next to its node. */
export type Placement =
  /** `/* c *\/ node` or `node /* c *\/`, on the same line. */
  | 'inline'
  /** Ended its line in the source: printed in place, and a line comment ends the printed line too. */
  | 'lineEnd'
  /** After a call argument or list item, at the end of its line: deferred past the comma (prettier's lineSuffix). */
  | 'afterItem'
  /** On a line of its own before the node (only for call arguments and list items). */
  | 'ownLine';

export interface AttachedComment {
  readonly comment: Comment;
  readonly placement: Placement;
}

/** The comments around or inside one node. */
export interface CommentSlots {
  readonly leading: AttachedComment[];
  readonly trailing: AttachedComment[];
  /** Inside a node with no child to attach to: an empty call or list, a `residual` header. */
  readonly dangling: AttachedComment[];
}

/** One line-level entry of a list container: a statement (with the comments after it on its line) or a line of comments. */
export type ListEntry =
  | { readonly kind: 'node'; readonly node: AstNode; readonly trailing: Comment[] }
  | { readonly kind: 'comments'; readonly comments: Comment[] };

/** The result of attaching every comment of a file. */
export interface CommentAttachment {
  readonly slots: ReadonlyMap<AstNode, CommentSlots>;
  /** For each list container with comments in its body: its statements and comment lines, in order. */
  readonly lists: ReadonlyMap<AstNode, readonly ListEntry[]>;
  /** Comments on the line of a container's opening `{`. */
  readonly afterOpen: ReadonlyMap<AstNode, readonly Comment[]>;
}

/** The nodes whose bodies are lists of statements, entries or declarations. */
export function listItems(node: AstNode): readonly AstNode[] | undefined {
  switch (node.kind) {
    case 'Program':
      return node.decls;
    case 'Model':
    case 'Repeat':
    case 'Residual':
      return node.body;
    case 'Train':
      return node.entries;
    default:
      return undefined;
  }
}

/** Calls and lists: comments between their items are placed item by item. */
function sequenceItems(node: AstNode): readonly AstNode[] | undefined {
  if (node.kind === 'Call') return node.args;
  if (node.kind === 'List') return node.items;
  return undefined;
}

interface Context {
  readonly text: string;
  readonly tokens: readonly IToken[];
  /** Every comment of the file, in source order. */
  readonly comments: readonly Comment[];
  readonly slots: Map<AstNode, CommentSlots>;
  readonly bodyComments: Map<AstNode, Comment[]>;
}

/** Attaches every comment of a parsed file (that parsed without errors) to a place in its AST. */
export function attachComments(program: Program, comments: readonly Comment[], source: SourceFile, tokens: readonly IToken[]): CommentAttachment {
  const ctx: Context = { text: source.text, tokens, comments, slots: new Map(), bodyComments: new Map() };
  for (const comment of comments) attachOne(ctx, program, comment);

  const lists = new Map<AstNode, ListEntry[]>();
  const afterOpen = new Map<AstNode, Comment[]>();
  for (const [container, inBody] of ctx.bodyComments) {
    const open = container.kind === 'Program' ? undefined : openingOffset(ctx, container);
    const { entries, open: onOpenLine } = buildEntries(source, listItems(container)!, inBody, open);
    lists.set(container, entries);
    if (onOpenLine.length > 0) afterOpen.set(container, onOpenLine);
  }
  return { slots: ctx.slots, lists, afterOpen };
}

function attachOne(ctx: Context, root: AstNode, comment: Comment): void {
  const start = comment.range.startOffset;
  const end = comment.range.endOffset;
  let node = root;
  for (;;) {
    const inner = children(node).find((c) => c.range.startOffset <= start && end <= c.range.endOffset);
    if (!inner) break;
    node = inner;
  }

  const items = listItems(node);
  if (items) {
    const open = node.kind === 'Program' ? 0 : openingOffset(ctx, node);
    if (start >= open) {
      const list = ctx.bodyComments.get(node) ?? [];
      list.push(comment);
      ctx.bodyComments.set(node, list);
      return;
    }
    attachAround(ctx, node, headerChildren(node), comment, false);
    return;
  }
  const sequence = sequenceItems(node);
  if (sequence) {
    const open = node.kind === 'List' ? node.range.startOffset + 1 : openingOffset(ctx, node);
    if (start >= open) {
      attachAround(ctx, node, sequence, comment, true);
      return;
    }
  }
  attachAround(ctx, node, children(node), comment, false);
}

/** The children of a container that come before its `{`. */
function headerChildren(node: AstNode): AstNode[] {
  switch (node.kind) {
    case 'Model':
      return [node.name];
    case 'Train':
      return [node.model];
    case 'Repeat':
      return [node.count];
    default:
      return [];
  }
}

/** The offset just after the `{` of a block or the `(` of a call: the first such token after the header. */
function openingOffset(ctx: Context, node: AstNode): number {
  let after: number;
  switch (node.kind) {
    case 'Model':
      after = node.name.range.endOffset;
      break;
    case 'Train':
      after = node.model.range.endOffset;
      break;
    case 'Repeat':
      after = node.count.range.endOffset;
      break;
    case 'Call':
      after = node.callee.range.endOffset;
      break;
    default:
      after = node.range.startOffset;
  }
  const tokens = ctx.tokens;
  const lo = firstTokenAtOrAfter(tokens, after);
  // `residual {`: the keyword itself is the first token at `after`, the brace the next one.
  const index = node.kind === 'Residual' ? lo + 1 : lo;
  const token = tokens[index];
  return token ? token.startOffset + 1 : node.range.endOffset;
}

type Position = 'ownLine' | 'endOfLine' | 'remaining';

/**
 * Where a comment stands in the gap of blanks and comments between two tokens. The line breaks
 * of the gap, other comments seen through (as if they were blanks without line breaks), split it
 * into the comments on the line of the token before (`endOfLine`), those on lines of their own
 * (`ownLine`) and those on the line of the token after (`remaining`). Seeing other comments
 * through keeps the position of a comment the same when the printer puts another comment beside
 * it: `% /* a *\/` followed by `// b` on the next line is printed `% /* a *\/ // b`, and `/* a *\/`
 * must still end its line then.
 */
function positionOf(ctx: Context, comment: Comment): Position {
  const start = comment.range.startOffset;
  const end = comment.range.endOffset;
  const next = firstTokenAtOrAfter(ctx.tokens, end);
  const before = ctx.tokens[next - 1];
  const gapStart = before ? before.startOffset + before.image.length : 0;
  const gapEnd = ctx.tokens[next]?.startOffset ?? ctx.text.length;
  const endsLine = comment.kind === 'line' || gapEnd === ctx.text.length || lineBreakOutsideComments(ctx, end, gapEnd);
  const startsLine = gapStart === 0 || lineBreakOutsideComments(ctx, gapStart, start);
  if (!endsLine) return 'remaining';
  return startsLine ? 'ownLine' : 'endOfLine';
}

/** Whether the text in `[from, to)`, which holds only blanks and comments, has a line break outside the comments. */
function lineBreakOutsideComments(ctx: Context, from: number, to: number): boolean {
  let at = from;
  let i = firstCommentAtOrAfter(ctx.comments, from);
  for (; at < to; i++) {
    const comment = ctx.comments[i];
    const until = comment && comment.range.startOffset < to ? comment.range.startOffset : to;
    if (/[\r\n]/.test(ctx.text.slice(at, until))) return true;
    if (until === to) return false;
    at = comment!.range.endOffset;
  }
  return false;
}

function firstCommentAtOrAfter(comments: readonly Comment[], offset: number): number {
  return firstAtOrAfter(comments, offset, (c) => c.range.startOffset);
}

function slotsOf(ctx: Context, node: AstNode): CommentSlots {
  let slots = ctx.slots.get(node);
  if (!slots) {
    slots = { leading: [], trailing: [], dangling: [] };
    ctx.slots.set(node, slots);
  }
  return slots;
}

/** Attaches a comment to the child before or after it; `sequence` is true between call arguments and list items. */
function attachAround(ctx: Context, parent: AstNode, kids: readonly AstNode[], comment: Comment, sequence: boolean): void {
  const start = comment.range.startOffset;
  let preceding: AstNode | undefined;
  let following: AstNode | undefined;
  for (const kid of kids) {
    if (kid.range.endOffset <= start) preceding = kid;
    else if (kid.range.startOffset >= comment.range.endOffset) {
      following = kid;
      break;
    }
  }
  const position = positionOf(ctx, comment);
  if (position === 'remaining') {
    // Touching the node before it (no token between, only blanks and comments): stays after that node, else goes before the next.
    const touchesPreceding = preceding !== undefined && !tokenBetween(ctx, preceding.range.endOffset, start);
    if (following && !touchesPreceding) slotsOf(ctx, following).leading.push({ comment, placement: 'inline' });
    else if (preceding) slotsOf(ctx, preceding).trailing.push({ comment, placement: 'inline' });
    else if (following) slotsOf(ctx, following).leading.push({ comment, placement: 'inline' });
    else slotsOf(ctx, parent).dangling.push({ comment, placement: 'inline' });
    return;
  }
  if (sequence) {
    if (position === 'endOfLine' && preceding) slotsOf(ctx, preceding).trailing.push({ comment, placement: 'afterItem' });
    else if (following) slotsOf(ctx, following).leading.push({ comment, placement: 'ownLine' });
    else slotsOf(ctx, parent).dangling.push({ comment, placement: 'ownLine' });
    return;
  }
  if (parent.kind === 'Binary' && preceding === parent.left && tokenBetween(ctx, preceding.range.endOffset, start)) {
    // After the operator: printed after it, where the line breaks (`1 + // why\n  2`).
    slotsOf(ctx, parent).dangling.push({ comment, placement: 'lineEnd' });
  } else if (preceding) slotsOf(ctx, preceding).trailing.push({ comment, placement: 'lineEnd' });
  else if (following) slotsOf(ctx, following).leading.push({ comment, placement: 'lineEnd' });
  else slotsOf(ctx, parent).dangling.push({ comment, placement: 'lineEnd' });
}

/**
 * Merges a container's items and the comments in its body, in source order, into line-level
 * entries: a comment on the line where the previous entry ends joins that entry.
 */
function buildEntries(
  source: SourceFile,
  items: readonly AstNode[],
  comments: readonly Comment[],
  open: number | undefined,
): { entries: ListEntry[]; open: Comment[] } {
  type Mutable = { kind: 'node'; node: AstNode; trailing: Comment[] } | { kind: 'comments'; comments: Comment[] };
  const entries: Mutable[] = [];
  const onOpenLine: Comment[] = [];
  let lastEnd = open;
  let i = 0;
  let j = 0;
  while (i < items.length || j < comments.length) {
    const item = items[i];
    const comment = comments[j];
    if (item && (!comment || item.range.startOffset < comment.range.startOffset)) {
      entries.push({ kind: 'node', node: item, trailing: [] });
      lastEnd = item.range.endOffset;
      i++;
      continue;
    }
    const c = comment!;
    const sameLine = lastEnd !== undefined && source.position(lastEnd).line === c.range.start.line;
    const last = entries[entries.length - 1];
    if (sameLine && last?.kind === 'node') last.trailing.push(c);
    else if (sameLine && last?.kind === 'comments') last.comments.push(c);
    else if (sameLine) onOpenLine.push(c);
    else entries.push({ kind: 'comments', comments: [c] });
    lastEnd = c.range.endOffset;
    j++;
  }
  return { entries, open: onOpenLine };
}

/**
 * Whether a token (comments are not tokens) starts in `[from, to)`. Asked of the tokens rather
 * than of the text, because no pattern over the text can tell where a comment ends: read as
 * `/\*` ... `*\/`, the text `/**\/, /* x *\/` between two nodes is one comment around a comma.
 */
function tokenBetween(ctx: Context, from: number, to: number): boolean {
  const token = ctx.tokens[firstTokenAtOrAfter(ctx.tokens, from)];
  return token !== undefined && token.startOffset < to;
}

