import { DataError, showFound, type DataLocation } from '../../io/data-error.js';
import type { LabelSpec } from './dataset.js';

/** The outcome of reading one cell as a number. */
export type CellValue = number | 'empty' | 'nonfinite' | 'invalid';

const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/**
 * Reads a cell as a decimal number (`3`, `-0.5`, `1e-3`, `.5`; surrounding spaces allowed).
 * Hex, binary, `_` separators and the like are `invalid`; NaN and infinities are `nonfinite`.
 */
export function parseCell(text: string): CellValue {
  const s = text.trim();
  if (s.length === 0) return 'empty';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // digits . + - e E only; Number() then rejects malformed arrangements such as "1e" or "+-1"
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) {
      return NON_FINITE.test(s) ? 'nonfinite' : 'invalid';
    }
  }
  const v = Number(s);
  if (Number.isNaN(v)) return 'invalid';
  return Number.isFinite(v) ? v : 'nonfinite';
}

/** Where one cell is, and its column's name and index for messages. */
export interface CellPlace extends DataLocation {
  readonly columnName: string;
  readonly column: number;
}

/** A cell's number, or the DataError that says why it is not one. */
export function numberOrThrow(text: string, where: CellPlace): number {
  const v = parseCell(text);
  if (typeof v === 'number') return v;
  const args = { column: where.columnName, index: where.column, found: showFound(text.trim()) };
  if (v === 'empty') throw new DataError('NN6006', where, args);
  if (v === 'nonfinite') throw new DataError('NN6008', where, args);
  throw new DataError('NN6007', where, args);
}

/** The label cells of a data set, one per sample, as text with their places. */
export interface LabelCells {
  readonly count: number;
  text(i: number): string;
  where(i: number): CellPlace;
}

/** Encoded labels: `labelSize` values per sample and, for classification, the class names. */
export interface EncodedLabels {
  readonly y: Float32Array;
  readonly labelSize: number;
  readonly classes?: readonly string[];
}

/**
 * Turns label cells into numbers as `spec` says (see `LabelSpec` for the mapping rules). Only
 * single-value labels are handled here; several target values per sample are the JSON reader's.
 */
export function encodeLabels(cells: LabelCells, spec: LabelSpec, file: string): EncodedLabels {
  if (spec.kind === 'none') return { y: new Float32Array(0), labelSize: 0 };
  if (spec.kind === 'value') {
    if (spec.outputs !== 1) {
      throw new DataError('NN6017', { file }, { outputs: spec.outputs, found: 1 });
    }
    const y = new Float32Array(cells.count);
    for (let i = 0; i < cells.count; i++) y[i] = numberOrThrow(cells.text(i), cells.where(i));
    return { y, labelSize: 1 };
  }
  if (spec.classes) return { y: mapKnownClasses(cells, spec.classes), labelSize: 1, classes: spec.classes };
  const outputs = spec.kind === 'class' ? spec.outputs : 2;
  return allIntegers(cells) ? integerLabels(cells, spec.kind, outputs) : stringLabels(cells, spec.kind, outputs);
}

function mapKnownClasses(cells: LabelCells, classes: readonly string[]): Float32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Float32Array(cells.count);
  for (let i = 0; i < cells.count; i++) {
    const text = cells.text(i).trim();
    let k = index.get(text);
    if (k === undefined) {
      const v = parseCell(text);
      if (typeof v === 'number') k = index.get(String(v));
    }
    if (k === undefined) {
      if (text === '') throw new DataError('NN6006', cells.where(i), { column: cells.where(i).columnName, index: cells.where(i).column });
      throw new DataError('NN6014', cells.where(i), { label: text, classes: classes.join(', ') });
    }
    y[i] = k;
  }
  return y;
}

function allIntegers(cells: LabelCells): boolean {
  for (let i = 0; i < cells.count; i++) {
    const v = parseCell(cells.text(i));
    if (v === 'empty') throw new DataError('NN6006', cells.where(i), { column: cells.where(i).columnName, index: cells.where(i).column });
    if (typeof v !== 'number') return false;
  }
  return true;
}

function integerLabels(cells: LabelCells, kind: 'class' | 'binary', outputs: number): EncodedLabels {
  const y = new Float32Array(cells.count);
  for (let i = 0; i < cells.count; i++) {
    const text = cells.text(i).trim();
    const v = parseCell(text) as number;
    if (kind === 'binary' && v !== 0 && v !== 1) throw new DataError('NN6016', cells.where(i), { found: showFound(text) });
    if (!Number.isInteger(v) || v < 0) throw new DataError('NN6015', cells.where(i), { found: showFound(text) });
    if (v >= outputs) throw new DataError('NN6012', cells.where(i), { label: v, classes: outputs, max: outputs - 1 });
    y[i] = v;
  }
  return { y, labelSize: 1, classes: Array.from({ length: outputs }, (_, k) => String(k)) };
}

function stringLabels(cells: LabelCells, kind: 'class' | 'binary', outputs: number): EncodedLabels {
  const firstSeen = new Map<string, number>();
  for (let i = 0; i < cells.count; i++) {
    const text = cells.text(i).trim();
    if (firstSeen.has(text)) continue;
    firstSeen.set(text, i);
    if (firstSeen.size > outputs) {
      if (kind === 'binary') throw new DataError('NN6016', cells.where(i), { found: `a third label ${showFound(text)}` });
      throw new DataError('NN6013', cells.where(i), { label: text, count: firstSeen.size, classes: outputs });
    }
  }
  if (kind === 'binary' && firstSeen.size < 2) {
    const [only, row] = [...firstSeen][0]!;
    throw new DataError('NN6016', cells.where(row), { found: `only ${showFound(only)}` });
  }
  const classes = [...firstSeen.keys()].sort();
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = new Float32Array(cells.count);
  for (let i = 0; i < cells.count; i++) y[i] = index.get(cells.text(i).trim())!;
  return { y, labelSize: 1, classes };
}
