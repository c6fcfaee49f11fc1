/**
 * The contract's metrics (`metrics: [accuracy, mse, mae]`), accumulated over batches of model
 * outputs. Browser-safe.
 */

/** A metric of the contract. */
export type MetricName = 'accuracy' | 'mse' | 'mae';

/** How to read a model's outputs against the labels. */
export interface MetricTarget {
  /** `class`: y is a class index; `binary`: y is 0 or 1 against one output; `value`: y has `outputSize` numbers. */
  readonly labelKind: 'class' | 'binary' | 'value';
  readonly outputSize: number;
  /**
   * For one-output accuracy: true when the output is a logit (the model does not end in
   * sigmoid), so the 0.5 probability threshold is the logit 0.
   */
  readonly binaryLogits: boolean;
}

/**
 * Sums of a set of metrics over batches. `accuracy` is argmax against the class index for
 * several outputs and a 0.5 threshold for one output; `mse` and `mae` compare every output with
 * its target (the one-hot vector of the class for class labels), averaged over samples and
 * outputs.
 */
export class MetricAccumulator {
  private correct = 0;
  private squared = 0;
  private absolute = 0;
  private samples = 0;

  constructor(
    readonly names: readonly MetricName[],
    private readonly target: MetricTarget,
  ) {}

  /** Adds `n` samples: `output` holds n*outputSize values, `y` one label (or outputSize targets) per sample. */
  add(output: ArrayLike<number>, y: ArrayLike<number>, n: number): void {
    const k = this.target.outputSize;
    const kind = this.target.labelKind;
    for (let i = 0; i < n; i++) {
      const row = i * k;
      if (kind === 'class') {
        const label = y[i]!;
        let best = 0;
        for (let j = 1; j < k; j++) if (output[row + j]! > output[row + best]!) best = j;
        if (best === label) this.correct++;
        for (let j = 0; j < k; j++) this.addError(output[row + j]! - (j === label ? 1 : 0));
      } else if (kind === 'binary') {
        const v = output[row]!;
        const predicted = this.target.binaryLogits ? v >= 0 : v >= 0.5;
        if (predicted === (y[i]! >= 0.5)) this.correct++;
        this.addError(v - y[i]!);
      } else {
        let sameClass = true;
        for (let j = 0; j < k; j++) {
          this.addError(output[row + j]! - y[row + j]!);
          if (Math.round(output[row + j]!) !== y[row + j]) sameClass = false;
        }
        if (sameClass) this.correct++;
      }
    }
    this.samples += n;
  }

  private addError(d: number): void {
    this.squared += d * d;
    this.absolute += Math.abs(d);
  }

  /** The metrics so far, by name (NaN before any sample). */
  values(): Record<string, number> {
    const out: Record<string, number> = {};
    const elements = this.samples * this.target.outputSize;
    for (const name of this.names) {
      out[name] = name === 'accuracy' ? this.correct / this.samples : name === 'mse' ? this.squared / elements : this.absolute / elements;
    }
    return out;
  }
}
