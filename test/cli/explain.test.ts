import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd: '.' });
  return { code, out, err };
}

describe('nn explain', () => {
  it('prints the meaning, an example and the fix of NN8001', async () => {
    const { code, out } = await run(['explain', 'NN8001']);
    expect(code).toBe(0);
    expect(out).toMatch(/^NN8001: vanishing gradients \(warning\)/);
    expect(out).toContain('Example:');
    expect(out).toContain('    model Deep {');
    expect(out).toContain('Fix:');
  });

  it('accepts lower-case codes', async () => {
    expect((await run(['explain', 'nn2001'])).out).toContain('unknown layer');
  });

  it('refuses an unknown code with a clear message and exit 2', async () => {
    const { code, err } = await run(['explain', 'NN0000']);
    expect(code).toBe(2);
    expect(err).toContain("unknown diagnostic code 'NN0000'");
  });
});
