import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd });
  return { code, out, err };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nn-fmt-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const messy = 'model M{input [4] dense(1)}\n';
const tidy = 'model M {\n  input [4]\n  dense(1)\n}\n';
const broken = 'model M {\n  dense(1,, 2)\n}\n';

describe('nn fmt', () => {
  it('prints the formatted text to stdout and leaves the file alone with no flag', async () => {
    const dir = folder({ 'a.nn': messy });
    const { code, out } = await run(['fmt', 'a.nn'], dir);
    expect(code).toBe(0);
    expect(out).toBe(tidy);
    expect(readFileSync(join(dir, 'a.nn'), 'utf8')).toBe(messy);
  });

  it('lists the files that would change with --check and exits 1, or exits 0 when all are formatted', async () => {
    const dir = folder({ 'a.nn': messy, 'b.nn': tidy });
    const some = await run(['fmt', '--check', 'a.nn', 'b.nn'], dir);
    expect(some.code).toBe(1);
    expect(some.out).toBe('a.nn\n');
    expect(some.err).toContain('1 file not formatted');
    expect(readFileSync(join(dir, 'a.nn'), 'utf8')).toBe(messy);
    const none = await run(['fmt', '--check', 'b.nn'], dir);
    expect(none).toMatchObject({ code: 0, out: '' });
  });

  it('rewrites only the changed files with --write, leaving no temporary file behind', async () => {
    const dir = folder({ 'a.nn': messy, 'b.nn': tidy });
    const { code, out } = await run(['fmt', '--write', 'a.nn', 'b.nn'], dir);
    expect(code).toBe(0);
    expect(out).toBe('formatted a.nn\n');
    expect(readFileSync(join(dir, 'a.nn'), 'utf8')).toBe(tidy);
    expect(readdirSync(dir).sort()).toEqual(['a.nn', 'b.nn']);
    expect((await run(['fmt', '--check', 'a.nn'], dir)).code).toBe(0);
  });

  it('refuses a file with a syntax error: prints its diagnostics, exits 1 and never writes it', async () => {
    const dir = folder({ 'bad.nn': broken, 'a.nn': messy });
    const { code, out, err } = await run(['fmt', '--write', 'bad.nn', 'a.nn'], dir);
    expect(code).toBe(1);
    expect(err).toMatch(/bad\.nn:2:\d+: error\[NN1\d{3}\]/);
    expect(err).toContain('2 |   dense(1,, 2)');
    expect(err).toContain('bad.nn: not formatted');
    expect(readFileSync(join(dir, 'bad.nn'), 'utf8')).toBe(broken);
    expect(out).toBe('formatted a.nn\n');
    expect(readFileSync(join(dir, 'a.nn'), 'utf8')).toBe(tidy);
  });

  it('rejects a missing file, no files, and --check with --write', async () => {
    const dir = folder({ 'a.nn': tidy });
    expect(await run(['fmt', 'nope.nn'], dir)).toMatchObject({ code: 1, err: 'nope.nn: no such file\n' });
    expect((await run(['fmt'], dir)).code).toBe(2);
    expect((await run(['fmt', '--check', '--write', 'a.nn'], dir)).code).toBe(2);
  });

  it('is listed by nn help', async () => {
    const { out } = await run(['help'], tmpdir());
    expect(out).toMatch(/^ {2}fmt +format \.nn files/m);
  });
});
