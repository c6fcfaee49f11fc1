import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src/io/data-error.js';
import { loadDataSource, readDataFile } from '../../../src/train/data/files.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading data files', () => {
  it('resolves paths against the .nn file folder and names both forms of a missing path', () => {
    try {
      readDataFile('data/missing.csv', dir);
      expect.unreachable();
    } catch (e) {
      const err = e as DataError;
      expect(err).toBeInstanceOf(DataError);
      expect(err.format()).toBe(`${join(dir, 'data/missing.csv')}: error[NN6001]: cannot read '${join(dir, 'data', 'missing.csv')}' (written as "data/missing.csv"): no such file`);
    }
  });

  it('reports a folder given as a data file', () => {
    mkdirSync(join(dir, 'folder'));
    expect(() => readDataFile('folder', dir)).toThrowError(/cannot read .*folder.*EISDIR/);
  });

  it('loads every kind of data source', () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'd.csv'), 'a,y\n1,0\n');
    writeFileSync(join(dir, 'data', 'd.json'), '[{"x": [1], "y": 0}]');
    const options = { labels: { kind: 'class', outputs: 2 } } as const;
    expect(loadDataSource({ kind: 'csv', path: 'data/d.csv', label: 'y' }, dir, options).n).toBe(1);
    expect(loadDataSource({ kind: 'json', path: 'data/d.json' }, dir, options).sourceFile).toBe(join(dir, 'data/d.json'));
  });

  it('reads the bundled Iris data: 150 rows, 50 per species, well-known rows intact', () => {
    const root = join(import.meta.dirname, '../../..');
    const d = loadDataSource({ kind: 'csv', path: 'data/iris.csv', label: 'species' }, join(root, 'examples'), { labels: { kind: 'class', outputs: 3 } });
    expect(d.n).toBe(150);
    expect(d.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([0, 1, 2].map((c) => Array.from(d.y).filter((y) => y === c).length)).toEqual([50, 50, 50]);
    const row = (i: number): number[] => Array.from(d.x.subarray(4 * i, 4 * i + 4));
    expect(row(0)).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(row(50)).toEqual([7.0, 3.2, 4.7, 1.4].map(Math.fround));
    expect(row(100)).toEqual([6.3, 3.3, 6.0, 2.5].map(Math.fround));
    expect(row(149)).toEqual([5.9, 3.0, 5.1, 1.8].map(Math.fround));
    expect([d.y[0], d.y[50], d.y[100]]).toEqual([0, 1, 2]);
    expect(readFileSync(join(root, 'examples/data/xor.csv'), 'utf8')).toBe('x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
  });
});
