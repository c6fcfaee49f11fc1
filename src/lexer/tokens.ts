import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * The token vocabulary of `.nn`. Keywords are derived from {@link keywords}, so the lexer, the
 * parser, the TextMate grammar test and editor completion all read one list.
 */

/** Every reserved word, in the order the language reference lists them. */
export const keywords = ['let', 'model', 'train', 'input', 'repeat', 'residual', 'true', 'false'] as const;

export type Keyword = (typeof keywords)[number];

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

function keyword(word: Keyword): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  // longer_alt makes `inputs` and `letter` identifiers rather than a keyword plus a name.
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, label: `\`${word}\`` });
}

export const Let = keyword('let');
export const Model = keyword('model');
export const Train = keyword('train');
export const Input = keyword('input');
export const Repeat = keyword('repeat');
export const Residual = keyword('residual');
export const True = keyword('true');
export const False = keyword('false');

/** The keyword token types, keyed by the word. */
export const keywordTokens: Readonly<Record<Keyword, TokenType>> = {
  let: Let,
  model: Model,
  train: Train,
  input: Input,
  repeat: Repeat,
  residual: Residual,
  true: True,
  false: False,
};

const digits = String.raw`\d+(?:_\d+)*`;
const exponent = String.raw`(?:[eE][+-]?${digits})?`;
/**
 * `64`, `0.5`, `1e-3`, `1_000`. `.5` is lexed too (so the parser sees a number) but the lexer
 * reports it as an error with a fix; `5.` is a number followed by a stray `.`.
 */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: new RegExp(String.raw`(?:${digits}(?:\.${digits})?|\.${digits})${exponent}`),
  label: 'a number',
});

/**
 * A string on one line. The closing quote is optional in the pattern so an unterminated string
 * is still one token (reported by the lexer) instead of a cascade of bad characters.
 */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n]?[^"\\\r\n]*)*"?/,
  label: 'a string',
});

export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: 'comments' });

/** A block comment, or an unterminated one running to the end of the file (reported by the lexer). */
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: {
    exec(text: string, offset: number): RegExpExecArray | null {
      if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return null;
      const close = text.indexOf('*/', offset + 2);
      const end = close < 0 ? text.length : close + 2;
      const match = [text.slice(offset, end)] as unknown as RegExpExecArray;
      return match;
    },
  },
  start_chars_hint: ['/'],
  line_breaks: true,
  group: 'comments',
});

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff\u2028\u2029]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
/** `+` and `-`: binary operators of the lowest precedence, and signs. */
export const AdditiveOperator = createToken({ name: 'AdditiveOperator', pattern: Lexer.NA, label: "'+' or '-'" });
/** `*`, `/` and `%`. */
export const MultiplicativeOperator = createToken({ name: 'MultiplicativeOperator', pattern: Lexer.NA, label: "'*', '/' or '%'" });
/** Every binary operator; precedence is applied by `buildAst`, which keeps the CST shallow. */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });

export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'", categories: [AdditiveOperator, BinaryOperator] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'", categories: [AdditiveOperator, BinaryOperator] });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'", categories: [MultiplicativeOperator, BinaryOperator] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'", categories: [MultiplicativeOperator, BinaryOperator] });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'", categories: [MultiplicativeOperator, BinaryOperator] });

/** Every token type, in matching order (comments before `/`, keywords before names). */
export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  ...Object.values(keywordTokens),
  Identifier,
  NumberLiteral,
  StringLiteral,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  AdditiveOperator,
  MultiplicativeOperator,
  BinaryOperator,
];
