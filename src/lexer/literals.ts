/**
 * The meaning of literal tokens: string escapes and number values. Shared by the lexer (which
 * reports malformed literals) and `buildAst` (which stores their values).
 */

/** A malformed escape inside a string token, as offsets relative to the token's start. */
export interface EscapeProblem {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A string token's value, whether it was closed, and its malformed escapes. */
export interface DecodedString {
  readonly value: string;
  readonly terminated: boolean;
  readonly problems: readonly EscapeProblem[];
}

const simpleEscapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"' };

/**
 * Decodes the image of a string token (`"..."`, possibly without its closing quote). Supported
 * escapes: `\n \t \r \\ \"` and `\u{H..}` with 1 to 6 hex digits up to U+10FFFF. A malformed
 * escape is kept as written in the value and listed in `problems`.
 */
export function decodeString(image: string): DecodedString {
  const terminated = image.length >= 2 && image.endsWith('"') && !endsInsideEscape(image);
  const body = image.slice(1, terminated ? -1 : undefined);
  const problems: EscapeProblem[] = [];
  let value = '';
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== '\\') {
      value += c;
      i++;
      continue;
    }
    const next = body[i + 1];
    if (next !== undefined && simpleEscapes[next] !== undefined) {
      value += simpleEscapes[next];
      i += 2;
      continue;
    }
    if (next === 'u') {
      const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(body.slice(i + 2, i + 12));
      const code = m ? parseInt(m[1]!, 16) : NaN;
      if (m && code <= 0x10ffff) {
        value += String.fromCodePoint(code);
        i += 2 + m[0].length;
        continue;
      }
    }
    const text = body.slice(i, i + 2);
    problems.push({ start: 1 + i, end: 1 + i + text.length, text });
    value += text;
    i += text.length;
  }
  return { value, terminated, problems };
}

/** Whether the final `"` of an image is escaped (an odd run of backslashes before it). */
function endsInsideEscape(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** The value of a number token (`1_000` is 1000). */
export function numberValue(image: string): number {
  return Number(image.replace(/_/g, ''));
}

/** Escapes a string value as a `.nn` string literal, quotes included (the inverse of `decodeString`). */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch.codePointAt(0)! < 0x20 || ch === '\u2028' || ch === '\u2029')
      out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}
