import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

async function run(args: string[], cwd = examples): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd });
  return { code, out, err };
}

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nn-check-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const typo = 'model M {\n  input [4]\n  rleu\n  dense(3, init: he_nromal)\n}\n';

describe('nn check', () => {
  it('renders each error as file:line:col, the source line and a caret under the range, and exits 1', async () => {
    const dir = scratch({ 'typo.nn': typo });
    const { code, out } = await run(['check', 'typo.nn'], dir);
    expect(code).toBe(1);
    expect(out).toContain("typo.nn:3:3: error[NN2001]: unknown layer 'rleu'; did you mean 'relu'?");
    expect(out).toContain('3 |   rleu\n  |   ^^^^');
    expect(out).toContain("typo.nn:4:18: error[NN2002]: unknown initializer 'he_nromal'; did you mean 'he_normal'?");
    expect(out).toContain('  |                  ^^^^^^^^^');
    expect(out).toContain('typo.nn: 2 errors');
    expect(out).toContain('nn explain NN2001');
  });

  it('exits 0 on warnings alone and names the estimate behind a vanishing-gradient warning', async () => {
    const { code, out } = await run(['check', 'deep-sigmoid.nn']);
    expect(code).toBe(0);
    expect(out).toMatch(/warning\[NN8001\]: gradients will likely vanish .* about \d(\.\d+)?e-\d+/);
    expect(out).toContain('deep-sigmoid.nn: 1 warning');
  });

  it('prints the contract JSON with 1-based ranges, an exclusive end and the hint', async () => {
    const dir = scratch({ 'typo.nn': typo });
    const { code, out } = await run(['check', 'typo.nn', '--json'], dir);
    expect(code).toBe(1);
    const json = JSON.parse(out);
    expect(json[0]).toEqual({
      file: 'typo.nn',
      range: { start: { line: 3, column: 3 }, end: { line: 3, column: 7 } },
      severity: 'error',
      code: 'NN2001',
      message: "unknown layer 'rleu'; did you mean 'relu'?",
      hint: "replace with 'relu'",
    });
    expect(json).toHaveLength(2);
  });

  it('checks several files in one run and fails when any of them has an error', async () => {
    const dir = scratch({ 'good.nn': 'model A {\n  input [2]\n  dense(1)\n}\n', 'bad.nn': typo });
    const both = await run(['check', 'good.nn', 'bad.nn'], dir);
    expect(both.code).toBe(1);
    expect(both.out).toContain('2 files: 2 errors');
    const good = await run(['check', 'good.nn'], dir);
    expect(good.code).toBe(0);
    expect(good.out).toBe('good.nn: no problems\n');
  });

  it('checks every example without errors', async () => {
    const { code } = await run(['check', 'xor.nn', 'iris.nn', 'mnist-mlp.nn', 'mnist-cnn.nn', 'regularized.nn', 'optimizers.nn', 'deep-sigmoid-fixed.nn']);
    expect(code).toBe(0);
  });

  it.each([
    [['check'], /no input files/, 2],
    [['check', 'missing.nn'], /missing\.nn: no such file/, 1],
    [['check', '.'], /is a directory/, 1],
    [['check', 'xor.nn', '--jsn'], /nn check: Unknown option '--jsn'/, 2],
  ])('refuses %j with one clear message and no stack trace', async (args, message, exit) => {
    const { code, err } = await run(args as string[]);
    expect(code).toBe(exit);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('never throws on binary garbage: it reports syntax errors and exits 1', async () => {
    const bytes = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    const dir = scratch({ 'garbage.nn': bytes });
    const { code, out } = await run(['check', 'garbage.nn'], dir);
    expect(code).toBe(1);
    expect(out).toMatch(/error\[NN1\d{3}\]/);
  });
});
