import type { IToken } from 'chevrotain';
import { findBuiltin, trainKeys, type BuiltinSpec, type ParamSpec, type TrainKeySpec } from '../builtins/index.js';
import type { BuiltinKind } from '../checker/types.js';
import type { DocumentAnalysis } from './analysis.js';

/**
 * What fits at the cursor, read from the token stream rather than the AST, because the user is
 * typing and the text around the cursor rarely parses. One forward scan over the tokens before
 * the cursor keeps a stack of open blocks, calls and lists; the innermost frame and the token
 * before the cursor decide the slot.
 */
export type Slot =
  /** Top level: `let`, `model`, `train`. */
  | { readonly kind: 'top' }
  /** After `train`: a model name. */
  | { readonly kind: 'modelName' }
  /** A layer statement inside a model block. */
  | { readonly kind: 'layer' }
  /** A key of a `train` block; `used` are the keys already written in that block. */
  | { readonly kind: 'trainKey'; readonly used: ReadonlySet<string> }
  /** The value of a train key. */
  | { readonly kind: 'trainValue'; readonly key: TrainKeySpec }
  /** The value of a built-in's parameter. */
  | { readonly kind: 'paramValue'; readonly spec: BuiltinSpec; readonly param: ParamSpec }
  /** A built-in of these kinds (list items such as `metrics: [...]`). */
  | { readonly kind: 'builtin'; readonly kinds: readonly BuiltinKind[] }
  /** The start of an argument: a parameter name not used yet, or a positional value. */
  | { readonly kind: 'args'; readonly call: CallInfo }
  /** A number: `let` constants fit. */
  | { readonly kind: 'number' }
  | { readonly kind: 'none' };

/** The innermost call around the cursor. */
export interface CallInfo {
  readonly callee: string;
  /** The built-in called, resolved among the kinds that fit where the call is written. */
  readonly spec: BuiltinSpec | undefined;
  /** Offset of the `(`. */
  readonly openOffset: number;
  /** Parameter names given by name anywhere in the call. */
  readonly named: ReadonlySet<string>;
  /** Positional arguments before the cursor's argument. */
  readonly positionalBefore: number;
  /** The argument the cursor is in: a parameter name (`key: ...`), or a positional index. */
  readonly active: string | number;
}

export interface CursorContext {
  readonly slot: Slot;
  /** Start of the word being typed (the cursor when none). */
  readonly wordStart: number;
  readonly call: CallInfo | undefined;
}

type Frame =
  | { readonly type: 'block'; readonly block: 'model' | 'train' | 'other'; readonly open: number }
  | { readonly type: 'call'; readonly open: number; readonly callee: string; readonly spec: BuiltinSpec | undefined; segStart: number; positional: number; readonly named: Set<string> }
  | { readonly type: 'list'; readonly open: number; readonly items: Slot; segStart: number };

const isWord = (t: IToken): boolean => /^[A-Za-z_]/.test(t.image);
const name = (t: IToken | undefined): string => t?.tokenType.name ?? '';
const isOperator = (t: IToken | undefined): boolean => ['Plus', 'Minus', 'Star', 'Slash', 'Percent', 'Equals'].includes(name(t));
const end = (t: IToken): number => t.startOffset + t.image.length;

/** The slot for a built-in parameter's value. */
function paramSlot(spec: BuiltinSpec, param: ParamSpec): Slot {
  return { kind: 'paramValue', spec, param };
}

/** The kinds a slot's built-in names come from (for resolving a callee written there). */
function kindsOf(slot: Slot): readonly BuiltinKind[] | undefined {
  switch (slot.kind) {
    case 'layer':
      return ['layer', 'activation'];
    case 'builtin':
      return slot.kinds;
    case 'trainValue':
      return slot.key.value.type === 'builtin' || slot.key.value.type === 'builtin_list' ? [slot.key.value.kind] : undefined;
    case 'paramValue':
      return slot.param.type === 'initializer' || slot.param.type === 'regularizer' || slot.param.type === 'activation' ? [slot.param.type] : undefined;
    default:
      return undefined;
  }
}

