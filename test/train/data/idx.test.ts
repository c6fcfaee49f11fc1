import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src/io/data-error.js';
import { decodeIdx, idxTypeCodes } from '../../../src/train/data/idx.js';
import { loadIdx } from '../../../src/train/data/files.js';

type IdxType = keyof typeof idxTypeCodes;
const SIZES: Record<IdxType, number> = { ubyte: 1, sbyte: 1, short: 2, int: 4, float: 4, double: 8 };

/** Writes an IDX file the way the MNIST files are laid out (big-endian). */
function idx(type: IdxType, shape: number[], values: number[]): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * SIZES[type]);
  const v = new DataView(out.buffer);
  out[2] = idxTypeCodes[type];
  out[3] = shape.length;
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  values.forEach((x, i) => {
    const o = header + i * SIZES[type];
    if (type === 'ubyte') v.setUint8(o, x);
    else if (type === 'sbyte') v.setInt8(o, x);
    else if (type === 'short') v.setInt16(o, x, false);
    else if (type === 'int') v.setInt32(o, x, false);
    else if (type === 'float') v.setFloat32(o, x, false);
    else v.setFloat64(o, x, false);
  });
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'nn-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('IDX files', () => {
  it.each([
    ['ubyte', [0, 255, 7]],
    ['sbyte', [-128, 127, 0]],
    ['short', [-300, 300, 1]],
    ['int', [-70000, 70000, 2]],
    ['float', [0.5, -1.25, 3]],
    ['double', [0.25, -2.5, 1e10]],
  ] as [IdxType, number[]][])('decodes %s elements big-endian', (type, values) => {
    const a = decodeIdx(idx(type, [3], values), 'f.idx');
    expect(a.shape).toEqual([3]);
    expect(a.type).toBe(type);
    expect(Array.from(a.data)).toEqual(values.map(Math.fround));
  });

  it('pairs gzipped images [N, H, W] with labels into a [1, H, W] input, pixels as they are', () => {
    const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20);
    writeFileSync(join(dir, 'img.idx.gz'), gzipSync(idx('ubyte', [3, 2, 2], pixels)));
    writeFileSync(join(dir, 'lab.idx'), idx('ubyte', [3], [2, 0, 9]));
    const d = loadIdx('img.idx.gz', 'lab.idx', dir, { labels: { kind: 'class', outputs: 10 }, inputShape: [1, 2, 2] });
    expect(d).toMatchObject({ n: 3, sampleShape: [1, 2, 2], sampleSize: 4, labelName: 'labels', sourceFile: join(dir, 'img.idx.gz') });
    expect(Array.from(d.x)).toEqual(pixels);
    expect(Array.from(d.y)).toEqual([2, 0, 9]);
  });

  it('rejects a file without the IDX magic', () => {
    const e = errorOf(() => decodeIdx(new TextEncoder().encode('label,x\n1,2\n'), 'f.csv'));
    expect(e.code).toBe('NN6025');
    expect(e.message).toContain('the first four bytes are 6c 61 62 65');
  });

  it('rejects an unknown type code', () => {
    const bytes = idx('ubyte', [1], [1]);
    bytes[2] = 0x07;
    expect(errorOf(() => decodeIdx(bytes, 'f.idx')).message).toContain('unknown IDX type code 0x07');
  });

  it('rejects a truncated file, saying how many bytes the header promises', () => {
    const bytes = idx('short', [2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 20);
    const e = errorOf(() => decodeIdx(bytes, 'f.idx'));
    expect(e.code).toBe('NN6027');
    expect(e.message).toBe('the file has 20 bytes but its header describes 24 bytes (12 header bytes and [2, 3] short elements)');
    expect(errorOf(() => decodeIdx(idx('ubyte', [2, 3], []).subarray(0, 9), 'f.idx')).message).toContain('at least 12 bytes');
  });

  it('rejects images and labels of different counts, naming both files', () => {
    writeFileSync(join(dir, 'i3.idx'), idx('ubyte', [3, 1], [1, 2, 3]));
    writeFileSync(join(dir, 'l2.idx'), idx('ubyte', [2], [1, 0]));
    const e = errorOf(() => loadIdx('i3.idx', 'l2.idx', dir, { labels: { kind: 'class', outputs: 2 } }));
    expect(e.code).toBe('NN6028');
    expect(e.message).toBe(`'${join(dir, 'i3.idx')}' holds 3 samples but '${join(dir, 'l2.idx')}' holds 2 labels`);
  });

  it('rejects a labels file that is not one-dimensional (arguments swapped)', () => {
    writeFileSync(join(dir, 'i.idx'), idx('ubyte', [2, 2], [1, 2, 3, 4]));
    writeFileSync(join(dir, 'l.idx'), idx('ubyte', [2], [1, 0]));
    const e = errorOf(() => loadIdx('l.idx', 'i.idx', dir, { labels: { kind: 'class', outputs: 2 } }));
    expect(e.code).toBe('NN6029');
    expect(e.file).toBe(join(dir, 'i.idx'));
  });

  it('rejects damaged gzip data', () => {
    writeFileSync(join(dir, 'bad.gz'), gzipSync(idx('ubyte', [1], [1])).subarray(0, 12));
    expect(errorOf(() => loadIdx('bad.gz', 'bad.gz', dir, { labels: { kind: 'none' } })).code).toBe('NN6030');
  });
});
