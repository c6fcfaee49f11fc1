import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/io/data-error.js';
import { parseJsonData } from '../../../src/train/data/json.js';
import type { ReadOptions } from '../../../src/train/data/options.js';

const classes2: ReadOptions = { labels: { kind: 'class', outputs: 2 } };

function errorOf(text: string, options: ReadOptions = classes2): DataError {
  try {
    parseJsonData(text, 'd.json', options);
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('parseJsonData', () => {
  it('reads an array of samples with nested x, flattened row-major', () => {
    const d = parseJsonData('[{"x": [[1, 2], [3, 4]], "y": "b"}, {"x": [[5, 6], [7, 8]], "y": "a"}]', 'd.json', classes2);
    expect(d.sampleShape).toEqual([2, 2]);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(d.classes).toEqual(['a', 'b']);
    expect(Array.from(d.y)).toEqual([1, 0]);
  });

  it('reads the column layout and several regression targets per sample', () => {
    const d = parseJsonData('{"x": [1, 2], "y": [[0.5, 1], [2, 3]]}', 'd.json', { labels: { kind: 'value', outputs: 2 } });
    expect(d).toMatchObject({ n: 2, sampleShape: [], labelSize: 2 });
    expect(Array.from(d.y)).toEqual([0.5, 1, 2, 3]);
  });

  it('fills the model input shape when the counts agree', () => {
    const d = parseJsonData('{"x": [[1, 2, 3, 4]], "y": [1]}', 'd.json', { ...classes2, inputShape: [1, 2, 2] });
    expect(d.sampleShape).toEqual([1, 2, 2]);
  });

  const cases: [string, string, ReadOptions, string, number | undefined, number | undefined, string][] = [
    ['an empty file', '  \n', classes2, 'NN6002', undefined, undefined, 'the file is empty'],
    ['a trailing comma', '{"x": [[0, 1]],\n "y": [1],}', classes2, 'NN6021', 2, 11, `invalid JSON: expected a string key in double quotes, found "}"`],
    ['a missing comma', '[{"x": 1, "y": 0}\n {"x": 2, "y": 1}]', classes2, 'NN6021', 2, 2, `expected ',' or ']' after an array element, found "{"`],
    ['an unclosed string', '[{"x": 1, "y": "ab', classes2, 'NN6021', 1, 16, 'a string that is never closed'],
    ['a wrong top level', '"hello"', classes2, 'NN6022', 1, 1, '$: expected an array of {"x": ..., "y": ...} samples'],
    ['a sample without y', '[{"x": 1, "y": 0},\n  {"x": 2}]', classes2, 'NN6022', 2, 3, '$[1]: expected an object with "x" and "y", found an object'],
    ['a string among the features', '[{"x": [0, "1"], "y": 0}]', classes2, 'NN6022', 1, 12, '$[0].x[1]: expected a number or a non-empty array of numbers, found the string "1"'],
    ['a ragged nested sample', '[{"x": [[0, 1], [2]], "y": 0}]', classes2, 'NN6022', 1, 17, '$[0].x[1]: expected an array of shape [2] like element 0, found an array of 1 items'],
    ['samples of different shapes', '{"x": [[0, 1],\n [2, 3, 4]], "y": [0, 1]}', classes2, 'NN6023', 2, 2, 'sample 2 has shape [3] but the first sample has [2]'],
    ['fewer labels than samples', '{"x": [1, 2], "y": [0]}', classes2, 'NN6024', 1, 20, '"x" has 2 samples but "y" has 1 labels'],
    ['a feature count that does not fit', '{"x": [[1, 2]], "y": [0]}', { ...classes2, inputShape: [3] }, 'NN6011', 1, 8, "the data has 2 features per sample but the model's input [3] takes 3"],
    ['a class index out of range', '{"x": [1, 2],\n"y": [0, 7]}', classes2, 'NN6012', 2, 10, 'class label 7 is out of range'],
    ['an object as a label', '{"x": [1], "y": [{}]}', classes2, 'NN6022', 1, 18, '$.y[0]: expected a class index or a class name, found an object'],
    ['too few regression targets', '{"x": [1], "y": [[1]]}', { labels: { kind: 'value', outputs: 2 } }, 'NN6017', 1, 18, 'the model has 2 outputs but each sample has 1 target values'],
  ];

  it.each(cases)('reports %s with its code, line and character column', (_, text, options, code, line, column, fragment) => {
    const e = errorOf(text, options);
    expect({ code: e.code, file: e.file, line: e.line, column: e.column }).toEqual({ code, file: 'd.json', line, column });
    expect(e.message).toContain(fragment);
  });
});
