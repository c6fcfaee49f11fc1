/**
 * Python source literals for generated programs. Everything that comes from a `.nn` file (layer
 * names, model names, paths, label columns) reaches Python only through these functions, never
 * spliced raw, so no `.nn` file can change the structure of the emitted code.
 */

/**
 * A Python string literal for any JavaScript string: double-quoted and pure printable ASCII,
 * with backslash, quote and every other character outside 0x20..0x7e escaped (`\n`, `\xNN`,
 * `\uNNNN`, `\UNNNNNNNN`). Lone UTF-16 surrogates become `\udNNN` escapes, which Python accepts
 * in a `str` literal.
 */
export function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++; // a surrogate pair read as one code point
    if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x22) out += '\\"';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp >= 0x20 && cp < 0x7f) out += String.fromCharCode(cp);
    else if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(unit, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * A Python float or int literal that reads back as the same double: integers as integers,
 * everything else with JavaScript's shortest round-trip form (which Python parses identically);
 * infinities and NaN as `float("inf")`/`float("nan")`.
 */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'float("nan")';
  if (n === Infinity) return 'float("inf")';
  if (n === -Infinity) return '-float("inf")';
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 53) return Object.is(n, -0) ? '-0.0' : String(n);
  return String(n);
}

/** A float literal, always with a decimal point or exponent (`1.0`, `0.001`, `1e-05`). */
export function pyFloat(n: number): string {
  const s = pyNumber(n);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** Plain data as a Python literal: numbers, strings, booleans, None, lists (as tuples when asked) and string-keyed dicts. */
export type PyData = number | string | boolean | null | readonly PyData[] | { readonly [key: string]: PyData };

/** The Python literal of `value`; arrays become lists. */
export function pyLiteral(value: PyData): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${(value as readonly PyData[]).map(pyLiteral).join(', ')}]`;
  const entries = Object.entries(value as { readonly [key: string]: PyData });
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(', ')}}`;
}

/** A Python tuple literal of numbers (`(1, 28, 28)`, `(4,)`). */
export function pyTuple(items: readonly number[]): string {
  return items.length === 1 ? `(${pyNumber(items[0]!)},)` : `(${items.map(pyNumber).join(', ')})`;
}