/** Resolves a name written in `slot` to a built-in of a fitting kind (any kind as a fallback). */
export function builtinInSlot(callee: string, slot: Slot): BuiltinSpec | undefined {
  const kinds = kindsOf(slot);
  return (kinds ? findBuiltin(callee, kinds) : undefined) ?? findBuiltin(callee);
}

/** Keys written in the train block opened at token `open` (scanning the whole block, after the cursor too). */
function trainKeysUsed(tokens: readonly IToken[], open: number): Set<string> {
  const used = new Set<string>();
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const n = name(tokens[i]);
    if (n === 'LCurly' || n === 'LParen' || n === 'LBracket') depth++;
    else if (n === 'RCurly' || n === 'RParen' || n === 'RBracket') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && n === 'Colon' && name(tokens[i - 1]) === 'Identifier') used.add(tokens[i - 1]!.image);
    if (depth === 0 && (n === 'Model' || n === 'Train' || n === 'Let')) break;
  }
  return used;
}

/** Named arguments of the call opened at token `open`, after index `from` (the rest of the call). */
function namedAfter(tokens: readonly IToken[], from: number, into: Set<string>): void {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const n = name(tokens[i]);
    if (n === 'LCurly' || n === 'RCurly') return;
    if (n === 'LParen' || n === 'LBracket') depth++;
    else if (n === 'RParen' || n === 'RBracket') {
      if (depth === 0) return;
      depth--;
    } else if (depth === 0 && n === 'Colon' && name(tokens[i - 1]) === 'Identifier' && i - 1 >= from) into.add(tokens[i - 1]!.image);
  }
}

/** The slot after token `j - 1`, given the open frames. */
function slotAfter(tokens: readonly IToken[], j: number, frames: readonly Frame[]): Slot {
  const prev = tokens[j - 1];
  const frame = frames[frames.length - 1];
  if (isOperator(prev) && name(prev) !== 'Equals') return { kind: 'number' };
  if (!frame) {
    if (name(prev) === 'Train') return { kind: 'modelName' };
    if (name(prev) === 'Model' || name(prev) === 'Let') return { kind: 'none' };
    if (name(prev) === 'Equals') return { kind: 'number' };
    return { kind: 'top' };
  }
  switch (frame.type) {
    case 'block':
      if (frame.block === 'model') {
        if (name(prev) === 'Input') return { kind: 'none' };
        if (name(prev) === 'Repeat') return { kind: 'number' };
        return { kind: 'layer' };
      }
      if (frame.block === 'train') {
        if (name(prev) === 'Colon' && name(tokens[j - 2]) === 'Identifier') {
          const key = tokens[j - 2]!.image;
          const spec = Object.prototype.hasOwnProperty.call(trainKeys, key) ? trainKeys[key as keyof typeof trainKeys] : undefined;
          return spec ? { kind: 'trainValue', key: spec } : { kind: 'none' };
        }
        return { kind: 'trainKey', used: trainKeysUsed(tokens, frame.open) };
      }
      return { kind: 'none' };
    case 'list':
      return name(prev) === 'LBracket' || name(prev) === 'Comma' ? frame.items : { kind: 'none' };
    case 'call': {
      const seg = tokens.slice(frame.segStart, j);
      if (seg.length === 0) return { kind: 'args', call: callInfo(tokens, frame, j) };
      if (seg.length === 2 && name(seg[0]) === 'Identifier' && name(seg[1]) === 'Colon') {
        const param = frame.spec?.params.find((p) => p.name === seg[0]!.image);
        return frame.spec && param ? paramSlot(frame.spec, param) : { kind: 'none' };
      }
      return { kind: 'none' };
    }
  }
}

