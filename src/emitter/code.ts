/** Helpers for writing code text: flavors (TypeScript or plain JavaScript) and safe literals. */

/** `ts` emits type annotations; `js` emits the same code without them. */
export type Flavor = 'ts' | 'js';

/** A line-oriented writer with indentation. */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;
  constructor(readonly flavor: Flavor) {}

  line(text = ''): this {
    this.lines.push(text === '' ? '' : `${'  '.repeat(this.depth)}${text}`);
    return this;
  }

  /** Opens a block with `head {`; `close()` ends it. */
  open(head: string): this {
    this.line(head === '' ? '{' : `${head} {`);
    this.depth++;
    return this;
  }

  close(tail = '}'): this {
    this.depth--;
    return this.line(tail);
  }

  /** `: T` in TypeScript, nothing in JavaScript. */
  t(type: string): string {
    return this.flavor === 'ts' ? `: ${type}` : '';
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/**
 * A JavaScript literal for plain data (numbers, booleans, strings, arrays, objects). Strings
 * always go through JSON.stringify, so a name from a `.nn` file can never end the literal;
 * U+2028/U+2029 are escaped too (older engines treat them as line ends).
 */
export function lit(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(lit).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${lit(k)}: ${lit(v)}`);
    return `{ ${entries.join(', ')} }`;
  }
  throw new Error(`lit: cannot write ${typeof value}`);
}

/** A comment-safe rendering of a name (no comment terminator, no line ends), for readability only. */
export function commentText(s: string): string {
  return s.replace(/\*\//g, '* /').replace(/[\r\n\u2028\u2029]/g, ' ').slice(0, 80);
}
