import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../../io/data-error.js';
import { parseCsv } from './csv.js';
import type { Dataset } from './dataset.js';
import { decodeIdx, idxDataset } from './idx.js';
import { parseJsonData } from './json.js';
import type { CsvOptions, ReadOptions } from './options.js';

/** A data file as read: its bytes (gunzipped when they were gzip) and both forms of its path. */
export interface DataFile {
  readonly bytes: Uint8Array;
  /** The path for messages: `baseDir` joined with the path as written. */
  readonly display: string;
  /** The absolute path. */
  readonly resolved: string;
}

/**
 * Reads a file named in a `.nn` file. Relative paths resolve against `baseDir` (the `.nn`
 * file's folder). Content starting with the gzip magic bytes `1f 8b` is decompressed. A file
 * that cannot be read throws DataError NN6001 naming the resolved path and the path as written.
 */
export function readDataFile(written: string, baseDir: string): DataFile {
  const resolved = resolve(baseDir, written);
  const display = isAbsolute(written) ? written : join(baseDir, written);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(resolved);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new DataError('NN6001', { file: display }, { path: resolved, written, reason });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataError('NN6030', { file: display }, { reason: (e as Error).message });
    }
  }
  return { bytes, display, resolved };
}

const utf8 = new TextDecoder('utf-8');

/** `csv(path, label: "column")`: reads and parses a CSV file (see `parseCsv`). */
export function loadCsv(path: string, baseDir: string, options: CsvOptions): Dataset {
  const file = readDataFile(path, baseDir);
  return parseCsv(utf8.decode(file.bytes), file.display, options);
}

/** `json(path)`: reads and parses a JSON data file (see `parseJsonData`). */
export function loadJson(path: string, baseDir: string, options: ReadOptions): Dataset {
  const file = readDataFile(path, baseDir);
  return parseJsonData(utf8.decode(file.bytes), file.display, options);
}

/** `idx(images, labels)`: reads an MNIST-style pair of IDX files, gzipped or not. */
export function loadIdx(images: string, labels: string, baseDir: string, options: ReadOptions): Dataset {
  const imageFile = readDataFile(images, baseDir);
  const labelFile = readDataFile(labels, baseDir);
  return idxDataset(
    decodeIdx(imageFile.bytes, imageFile.display),
    decodeIdx(labelFile.bytes, labelFile.display),
    { images: imageFile.display, labels: labelFile.display },
    options,
  );
}

/** A data source as written in a `train` block (`data:`, `validation:` or `--data`). */
export type DataSource =
  | { readonly kind: 'csv'; readonly path: string; readonly label?: string }
  | { readonly kind: 'json'; readonly path: string }
  | { readonly kind: 'idx'; readonly images: string; readonly labels: string };

/** Loads any data source; `baseDir` is the `.nn` file's folder. */
export function loadDataSource(source: DataSource, baseDir: string, options: ReadOptions): Dataset {
  switch (source.kind) {
    case 'csv':
      return loadCsv(source.path, baseDir, { ...options, ...(source.label !== undefined ? { label: source.label } : {}) });
    case 'json':
      return loadJson(source.path, baseDir, options);
    case 'idx':
      return loadIdx(source.images, source.labels, baseDir, options);
  }
}
