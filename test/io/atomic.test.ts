import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { DataError } from '../../src/io/data-error.js';

const root = mkdtempSync(join(tmpdir(), 'nn-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes text, bytes and chunks, replacing an old file and leaving no temporary file', () => {
    const dir = mkdtempSync(join(root, 'ok-'));
    const path = join(dir, 'w.bin');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    writeFileAtomic(path, [Uint8Array.from([4]), Uint8Array.from([5, 6])]);
    expect(Array.from(readFileSync(path))).toEqual([4, 5, 6]);
    expect(readdirSync(dir)).toEqual(['w.bin']);
  });

  it('keeps the old file intact and removes the temporary file when writing fails midway', () => {
    const dir = mkdtempSync(join(root, 'fail-'));
    const path = join(dir, 'w.safetensors');
    writeFileSync(path, 'previous weights');
    function* failing(): Generator<Uint8Array> {
      yield new TextEncoder().encode('half of the new ');
      throw new Error('disk full');
    }
    expect(() => writeFileAtomic(path, failing())).toThrowError(DataError);
    expect(readFileSync(path, 'utf8')).toBe('previous weights');
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
  });

  it('reports a rename that fails (the target is a folder) and cleans up', () => {
    const dir = mkdtempSync(join(root, 'dir-'));
    mkdirSync(join(dir, 'out'));
    try {
      writeFileAtomic(join(dir, 'out'), 'x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).code).toBe('NN6042');
      expect((e as DataError).message).toContain(`cannot write '${join(dir, 'out')}'`);
    }
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('removes temporary files of writers that no longer run, and keeps those of live ones and of other targets', () => {
    const dir = mkdtempSync(join(root, 'stale-'));
    const path = join(dir, 'w.ckpt');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(gone.stdout);
    expect(deadPid).toBeGreaterThan(0);
    const stale = `.w.ckpt.${deadPid}-0123456789ab.tmp`;
    const live = `.w.ckpt.${process.pid}-0123456789ab.tmp`;
    const other = `.v.ckpt.${deadPid}-0123456789ab.tmp`;
    const unrelated = `.w.ckpt.notes.tmp`;
    for (const f of [stale, live, other, unrelated]) writeFileSync(join(dir, f), 'partial');
    writeFileAtomic(path, 'new');
    expect(readdirSync(dir).sort()).toEqual([live, unrelated, other, 'w.ckpt'].sort());
  });

  it('reports a missing folder naming the path', () => {
    expect(() => writeFileAtomic(join(root, 'nope', 'w.bin'), 'x')).toThrowError(`cannot write '${join(root, 'nope', 'w.bin')}'`);
  });
});
