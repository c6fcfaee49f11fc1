import type { LabelSpec } from './dataset.js';

/** What every reader needs to know about the model the data is for. */
export interface ReadOptions {
  /** How to read labels (from the loss; see `LabelSpec`). */
  readonly labels: LabelSpec;
  /**
   * The model's input shape. When given, a sample's feature count must equal its product and
   * the data set's `sampleShape` is this shape (features fill it row-major); otherwise the
   * file's own sample shape is used.
   */
  readonly inputShape?: readonly number[];
}

/** Options of `csv(path, label: "column")`. */
export interface CsvOptions extends ReadOptions {
  /**
   * The label column's name. Required unless `labels.kind` is `none`; with `none`, a column of
   * this name is dropped if present (so `nn predict` can take the training file as input).
   */
  readonly label?: string;
}
