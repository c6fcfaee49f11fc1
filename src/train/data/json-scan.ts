/**
 * A JSON scanner that builds nothing and only reports positions: where the first syntax error
 * is, or where the value at a given path starts. `JSON.parse` does the fast work; this runs
 * only when a message needs a line and column.
 */

/** A 1-based line and column in the text (columns in UTF-16 code units). */
export interface TextPlace {
  readonly line: number;
  readonly column: number;
}

/** A key or an index on the way from the root to a value. */
export type JsonPath = readonly (string | number)[];

/** The first syntax error of `text`, or undefined if it is valid JSON. */
export function findJsonSyntaxError(text: string): (TextPlace & { detail: string }) | undefined {
  const scanner = new Scanner(text, undefined);
  try {
    scanner.document();
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxProblem) return { ...placeOf(text, e.offset), detail: e.detail };
    throw e;
  }
}

/** Where the value at `path` starts, or undefined when the text has no such value. */
export function findJsonValue(text: string, path: JsonPath): TextPlace | undefined {
  const scanner = new Scanner(text, path);
  try {
    scanner.document();
  } catch (e) {
    if (e instanceof Found) return placeOf(text, e.offset);
    if (!(e instanceof SyntaxProblem)) throw e;
  }
  return undefined;
}

/** The 1-based line and column of an offset. */
export function placeOf(text: string, offset: number): TextPlace {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class SyntaxProblem {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {}
}

class Found {
  constructor(readonly offset: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 1000;

class Scanner {
  private pos = 0;
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly target: JsonPath | undefined,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): void {
    this.value();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('the end of the file after the JSON value');
  }

  private value(): void {
    this.skipSpace();
    if (this.isTarget()) throw new Found(this.pos);
    if (this.path.length > MAX_DEPTH) throw new SyntaxProblem(this.pos, `nesting deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.pos];
    if (c === '{') this.object();
    else if (c === '[') this.array();
    else if (c === '"') this.string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) this.number();
    else if (!this.literal('true') && !this.literal('false') && !this.literal('null')) this.fail('a value');
  }

  private object(): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('a string key in double quotes');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("':' after the key");
      this.pos++;
      this.path.push(key);
      this.value();
      this.path.pop();
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return;
      if (c !== ',') this.fail("',' or '}' after an object member", -1);
    }
  }

  private array(): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let index = 0; ; index++) {
      this.path.push(index);
      this.value();
      this.path.pop();
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return;
      if (c !== ',') this.fail("',' or ']' after an array element", -1);
    }
  }

  private string(): string {
    const start = this.pos;
    let p = this.pos + 1;
    for (; p < this.text.length; p++) {
      const c = this.text.charCodeAt(p);
      if (c === 34) break;
      if (c < 32) throw new SyntaxProblem(p, 'a control character inside a string (write \\n, \\t, ...)');
      if (c === 92) {
        const e = this.text[p + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(p + 2, p + 6))) throw new SyntaxProblem(p, 'a \\u escape needs 4 hex digits');
          p += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) p++;
        else throw new SyntaxProblem(p, `an invalid escape \\${e ?? ''}`);
      }
    }
    if (p >= this.text.length) throw new SyntaxProblem(start, 'a string that is never closed');
    this.pos = p + 1;
    return JSON.parse(this.text.slice(start, p + 1)) as string;
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m || m[0] === '-') this.fail('a number');
    this.pos += m![0].length;
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail('a well-formed number');
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.pos++;
    }
  }

  private isTarget(): boolean {
    const t = this.target;
    if (!t || t.length !== this.path.length) return false;
    for (let i = 0; i < t.length; i++) if (t[i] !== this.path[i]) return false;
    return true;
  }

  private fail(expected: string, back = 0): never {
    const at = this.pos + back;
    const found = at >= this.text.length ? 'the end of the file' : JSON.stringify(this.text[at]);
    throw new SyntaxProblem(at, `expected ${expected}, found ${found}`);
  }
}
