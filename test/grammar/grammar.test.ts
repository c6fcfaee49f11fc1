import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { keywords } from '../../src/lexer/index.js';
import { NnParser } from '../../src/parser/index.js';

const grammarDir = fileURLToPath(new URL('../../grammar/', import.meta.url));
const tmPath = `${grammarDir}nn.tmLanguage.json`;
const diagramsPath = `${grammarDir}syntax-diagrams.html`;

/** Words listed in `\b(a|b|c)\b` alternations of the TextMate grammar's `keywords` repository entry. */
function textMateKeywords(): string[] {
  const grammar = JSON.parse(readFileSync(tmPath, 'utf8')) as {
    repository: { keywords: { patterns: { match: string }[] } };
  };
  return grammar.repository.keywords.patterns.flatMap((p) => /^\\b\((.*)\)\\b$/.exec(p.match)![1]!.split('|'));
}

async function tokenizer(): Promise<vsctm.IGrammar> {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(tmPath, 'utf8'), tmPath),
  });
  return (await registry.loadGrammar('source.nn'))!;
}

describe('grammar/', () => {
  it('lists in the TextMate grammar exactly the keywords the lexer knows', () => {
    expect(textMateKeywords().sort()).toEqual([...keywords].sort());
  });

  it('highlights comments, strings, escapes, numbers, keywords, labels, calls and key names', async () => {
    const grammar = await tokenizer();
    const line = 'fc1: dense(10, init: he_normal) "a\\n" 1e-3 true // note';
    const { tokens } = grammar.tokenizeLine(line, vsctm.INITIAL);
    const scopeOf = (text: string) => {
      const at = line.indexOf(text);
      const token = tokens.find((t) => t.startIndex <= at && at < t.endIndex)!;
      return token.scopes[token.scopes.length - 1];
    };
    expect(scopeOf('fc1')).toBe('variable.other.property.nn');
    expect(scopeOf('dense')).toBe('entity.name.function.nn');
    expect(scopeOf('init')).toBe('variable.other.property.nn');
    expect(scopeOf('he_normal')).toBe('variable.other.nn');
    expect(scopeOf('\\n')).toBe('constant.character.escape.nn');
    expect(scopeOf('1e-3')).toBe('constant.numeric.nn');
    expect(scopeOf('true')).toBe('constant.language.boolean.nn');
    expect(scopeOf('// note')).toBe('comment.line.double-slash.nn');
    for (const k of keywords.filter((w) => w !== 'true' && w !== 'false')) {
      const { tokens: ts } = grammar.tokenizeLine(`${k} `, vsctm.INITIAL);
      expect(ts[0]!.scopes.some((s) => s.startsWith('keyword.'))).toBe(true);
    }
  });

  it('has syntax diagrams generated from the current parser (UPDATE_GRAMMAR=1 rewrites them)', () => {
    const html = createSyntaxDiagramsCode(new NnParser().getSerializedGastProductions());
    if (process.env['UPDATE_GRAMMAR'] === '1') writeFileSync(diagramsPath, html);
    expect(readFileSync(diagramsPath, 'utf8')).toBe(html);
  });

  it('names every parser rule in the hand-written EBNF', () => {
    const ebnf = readFileSync(`${grammarDir}nn.ebnf`, 'utf8');
    const defined = [...ebnf.matchAll(/^([a-zA-Z]+)\s*=/gm)].map((m) => m[1]);
    for (const rule of Object.keys(new NnParser().getGAstProductions())) expect(defined).toContain(rule);
  });
});
