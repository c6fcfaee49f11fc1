/**
 * The in-memory data set every loader produces and the training loop, `nn eval` and
 * `nn predict` consume. Browser-safe: no file system here.
 */

/**
 * What the labels of a data set are, decided by the caller from the `train` block's loss:
 * - `class`: `cross_entropy` (and `accuracy` over several outputs). `outputs` is the model's
 *   number of outputs (classes). Labels are integer class indices `0..outputs-1`, or strings.
 * - `binary`: `binary_cross_entropy` (one output). Labels are `0`/`1`, or two distinct strings.
 * - `value`: `mse`, `mae`, `huber`. Labels are numbers, `outputs` of them per sample.
 * - `none`: no labels (`nn predict` input).
 *
 * `classes`, when given (read back from a weights file), fixes the label -> index mapping:
 * label `classes[i]` is index `i`, and any other label is an error. Without it, string labels
 * are sorted (JavaScript's default sort: by UTF-16 code units) and numbered in that order, so
 * the mapping does not depend on row order; if every label is a number, the numbers are the
 * indices and `classes` becomes `["0", "1", ..., String(outputs - 1)]`.
 */
export type LabelSpec =
  | { readonly kind: 'class'; readonly outputs: number; readonly classes?: readonly string[] }
  | { readonly kind: 'binary'; readonly classes?: readonly string[] }
  | { readonly kind: 'value'; readonly outputs: number }
  | { readonly kind: 'none' };

export type LabelKind = LabelSpec['kind'];

/** A labelled (or, for `none`, unlabelled) set of samples. */
export interface Dataset {
  /** `n * sampleSize` features, sample after sample, each sample row-major in `sampleShape`. */
  readonly x: Float32Array;
  /**
   * `n * labelSize` labels: the class index (as a float) for `class`, 0 or 1 for `binary`, the
   * target values for `value`; empty for `none`.
   */
  readonly y: Float32Array;
  readonly n: number;
  /** The shape of one sample, no batch dimension (the model's input shape when one was given). */
  readonly sampleShape: readonly number[];
  /** The product of `sampleShape`. */
  readonly sampleSize: number;
  /** One name per feature, in order (CSV column names; `x[i]` for JSON and IDX). */
  readonly featureNames: readonly string[];
  /** The label column's name (`y` for JSON, `labels` for IDX; empty for `none`). */
  readonly labelName: string;
  readonly labelKind: LabelKind;
  /** Label values per sample: 1 for `class` and `binary`, `outputs` for `value`, 0 for `none`. */
  readonly labelSize: number;
  /** For `class` and `binary`: the class names, index i being class i (see `LabelSpec`). */
  readonly classes?: readonly string[];
  /** The file the samples came from, as displayed in messages. */
  readonly sourceFile: string;
}

/** The samples at `indices`, in that order (labels, names and classes carried along). */
export function subsetDataset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const { sampleSize, labelSize } = data;
  const x = new Float32Array(indices.length * sampleSize);
  const y = new Float32Array(indices.length * labelSize);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    x.set(data.x.subarray(i * sampleSize, (i + 1) * sampleSize), k * sampleSize);
    y.set(data.y.subarray(i * labelSize, (i + 1) * labelSize), k * labelSize);
  }
  return { ...data, x, y, n: indices.length };
}

/** The product of a shape's dimensions (1 for `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}
