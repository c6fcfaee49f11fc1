import type { Position as LspPosition, Range as LspRange } from 'vscode-languageserver';
import type { AstNode } from '../ast/types.js';
import { children } from '../ast/walk.js';
import type { CheckedLayer, CheckedModel, CheckedNode } from '../checker/types.js';
import { checkText, type FrontEndResult } from '../compiler.js';
import { DiagnosticSink } from '../diagnostics/index.js';
import { SourceFile, type Range } from '../source/index.js';

/**
 * The language server's view of one document version: the front end's result (the same
 * `checkText` that `nn check` runs) plus position helpers. Every request handler reads one of
 * these; none re-parses.
 */
export interface DocumentAnalysis {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly source: SourceFile;
  readonly front: FrontEndResult;
}

/**
 * Documents longer than this are not analysed live: parsing and checking take time linear in
 * the text but with a large constant (seconds for a megabyte), and the server must stay
 * responsive. Such a document gets one NN1022 diagnostic naming the limit; `nn check` still
 * reads it whole.
 */
export const maxLiveLength = 256 * 1024;

/**
 * The live-analysis limit an editor asks for in `initializationOptions.maxDocumentLength`: a
 * whole number of characters from 1 to 2^30. `undefined` when not given; an error message for a
 * value that is not such a number.
 */
export function requestedMaxLength(initializationOptions: unknown): number | undefined | { error: string } {
  if (typeof initializationOptions !== 'object' || initializationOptions === null) return undefined;
  if (!Object.hasOwn(initializationOptions, 'maxDocumentLength')) return undefined;
  const v = (initializationOptions as { maxDocumentLength: unknown }).maxDocumentLength;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 2 ** 30) return v;
  return { error: `initializationOptions.maxDocumentLength must be a whole number of characters from 1 to ${2 ** 30}, not ${typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v))}` };
}

/** Runs the front end on a document's text (the same `checkText` as `nn check`). */
export function analyze(uri: string, version: number, text: string, maxLength = maxLiveLength): DocumentAnalysis {
  if (text.length > maxLength) {
    const empty = checkText('', uri);
    const source = new SourceFile(text, uri);
    const sink = new DiagnosticSink(uri);
    sink.report('NN1022', source.range(0, 0), { size: text.length, limit: maxLength });
    const front: FrontEndResult = { ...empty, source, diagnostics: sink.diagnostics(), hasErrors: true };
    return { uri, version, text, source, front };
  }
  const front = checkText(text, uri);
  return { uri, version, text, source: front.source, front };
}

/** What the cache needs from an open document (a `TextDocument` fits). */
export interface VersionedText {
  readonly uri: string;
  readonly version: number;
  getText(): string;
}

/**
 * One analysis per open document, recomputed only when the version changes. An instance lives
 * in the server's closure (never module state).
 */
export class AnalysisCache {
  private readonly entries = new Map<string, DocumentAnalysis>();

  constructor(private maxLength = maxLiveLength) {}

  /** Changes the live-analysis limit; documents are analysed again at their next request. */
  setMaxLength(maxLength: number): void {
    this.maxLength = maxLength;
    this.entries.clear();
  }

  /** The analysis of the document's current version, computing it if needed. */
  get(document: VersionedText): DocumentAnalysis {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const fresh = analyze(document.uri, document.version, document.getText(), this.maxLength);
    this.entries.set(document.uri, fresh);
    return fresh;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}

/** A source range (1-based line/column) as an LSP range (0-based line/character). */
export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.start.line - 1, character: range.start.column - 1 },
    end: { line: range.end.line - 1, character: range.end.column - 1 },
  };
}

/** The 0-based offset of an LSP position, clamped to its line (a character past the end means the end). */
export function offsetAt(source: SourceFile, position: LspPosition): number {
  const lineIndex = Math.max(0, Math.min(position.line, source.lineCount - 1));
  const lineStart = source.lineStarts[lineIndex]!;
  const lineLength = source.lineText(lineIndex + 1).length;
  return lineStart + Math.max(0, Math.min(position.character, lineLength));
}

/** The LSP range from one offset to another. */
export function lspRangeOf(source: SourceFile, start: number, end: number): LspRange {
  return toLspRange(source.range(start, end));
}

/** The nodes from the root down to the innermost node containing `offset` (end inclusive, so a cursor just after a name is on it). */
export function pathAt(root: AstNode, offset: number): AstNode[] {
  const path: AstNode[] = [root];
  let current: AstNode = root;
  for (;;) {
    const next = children(current).find((c) => c.range.startOffset <= offset && offset <= c.range.endOffset && c.range.endOffset > c.range.startOffset);
    if (!next) return path;
    path.push(next);
    current = next;
  }
}

/** Every checked layer of a model, in order, through residual blocks. */
export function checkedLayers(nodes: readonly CheckedNode[]): CheckedLayer[] {
  const out: CheckedLayer[] = [];
  const stack = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'layer') out.push(node);
    else for (let i = node.body.length - 1; i >= 0; i--) stack.push(node.body[i]!);
  }
  return out;
}

/** The checked layers written by the statement starting at `startOffset` (several after `repeat`), and their model. */
export function layersAt(analysis: DocumentAnalysis, startOffset: number): { model: CheckedModel; layers: CheckedLayer[] } | undefined {
  for (const model of analysis.front.checked.program.models) {
    if (startOffset < model.range.startOffset || startOffset >= model.range.endOffset) continue;
    const layers = checkedLayers(model.nodes).filter((l) => l.range.startOffset === startOffset);
    if (layers.length > 0) return { model, layers };
  }
  return undefined;
}

/** `[784]`, or `?` for an unknown shape. */
export function formatShape(shape: readonly number[] | null): string {
  return shape ? `[${shape.join(', ')}]` : '?';
}

/** 200960 -> `200,960`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