/** What a call frame knows at token index `j` (the cursor's argument). */
function callInfo(tokens: readonly IToken[], frame: Frame & { type: 'call' }, j: number): CallInfo {
  const named = new Set(frame.named);
  namedAfter(tokens, j, named);
  const seg = tokens.slice(frame.segStart, j);
  const active = seg.length >= 2 && name(seg[0]) === 'Identifier' && name(seg[1]) === 'Colon' ? seg[0]!.image : frame.positional;
  return { callee: frame.callee, spec: frame.spec, openOffset: tokens[frame.open]!.startOffset, named, positionalBefore: frame.positional, active };
}

/** The slot of list items, given the slot where the list is written. */
function listItems(slot: Slot): Slot {
  if (slot.kind === 'trainValue' && slot.key.value.type === 'builtin_list') return { kind: 'builtin', kinds: [slot.key.value.kind] };
  return { kind: 'number' };
}

/** Reads the context at `offset` from the document's tokens. */
export function cursorContext(analysis: DocumentAnalysis, offset: number): CursorContext {
  const tokens = analysis.front.parsed.tokens;
  const none: CursorContext = { slot: { kind: 'none' }, wordStart: offset, call: undefined };
  if (analysis.front.parsed.comments.some((c) => c.range.startOffset < offset && (offset < c.range.endOffset || (c.kind === 'line' && offset === c.range.endOffset)))) return none;
  let stop = 0;
  while (stop < tokens.length && tokens[stop]!.startOffset < offset) stop++;
  let wordStart = offset;
  const last = tokens[stop - 1];
  if (last && end(last) >= offset) {
    if (name(last) === 'StringLiteral' && end(last) > offset) return none;
    if (isWord(last) || name(last) === 'NumberLiteral') {
      wordStart = last.startOffset;
      stop--;
    }
  }
  const frames: Frame[] = [];
  for (let i = 0; i < stop; i++) {
    const t = tokens[i]!;
    const top = frames[frames.length - 1];
    switch (name(t)) {
      case 'LCurly': {
        const block = top?.type === 'block' && top.block === 'model' ? 'model' : name(tokens[i - 2]) === 'Model' ? 'model' : name(tokens[i - 2]) === 'Train' ? 'train' : 'other';
        frames.push({ type: 'block', block, open: i });
        break;
      }
      case 'LParen': {
        const callee = tokens[i - 1];
        if (callee && name(callee) === 'Identifier') {
          const spec = builtinInSlot(callee.image, slotAfter(tokens, i - 1, frames));
          frames.push({ type: 'call', open: i, callee: callee.image, spec, segStart: i + 1, positional: 0, named: new Set() });
        } else frames.push({ type: 'list', open: i, items: { kind: 'number' }, segStart: i + 1 });
        break;
      }
      case 'LBracket':
        frames.push({ type: 'list', open: i, items: listItems(slotAfter(tokens, i, frames)), segStart: i + 1 });
        break;
      case 'RCurly':
      case 'RParen':
      case 'RBracket': {
        const wanted = name(t) === 'RCurly' ? 'block' : name(t) === 'RParen' ? 'call|list' : 'list';
        let at = frames.length - 1;
        while (at >= 0 && !wanted.includes(frames[at]!.type)) at--;
        if (at >= 0) frames.length = at;
        break;
      }
      case 'Comma':
        if (top?.type === 'call') {
          const seg = tokens.slice(top.segStart, i);
          if (seg.length >= 2 && name(seg[0]) === 'Identifier' && name(seg[1]) === 'Colon') top.named.add(seg[0]!.image);
          else if (seg.length > 0) top.positional++;
          top.segStart = i + 1;
        } else if (top?.type === 'list') top.segStart = i + 1;
        break;
      case 'Colon':
        if (top?.type === 'call' && i === top.segStart + 1 && name(tokens[i - 1]) === 'Identifier') top.named.add(tokens[i - 1]!.image);
        break;
    }
  }
  const slot = slotAfter(tokens, stop, frames);
  let innermostCall: (Frame & { type: 'call' }) | undefined;
  for (const f of frames) if (f.type === 'call') innermostCall = f;
  return { slot, wordStart, call: innermostCall ? callInfo(tokens, innermostCall, stop) : undefined };
}
