import { fileMessages, type FileMessageCode } from '../diagnostics/codes/files.js';
import { formatMessage } from '../diagnostics/table.js';
import type { MessageArgs } from '../diagnostics/types.js';

/**
 * Where in a file a data problem is. `line` is 1-based. For CSV, `column` is the 1-based field
 * index and `columnName` the header's name for it; for JSON, `column` is the 1-based character
 * column. Binary formats (IDX, safetensors) and whole-file problems have no line or column.
 */
export interface DataLocation {
  /** The path as displayed: the `.nn` file's folder joined with the path as written. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly columnName?: string;
}

/**
 * A problem with a data, weights or checkpoint file: one message, one place. Thrown by the data
 * loaders, the safetensors reader and the atomic writer; the CLI prints `format()` and exits 1.
 */
export class DataError extends Error {
  readonly code: FileMessageCode;
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly columnName: string | undefined;

  constructor(code: FileMessageCode, where: DataLocation, args: MessageArgs = {}) {
    super(formatMessage(fileMessages[code].template, args));
    this.name = 'DataError';
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.columnName = where.columnName;
  }

  /** `file:line:col: error[NN6xxx]: message`, leaving out the parts that are unknown. */
  format(): string {
    let place = this.file;
    if (this.line !== undefined) {
      place += `:${this.line}`;
      if (this.column !== undefined) place += `:${this.column}`;
    }
    return `${place}: error[${this.code}]: ${this.message}`;
  }
}

/** A value as it appears in a message: strings quoted, long ones cut. */
export function showFound(value: string): string {
  const cut = value.length > 40 ? `${value.slice(0, 37)}...` : value;
  return JSON.stringify(cut);
}

/** A shape as written in `.nn` files: `[1, 28, 28]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
