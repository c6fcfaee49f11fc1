/**
 * Source files, positions and ranges. This is the only module that converts raw character
 * offsets (as Chevrotain reports them) into the 1-based line/column positions every other
 * stage, the CLI and the language server speak.
 */

/** A 1-based line and column. Columns count UTF-16 code units, as editors do. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A half-open source range: `end` is exclusive. Offsets are 0-based character offsets. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
  readonly startOffset: number;
  readonly endOffset: number;
}

/** The text of one `.nn` file with a line table for offset <-> position conversion. */
export class SourceFile {
  readonly lineStarts: readonly number[];

  constructor(
    readonly text: string,
    readonly path: string = '<input>',
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /** The 1-based position of a 0-based offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo]! + 1 };
  }

  /** The 0-based offset of a 1-based position (clamped to the text). */
  offset(pos: Position): number {
    const lineIndex = Math.max(0, Math.min(pos.line - 1, this.lineStarts.length - 1));
    return Math.min(this.text.length, this.lineStarts[lineIndex]! + Math.max(0, pos.column - 1));
  }

  /** A range from a start offset (inclusive) to an end offset (exclusive). */
  range(startOffset: number, endOffset: number): Range {
    const s = Math.max(0, Math.min(startOffset, this.text.length));
    const e = Math.max(s, Math.min(endOffset, this.text.length));
    return { start: this.position(s), end: this.position(e), startOffset: s, endOffset: e };
  }

  /** The text of line `line` (1-based) without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const raw = this.text.slice(start, next ?? this.text.length);
    return raw.replace(/\r?\n$|\r$/, '');
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** A range covering `a` through `b`. */
export function spanRanges(a: Range, b: Range): Range {
  const first = a.startOffset <= b.startOffset ? a : b;
  const last = a.endOffset >= b.endOffset ? a : b;
  return { start: first.start, end: last.end, startOffset: first.startOffset, endOffset: last.endOffset };
}

/** An empty range at the start of a file, for diagnostics that belong to no token. */
export const fileStartRange: Range = {
  start: { line: 1, column: 1 },
  end: { line: 1, column: 1 },
  startOffset: 0,
  endOffset: 0,
};
