import { describe, expect, it } from 'vitest';
import { maxBlockDepth, maxExpressionDepth, maxSourceLength, parse } from '../../src/parser/index.js';
import { walk } from '../../src/ast/walk.js';
import { print } from '../../src/ast/print.js';
import { garbage } from '../../bench/garbage.js';

/**
 * Parses and asserts that it took less than `ms` milliseconds: a bound against super-linear
 * blow-ups (quadratic recovery on 2 MB would take minutes), far above the real time so that a
 * loaded machine cannot fail it. The time itself is measured by `npm run bench:frontend` (about
 * 0.7 s for the largest accepted file of garbage here, quiet; 1.9 s seen in a loaded full run).
 */
function timedParse(text: string, ms = 20_000) {
  const start = performance.now();
  const result = parse(text);
  expect(performance.now() - start).toBeLessThan(ms);
  return result;
}

function codes(text: string): string[] {
  return timedParse(text).diagnostics.map((d) => d.code);
}

describe('bad input', () => {
  it('parses an empty file to an empty program', () => {
    const result = timedParse('');
    expect(result.diagnostics).toEqual([]);
    expect(result.program.decls).toEqual([]);
  });

  it('reports binary garbage without throwing, capped at a readable number of diagnostics', () => {
    const { diagnostics } = timedParse(garbage(100_000));
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.length).toBeLessThanOrEqual(202);
    expect(diagnostics.some((d) => d.code === 'NN1021')).toBe(true);
  });

  it('parses the largest accepted file of garbage in seconds, and refuses 5 MB of it', () => {
    expect(codes(garbage(maxSourceLength))).toContain('NN1001');
    expect(codes(garbage(5_000_000))).toEqual(['NN1022']);
  });

  it('refuses a 5 MB file at once with NN1022', () => {
    const line = 'model M { input [784] fc1: dense(256, init: he_normal) relu dropout(0.2) }\n';
    expect(codes(line.repeat(Math.ceil(5_000_000 / line.length)))).toEqual(['NN1022']);
    expect(codes('x'.repeat(maxSourceLength))).not.toContain('NN1022');
  });

  it.each([
    ['parentheses', `let x = ${'('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['lists', `let x = ${'['.repeat(10_000)}1${']'.repeat(10_000)}`],
    ['calls', `let x = ${'f('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['signs', `let x = ${'-'.repeat(10_000)}1`],
    ['an operator chain', `let x = ${Array(10_000).fill('1').join(' + ')}`],
    ['unclosed parentheses', `let x = ${'('.repeat(10_000)}`],
  ])('reports %s nested 10,000 deep as too deep', (_name, text) => {
    expect(codes(text)).toContain('NN1020');
  });

  it('reports blocks nested 10,000 deep as too deep', () => {
    const text = `model M { ${'repeat 2 { '.repeat(10_000)}relu${' }'.repeat(10_000)} }`;
    const { diagnostics } = timedParse(text);
    expect(diagnostics.map((d) => d.code)).toContain('NN1020');
    expect(diagnostics.find((d) => d.code === 'NN1020')?.message).toBe(`this block is nested deeper than ${maxBlockDepth} levels`);
  });

  it('accepts nesting just inside the limits, and later stages can walk and print it', () => {
    const blocks = `model M { ${'residual { '.repeat(maxBlockDepth - 1)}relu${' }'.repeat(maxBlockDepth - 1)} }`;
    const depth = maxExpressionDepth - 1;
    const parens = `let x = ${'('.repeat(depth)}1${')'.repeat(depth)}`;
    const calls = `let x = ${'f('.repeat(depth)}1${')'.repeat(depth)}`;
    for (const [text, nodes] of [[blocks, maxBlockDepth], [parens, depth], [calls, depth]] as const) {
      const { diagnostics, program } = timedParse(text);
      expect(diagnostics).toEqual([]);
      let count = 0;
      walk(program, () => void count++);
      expect(count).toBeGreaterThan(nodes);
      expect(print(program).length).toBeGreaterThan(nodes);
    }
  });

  it('reports the first over-deep parenthesis, one level past the limit', () => {
    const text = `let x = ${'('.repeat(maxExpressionDepth + 1)}1${')'.repeat(maxExpressionDepth + 1)}`;
    const d = timedParse(text).diagnostics.find((x) => x.code === 'NN1020');
    expect(d?.range.startOffset).toBe('let x = '.length + maxExpressionDepth);
  });
});
