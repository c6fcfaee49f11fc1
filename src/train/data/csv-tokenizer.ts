import { DataError } from '../../io/data-error.js';

/** One CSV record: its fields and the 1-based line each field starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly lines: number[];
  /** The line the record starts on. */
  readonly line: number;
  /** True for an empty line (one empty, unquoted field). */
  readonly blank: boolean;
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Splits CSV text into records (RFC 4180: quoted fields with `""` escapes and line breaks
 * inside; LF, CRLF and lone CR all end a record). A leading byte-order mark is dropped. Quote
 * mistakes throw a DataError naming the line and the column (named once the header is known).
 */
export class CsvTokenizer {
  private pos = 0;
  private line = 1;
  /** Column names for messages, set once the header has been read. */
  names: readonly string[] = [];
  private readonly text: string;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** The next record, or undefined at the end of the text. */
  next(): CsvRecord | undefined {
    const { text } = this;
    if (this.pos >= text.length) return undefined;
    const fields: string[] = [];
    const lines: number[] = [];
    const line = this.line;
    let quotedAny = false;
    for (;;) {
      lines.push(this.line);
      let field: string;
      if (text.charCodeAt(this.pos) === QUOTE) {
        quotedAny = true;
        field = this.quoted(fields.length + 1);
      } else {
        const start = this.pos;
        let p = start;
        for (; p < text.length; p++) {
          const c = text.charCodeAt(p);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) throw new DataError('NN6020', this.where(fields.length + 1));
        }
        field = text.slice(start, p);
        this.pos = p;
      }
      fields.push(field);
      const c = text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      if (c === CR) {
        this.pos++;
        if (text.charCodeAt(this.pos) === LF) this.pos++;
        this.line++;
      } else if (c === LF) {
        this.pos++;
        this.line++;
      }
      break;
    }
    return { fields, lines, line, blank: fields.length === 1 && fields[0] === '' && !quotedAny };
  }

  private quoted(column: number): string {
    const { text } = this;
    const startLine = this.line;
    let out = '';
    let p = this.pos + 1;
    for (;;) {
      const close = text.indexOf('"', p);
      if (close < 0) throw new DataError('NN6018', { ...this.where(column), line: startLine });
      this.countLines(p, close);
      out += text.slice(p, close);
      if (text.charCodeAt(close + 1) === QUOTE) {
        out += '"';
        p = close + 2;
        continue;
      }
      this.pos = close + 1;
      const c = text.charCodeAt(this.pos);
      if (this.pos < text.length && c !== COMMA && c !== LF && c !== CR) {
        throw new DataError('NN6019', this.where(column), { found: JSON.stringify(text[this.pos]) });
      }
      return out;
    }
  }

  private countLines(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c === LF) this.line++;
      else if (c === CR && this.text.charCodeAt(i + 1) !== LF) this.line++;
    }
  }

  private where(column: number): { file: string; line: number; column: number; columnName?: string } {
    const name = this.names[column - 1];
    return { file: this.file, line: this.line, column, ...(name !== undefined ? { columnName: name } : {}) };
  }
}
