import { DataError, showShape } from '../../io/data-error.js';
import { encodeLabels, numberOrThrow } from './cells.js';
import { CsvTokenizer, type CsvRecord } from './csv-tokenizer.js';
import { shapeSize, type Dataset } from './dataset.js';
import type { CsvOptions } from './options.js';
import { nearestName } from './suggest.js';

/**
 * Reads CSV text into a Dataset: a header row, then one sample per row. Features are all
 * columns but the label, in file order; a row fills the sample shape row-major. Every problem
 * throws one DataError with the line in the file and the column's index and name; nothing is
 * skipped except blank lines at the very end.
 *
 * @param file the path as shown in messages
 */
export function parseCsv(text: string, file: string, options: CsvOptions): Dataset {
  const tokens = new CsvTokenizer(text, file);
  const header = tokens.next();
  if (!header || (header.blank && onlyBlankLinesFollow(tokens))) throw new DataError('NN6002', { file });
  if (header.blank) throw new DataError('NN6005', { file, line: header.line });
  const names = header.fields.map((f) => f.trim());
  tokens.names = names;
  checkUniqueNames(names, header, file);

  const labelIndex = findLabelColumn(names, options, header.line, file);
  const hasLabels = options.labels.kind !== 'none' && labelIndex >= 0;
  const featureColumns = names.map((_, i) => i).filter((i) => i !== labelIndex);
  const sampleShape = options.inputShape ?? [featureColumns.length];
  const sampleSize = shapeSize(sampleShape);
  if (featureColumns.length !== sampleSize) {
    throw new DataError('NN6011', { file, line: header.line }, { found: featureColumns.length, shape: showShape(sampleShape), expected: sampleSize });
  }
  if (options.labels.kind === 'value' && options.labels.outputs !== 1) {
    throw new DataError('NN6017', { file, line: header.line }, { outputs: options.labels.outputs, found: 1 });
  }

  let x = new Float32Array(Math.max(1, sampleSize) * 64);
  const labelTexts: string[] = [];
  const labelLines: number[] = [];
  let n = 0;
  let blankLine: number | undefined;
  for (let record = tokens.next(); record; record = tokens.next()) {
    if (record.blank) {
      blankLine ??= record.line;
      continue;
    }
    if (blankLine !== undefined) throw new DataError('NN6005', { file, line: blankLine });
    checkWidth(record, names, file);
    if (x.length < (n + 1) * sampleSize) {
      const grown = new Float32Array(x.length * 2);
      grown.set(x);
      x = grown;
    }
    for (let k = 0; k < featureColumns.length; k++) {
      const c = featureColumns[k]!;
      x[n * sampleSize + k] = numberOrThrow(record.fields[c]!, { file, line: record.lines[c]!, column: c + 1, columnName: names[c]! });
    }
    if (hasLabels) {
      labelTexts.push(record.fields[labelIndex]!);
      labelLines.push(record.lines[labelIndex]!);
    }
    n++;
  }
  if (n === 0) throw new DataError('NN6003', { file, line: header.line });

  const labels =
    hasLabels
      ? encodeLabels(
          {
            count: n,
            text: (i) => labelTexts[i]!,
            where: (i) => ({ file, line: labelLines[i]!, column: labelIndex + 1, columnName: names[labelIndex]! }),
          },
          options.labels,
          file,
        )
      : { y: new Float32Array(0), labelSize: 0 };
  return {
    x: x.slice(0, n * sampleSize),
    y: labels.y,
    n,
    sampleShape,
    sampleSize,
    featureNames: featureColumns.map((c) => names[c]!),
    labelName: hasLabels ? names[labelIndex]! : '',
    labelKind: options.labels.kind,
    labelSize: labels.labelSize,
    ...(labels.classes ? { classes: labels.classes } : {}),
    sourceFile: file,
  };
}

function onlyBlankLinesFollow(tokens: CsvTokenizer): boolean {
  for (let r = tokens.next(); r; r = tokens.next()) if (!r.blank) return false;
  return true;
}

function checkUniqueNames(names: readonly string[], header: CsvRecord, file: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError('NN6010', { file, line: header.line, column: i + 1, columnName: name }, { column: name, first: first + 1, second: i + 1 });
    }
    seen.set(name, i);
  });
}

/** The label column's index (for `none`: the column to drop), or -1 when there is none. */
function findLabelColumn(names: readonly string[], options: CsvOptions, line: number, file: string): number {
  const { label } = options;
  if (options.labels.kind === 'none') return label === undefined ? -1 : names.indexOf(label);
  if (label === undefined) throw new Error('parseCsv: a label column name is required unless labels.kind is none');
  const index = names.indexOf(label);
  if (index >= 0) return index;
  const near = nearestName(label, names);
  throw new DataError('NN6009', { file, line }, {
    label,
    suggestion: near !== undefined ? ` (did you mean '${near}'?)` : '',
    columns: names.map((n) => `'${n}'`).join(', '),
  });
}

function checkWidth(record: CsvRecord, names: readonly string[], file: string): void {
  const found = record.fields.length;
  if (found === names.length) return;
  // point at the first missing field, or the first extra one
  const column = Math.min(found, names.length) + 1;
  const name = names[column - 1];
  throw new DataError(
    'NN6004',
    { file, line: record.lines[Math.min(column, found) - 1]!, column, ...(name !== undefined ? { columnName: name } : {}) },
    { found, expected: names.length },
  );
}
