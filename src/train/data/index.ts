/**
 * Training data: readers for `csv`, `json` and `idx` sources, validation splits and
 * normalization. Everything here is browser-safe except `files.ts` (file reading), which is
 * exported from `./files.js` separately.
 */
export * from './dataset.js';
export * from './options.js';
export { parseCsv } from './csv.js';
export { parseJsonData } from './json.js';
export { decodeIdx, idxDataset, idxTypeCodes, type IdxArray } from './idx.js';
export { splitDataset, shuffleInPlace, type RandomSource, type SplitResult } from './split.js';
export * from './normalize.js';
export * from './metadata.js';
export { DataError, type DataLocation } from '../../io/data-error.js';
