import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('nn compile', () => {
  it('writes the plan module to -o and prints buffer bytes before and after sharing with --stats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-compile-'));
    const out = join(dir, 'plan.ts');
    const r = await run(['compile', 'mnist-mlp.nn', '-o', out, '--stats']);
    expect(r.code).toBe(0);
    const code = readFileSync(out, 'utf8');
    expect(code).toContain('import * as rt from "nn-lang/runtime";');
    expect(code).toContain('export function create(seed: number): CompiledPlan');
    const m = /training buffers: (\d+) bytes .* unshared, (\d+) bytes .* (\d+) bytes saved/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![1]) - Number(m![2])).toBe(Number(m![3]));
    expect(Number(m![3])).toBeGreaterThan(0);
  });

  it('prints the module on stdout without -o and honours --model and --batch', async () => {
    const r = await run(['compile', 'xor.nn', '--batch', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('batch capacity 3');
  });

  it('prints the diagnostics of a file with errors and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-compile-'));
    writeFileSync(join(dir, 'bad.nn'), 'model M {\n  input [4]\n  dense(3, activaton: relu)\n}\n');
    const r = await run(['compile', 'bad.nn', '-o', 'plan.ts'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad.nn:3');
    expect(() => readFileSync(join(dir, 'plan.ts'))).toThrow();
  });

  it('names a missing model', async () => {
    const r = await run(['compile', 'xor.nn', '--model', 'Nope']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("no model 'Nope'");
  });
});
