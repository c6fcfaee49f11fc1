import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/parser/index.js';

const root = join(import.meta.dirname, '..', '..');
const grammarPath = join(root, 'editors', 'vscode', 'syntaxes', 'nn.tmLanguage.json');
const examplesDir = join(root, 'examples');

interface Scoped {
  readonly line: number;
  readonly text: string;
  readonly scope: string;
}

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  return (await registry.loadGrammar('source.nn'))!;
}

/** Every token of a file with its innermost scope, line by line (rule stack carried across lines). */
function tokenize(grammar: vsctm.IGrammar, text: string): Scoped[] {
  const out: Scoped[] = [];
  let stack = vsctm.INITIAL;
  text.split('\n').forEach((lineText, i) => {
    const result = grammar.tokenizeLine(lineText, stack);
    for (const t of result.tokens) out.push({ line: i + 1, text: lineText.slice(t.startIndex, t.endIndex), scope: t.scopes[t.scopes.length - 1]! });
    stack = result.ruleStack;
  });
  return out;
}

/** The scope at a 1-based line and column. */
function scopeAt(tokens: readonly Scoped[], text: string, line: number, column: number): string {
  const lineTokens = tokens.filter((t) => t.line === line);
  let at = 0;
  for (const t of lineTokens) {
    if (column - 1 < at + t.text.length) return t.scope;
    at += t.text.length;
  }
  throw new Error(`nothing at ${line}:${column} of ${JSON.stringify(text.split('\n')[line - 1])}`);
}

/** Declared names, labels and keys (`name:`), call names (`name(`), and other names. */
function identifierScope(before: string | undefined, after: string | undefined): string {
  if (before === 'Let' || before === 'Model' || before === 'Train') return 'entity.name.type.nn';
  if (after === 'Colon') return 'variable.other.property.nn';
  if (after === 'LParen') return 'entity.name.function.nn';
  return 'variable.other.nn';
}

const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.nn')).sort();
let grammar: vsctm.IGrammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

describe('highlighting the examples with the VS Code grammar', () => {
  it.each(examples)('gives every token of %s the scope of its token class, checked against the lexer', (name) => {
    const text = readFileSync(join(examplesDir, name), 'utf8');
    const tokens = tokenize(grammar, text);
    const parsed = parse(text);
    expect(parsed.diagnostics).toEqual([]);
    for (const c of parsed.comments) {
      const expected = c.kind === 'line' ? 'comment.line.double-slash.nn' : 'comment.block.nn';
      expect(scopeAt(tokens, text, c.range.start.line, c.range.start.column), c.text).toBe(expected);
    }
    parsed.tokens.forEach((t, i) => {
      const line = text.slice(0, t.startOffset).split('\n').length;
      const column = t.startOffset - text.lastIndexOf('\n', t.startOffset - 1);
      const scope = scopeAt(tokens, text, line, column);
      const kind = t.tokenType.name;
      if (kind === 'NumberLiteral') expect(scope, t.image).toBe('constant.numeric.nn');
      else if (kind === 'StringLiteral') expect(scope, t.image).toBe('string.quoted.double.nn');
      else if (kind === 'True' || kind === 'False') expect(scope, t.image).toBe('constant.language.boolean.nn');
      else if (kind === 'Let' || kind === 'Model' || kind === 'Train') expect(scope, t.image).toBe('keyword.declaration.nn');
      else if (kind === 'Input' || kind === 'Repeat' || kind === 'Residual') expect(scope, t.image).toBe('keyword.control.nn');
      else if (['Plus', 'Minus', 'Star', 'Slash', 'Percent'].includes(kind)) expect(scope, t.image).toBe('keyword.operator.arithmetic.nn');
      else if (kind === 'Identifier') expect(scope, t.image).toBe(identifierScope(parsed.tokens[i - 1]?.tokenType.name, parsed.tokens[i + 1]?.tokenType.name));
    });
  });

  it('scopes labels, call names, argument and train keys, plain names and punctuation in mnist-cnn.nn', () => {
    const text = readFileSync(join(examplesDir, 'mnist-cnn.nn'), 'utf8');
    const tokens = tokenize(grammar, text);
    const scopeOf = (needle: string, nth = 0): string => {
      let from = -1;
      for (let i = 0; i <= nth; i++) from = text.indexOf(needle, from + 1);
      expect(from, needle).toBeGreaterThanOrEqual(0);
      const line = text.slice(0, from).split('\n').length;
      return scopeAt(tokens, text, line, from - text.lastIndexOf('\n', from - 1));
    };
    expect(scopeOf('conv1:')).toBe('variable.other.property.nn');
    expect(scopeOf('conv2d(')).toBe('entity.name.function.nn');
    expect(scopeOf('padding:')).toBe('variable.other.property.nn');
    expect(scopeOf('same')).toBe('variable.other.nn');
    expect(scopeOf('data:')).toBe('variable.other.property.nn');
    expect(scopeOf('MnistCnn')).toBe('entity.name.type.nn');
    expect(scopeOf('{')).toBe('punctuation.section.block.nn');
    expect(scopeOf('[1,')).toBe('punctuation.section.brackets.nn');
    expect(scopeOf('(8,')).toBe('punctuation.section.parens.nn');
    expect(scopeOf(', 3,')).toBe('punctuation.separator.comma.nn');
  });

  it('scopes operators, escapes and a block comment spanning lines', () => {
    const text = 'let w = (width * 2 - 1) % 3 / 4 + 1e-3\nlet s = "a\\tb"\n/* one\n   two */ let x = 1';
    const tokens = tokenize(grammar, text);
    for (const op of ['*', '-', '%', '/', '+']) {
      const at = text.indexOf(` ${op} `) + 1;
      expect(scopeAt(tokens, text, 1, at + 1), op).toBe('keyword.operator.arithmetic.nn');
    }
    expect(scopeAt(tokens, text, 1, text.indexOf('1e-3') + 1)).toBe('constant.numeric.nn');
    expect(scopeAt(tokens, text, 1, 7)).toBe('keyword.operator.assignment.nn');
    expect(scopeAt(tokens, text, 2, 11)).toBe('constant.character.escape.nn');
    expect(scopeAt(tokens, text, 4, 4)).toBe('comment.block.nn');
    expect(scopeAt(tokens, text, 4, 11)).toBe('keyword.declaration.nn');
  });
});
