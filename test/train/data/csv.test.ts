import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/train/data/csv.js';
import { DataError } from '../../../src/io/data-error.js';
import type { CsvOptions } from '../../../src/train/data/options.js';

const classes3: CsvOptions = { label: 'y', labels: { kind: 'class', outputs: 3 } };

function errorOf(text: string, options: CsvOptions = classes3): DataError {
  try {
    parseCsv(text, 'data.csv', options);
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv', () => {
  it('reads features in file order and integer class labels as indices', () => {
    const d = parseCsv('a,y,b\n1,2,3\n4,0,6\n', 'data.csv', classes3);
    expect(Array.from(d.x)).toEqual([1, 3, 4, 6]);
    expect(Array.from(d.y)).toEqual([2, 0]);
    expect(d).toMatchObject({ n: 2, sampleShape: [2], sampleSize: 2, featureNames: ['a', 'b'], labelName: 'y', labelKind: 'class', labelSize: 1, classes: ['0', '1', '2'], sourceFile: 'data.csv' });
  });

  it('maps string classes to indices in sorted order, whatever the row order', () => {
    const d = parseCsv('x,y\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n', 'data.csv', classes3);
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.y)).toEqual([2, 0, 1, 0]);
  });

  it('uses the classes it is given (from a weights file) instead of inferring them', () => {
    const d = parseCsv('x,y\n1,b\n2,b\n', 'data.csv', { label: 'y', labels: { kind: 'class', outputs: 3, classes: ['a', 'b', 'c'] } });
    expect(Array.from(d.y)).toEqual([1, 1]);
    expect(d.classes).toEqual(['a', 'b', 'c']);
  });

  it('handles a BOM, CRLF line ends, quoted fields with commas, quotes and line breaks, and trailing blank lines', () => {
    const text = '\uFEFF"x 1",x2,y\r\n"1.5",2,"a,""b"""\r\n3,"4",c\r\n\r\n\r\n';
    const d = parseCsv(text, 'data.csv', { label: 'y', labels: { kind: 'class', outputs: 2 } });
    expect(d.featureNames).toEqual(['x 1', 'x2']);
    expect(Array.from(d.x)).toEqual([1.5, 2, 3, 4]);
    expect(d.classes).toEqual(['a,"b"', 'c']);
  });

  it('fills the input shape row-major', () => {
    const d = parseCsv('p1,p2,p3,p4,y\n1,2,3,4,0.5\n', 'data.csv', { label: 'y', labels: { kind: 'value', outputs: 1 }, inputShape: [1, 2, 2] });
    expect(d.sampleShape).toEqual([1, 2, 2]);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(d.y)).toEqual([0.5]);
  });

  it('reads binary labels as 0/1 or two sorted strings', () => {
    expect(Array.from(parseCsv('x,y\n1,1\n2,0\n', 'd.csv', { label: 'y', labels: { kind: 'binary' } }).y)).toEqual([1, 0]);
    const d = parseCsv('x,y\n1,yes\n2,no\n', 'd.csv', { label: 'y', labels: { kind: 'binary' } });
    expect(d.classes).toEqual(['no', 'yes']);
    expect(Array.from(d.y)).toEqual([1, 0]);
  });

  it('drops the label column of unlabelled input when it is present', () => {
    const d = parseCsv('x,y\n1,a\n', 'd.csv', { label: 'y', labels: { kind: 'none' } });
    expect(d).toMatchObject({ n: 1, featureNames: ['x'], labelSize: 0, labelName: '' });
    expect(parseCsv('x\n1\n', 'd.csv', { label: 'y', labels: { kind: 'none' } }).featureNames).toEqual(['x']);
  });

  // [case, text, options, code, line, column, columnName, message fragment]
  const cases: [string, string, CsvOptions, string, number | undefined, number | undefined, string | undefined, string][] = [
    ['an empty file', '', classes3, 'NN6002', undefined, undefined, undefined, 'the file is empty'],
    ['a file of blank lines', '\n\r\n\n', classes3, 'NN6002', undefined, undefined, undefined, 'the file is empty'],
    ['a header with no rows', 'x,y\n\n', classes3, 'NN6003', 1, undefined, undefined, 'no data rows'],
    ['a short row', 'a,b,y\n1,2,0\n1,2\n', classes3, 'NN6004', 3, 3, 'y', 'row has 2 fields but the header has 3'],
    ['a long row', 'a,y\n1,0,7\n', classes3, 'NN6004', 2, 3, undefined, 'row has 3 fields but the header has 2'],
    ['a blank line between rows', 'a,y\n1,0\n\n2,1\n', classes3, 'NN6005', 3, undefined, undefined, 'blank line between data rows'],
    ['an empty cell', 'a,b,y\n1,2,0\n1, ,0\n', classes3, 'NN6006', 3, 2, 'b', "empty cell in column 'b' (column 2)"],
    ['a non-numeric cell', 'a,b,y\n1,abc,0\n', classes3, 'NN6007', 2, 2, 'b', `column 'b' (column 2) must hold a number, found "abc"`],
    ['a hexadecimal cell', 'a,y\n0x10,0\n', classes3, 'NN6007', 2, 1, 'a', 'found "0x10"'],
    ['a NaN cell', 'a,y\n1,0\nNaN,1\n', classes3, 'NN6008', 3, 1, 'a', `holds "NaN", which is not a finite number`],
    ['an infinite cell', 'a,y\n-inf,0\n', classes3, 'NN6008', 2, 1, 'a', 'not a finite number'],
    ['an overflowing cell', 'a,y\n1e999,0\n', classes3, 'NN6008', 2, 1, 'a', 'not a finite number'],
    ['a missing label column', 'sepal,specis\n1,0\n', { label: 'species', labels: { kind: 'class', outputs: 3 } }, 'NN6009', 1, undefined, undefined, "no label column 'species' (did you mean 'specis'?); the columns are 'sepal', 'specis'"],
    ['a duplicate column', 'a,b,a,y\n1,2,3,0\n', classes3, 'NN6010', 1, 3, 'a', "column name 'a' appears twice (columns 1 and 3)"],
    ['a feature count that does not fit', 'a,b,y\n1,2,0\n', { ...classes3, inputShape: [1, 28, 28] }, 'NN6011', 1, undefined, undefined, "the data has 2 features per sample but the model's input [1, 28, 28] takes 784"],
    ['a class index out of range', 'a,y\n1,0\n2,3\n', classes3, 'NN6012', 3, 2, 'y', 'class label 3 is out of range: the model has 3 outputs, so labels must be integers from 0 to 2'],
    ['too many string classes', 'a,y\n1,a\n1,b\n1,a\n1,c\n1,d\n', classes3, 'NN6013', 6, 2, 'y', "label 'd' makes 4 distinct classes, but the model has 3 outputs"],
    ['an unknown class', 'a,y\n1,a\n1,z\n', { label: 'y', labels: { kind: 'class', outputs: 2, classes: ['a', 'b'] } }, 'NN6014', 3, 2, 'y', "label 'z' is not one of the classes the weights were trained with: a, b"],
    ['a fractional class index', 'a,y\n1,1.5\n', classes3, 'NN6015', 2, 2, 'y', 'found "1.5"'],
    ['a binary label of 2', 'a,y\n1,0\n1,2\n', { label: 'y', labels: { kind: 'binary' } }, 'NN6016', 3, 2, 'y', 'found "2"'],
    ['a third binary class', 'a,y\n1,x\n1,y\n1,z\n', { label: 'y', labels: { kind: 'binary' } }, 'NN6016', 4, 2, 'y', 'found a third label "z"'],
    ['several regression outputs from one column', 'a,y\n1,0\n', { label: 'y', labels: { kind: 'value', outputs: 2 } }, 'NN6017', 1, undefined, undefined, 'the model has 2 outputs but each sample has 1 target values'],
    ['a non-numeric regression target', 'a,y\n1,big\n', { label: 'y', labels: { kind: 'value', outputs: 1 } }, 'NN6007', 2, 2, 'y', 'found "big"'],
    ['an unterminated quote', 'a,y\n1,0\n"2,1\n3,1\n', classes3, 'NN6018', 3, 1, 'a', 'never closed'],
    ['text after a closing quote', 'a,y\n"1"2,0\n', classes3, 'NN6019', 2, 1, 'a', 'unexpected "2" after a closing quote'],
    ['a quote inside an unquoted field', 'a,y\n1,x"y\n', classes3, 'NN6020', 2, 2, 'y', 'a quote inside an unquoted field'],
    ['a cell after a multi-line quoted field', 'a,b,y\n"1\n\n",zz,0\n', classes3, 'NN6007', 4, 2, 'b', 'found "zz"'],
    ['a bad cell on the line after a multi-line quoted field', 'n,b,y\n1,"2",0\n"x\ny",z,0\n', { label: 'y', labels: { kind: 'class', outputs: 3 } }, 'NN6007', 3, 1, 'n', 'found "x\\ny"'],
  ];

  it.each(cases)('reports %s with its code, line and column', (_, text, options, code, line, column, columnName, fragment) => {
    const e = errorOf(text, options);
    expect({ code: e.code, file: e.file, line: e.line, column: e.column, columnName: e.columnName }).toEqual({ code, file: 'data.csv', line, column, columnName });
    expect(e.message).toContain(fragment);
    expect(e.format()).toBe(`data.csv${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}: error[${code}]: ${e.message}`);
  });

  it('reads a random numeric table back exactly, whatever the quoting and line ends', () => {
    const cell = fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);
    const table = fc.integer({ min: 1, max: 5 }).chain((cols) =>
      fc.record({
        rows: fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 20 }),
        quotes: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        eol: fc.constantFrom('\n', '\r\n'),
        trailing: fc.constantFrom('', '\n', '\r\n\r\n'),
        cols: fc.constant(cols),
      }),
    );
    fc.assert(
      fc.property(table, ({ rows, quotes, eol, trailing, cols }) => {
        let q = 0;
        const field = (s: string): string => (quotes[q++ % quotes.length] ? `"${s}"` : s);
        const header = [...Array.from({ length: cols }, (_, j) => field(`f${j}`)), 'y'].join(',');
        const lines = rows.map((r, i) => [...r.map((v) => field(Object.is(v, -0) ? "-0" : String(v))), String(i % 2)].join(','));
        const d = parseCsv([header, ...lines].join(eol) + trailing, 't.csv', { label: 'y', labels: { kind: 'class', outputs: 2 } });
        expect(d.n).toBe(rows.length);
        expect(Array.from(d.x)).toEqual(rows.flat());
        expect(Array.from(d.y)).toEqual(rows.map((_, i) => i % 2));
      }),
      { numRuns: 200 },
    );
  });
});
