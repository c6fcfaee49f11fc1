/**
 * The gradient-health monitor: per-epoch checks on the per-layer gradient norms and dead-unit
 * fractions the plan reports each step, and on the loss history. Defaults are AUTOTRAINER's
 * thresholds (X. Zhang et al., "AUTOTRAINER: An Automatic DNN Training Problem Detection and
 * Repair System", ICSE 2021). Browser-safe.
 */

/** The monitor's thresholds. */
export interface MonitorThresholds {
  /** Vanishing: the first layer's gradient norm is below this ... */
  readonly vanishingFirstNorm: number;
  /** ... and its ratio to the last layer's norm is below this. */
  readonly vanishingRatio: number;
  /** Exploding: the first layer's norm over the last layer's passes this. */
  readonly explodingRatio: number;
  /** Dying ReLU: at least this fraction of a layer's units got zero gradient. */
  readonly dyingFraction: number;
  /** Overfitting: training loss fell and validation loss rose this many epochs in a row. */
  readonly overfittingEpochs: number;
}

/** AUTOTRAINER's published defaults, and 3 epochs for overfitting. */
export const autotrainerThresholds: MonitorThresholds = {
  vanishingFirstNorm: 1e-4,
  vanishingRatio: 1e-3,
  explodingRatio: 70,
  dyingFraction: 0.7,
  overfittingEpochs: 3,
};

/** One finding of the monitor, as it appears in `--json` lines and the report. */
export interface MonitorWarning {
  readonly kind: 'vanishing_gradients' | 'exploding_gradients' | 'dying_relu' | 'overfitting';
  /** The layer concerned (absent for overfitting). */
  readonly layer?: string;
  /** One readable sentence: what, the figures, and the remedies. */
  readonly message: string;
}

/** Per-layer figures of one epoch, layers in model order. */
export interface EpochGradients {
  readonly layers: readonly string[];
  /** Mean over the epoch's steps of each layer's gradient L2 norm (before clipping). */
  readonly norms: readonly number[];
  readonly reluLayers: readonly string[];
  /** Mean over the epoch's steps of each relu layer's fraction of units with zero gradient. */
  readonly deadFractions: readonly number[];
}

const fmt = (v: number): string => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(2) : String(Number(v.toPrecision(3))));

/** Vanishing, exploding and dying-ReLU findings for one epoch's gradients. */
export function checkGradients(g: EpochGradients, t: MonitorThresholds = autotrainerThresholds): MonitorWarning[] {
  const out: MonitorWarning[] = [];
  if (g.layers.length >= 2) {
    const first = g.norms[0]!;
    const last = g.norms[g.norms.length - 1]!;
    const firstName = g.layers[0]!;
    const lastName = g.layers[g.layers.length - 1]!;
    const ratio = last > 0 ? first / last : first > 0 ? Infinity : 0;
    if (first < t.vanishingFirstNorm && ratio < t.vanishingRatio) {
      out.push({
        kind: 'vanishing_gradients',
        layer: firstName,
        message:
          `vanishing gradients: ${firstName} gets gradient norm ${fmt(first)} (< ${fmt(t.vanishingFirstNorm)}), ` +
          `${fmt(ratio)} times that of ${lastName} (< ${fmt(t.vanishingRatio)}); the first layers barely learn. ` +
          'Remedies: relu with he init, batchnorm between layers, residual blocks, fewer layers.',
      });
    } else if (ratio > t.explodingRatio) {
      out.push({
        kind: 'exploding_gradients',
        layer: firstName,
        message:
          `exploding gradients: ${firstName} gets gradient norm ${fmt(first)}, ${fmt(ratio)} times that of ${lastName} (> ${fmt(t.explodingRatio)}). ` +
          'Remedies: clipping (clip: norm(1.0)), a lower learning rate, batchnorm, an init that fits the activation.',
      });
    }
  }
  g.reluLayers.forEach((layer, i) => {
    const dead = g.deadFractions[i]!;
    if (dead >= t.dyingFraction) {
      out.push({
        kind: 'dying_relu',
        layer,
        message:
          `dying ReLU: ${(dead * 100).toFixed(0)}% of the units of ${layer} get zero gradient (>= ${(t.dyingFraction * 100).toFixed(0)}%). ` +
          'Remedies: a lower learning rate, he init, leaky_relu or elu, batchnorm before the activation.',
      });
    }
  });
  return out;
}

/**
 * Overfitting: reported in the epoch where the training loss has fallen and the validation loss
 * has risen for `overfittingEpochs` epochs in a row (once per such run).
 */
export function checkOverfitting(history: readonly { loss: number; val_loss?: number }[], t: MonitorThresholds = autotrainerThresholds): MonitorWarning | null {
  const k = t.overfittingEpochs;
  const run = (end: number): number => {
    let n = 0;
    for (let e = end; e >= 1; e--) {
      const cur = history[e]!;
      const prev = history[e - 1]!;
      if (cur.val_loss === undefined || prev.val_loss === undefined) break;
      if (!(cur.loss < prev.loss && cur.val_loss > prev.val_loss)) break;
      n++;
    }
    return n;
  };
  const last = history.length - 1;
  if (last < k || run(last) !== k) return null;
  const start = history[last - k]!;
  const end = history[last]!;
  return {
    kind: 'overfitting',
    message:
      `overfitting: over the last ${k} epochs the training loss fell from ${fmt(start.loss)} to ${fmt(end.loss)} while the validation loss rose ` +
      `from ${fmt(start.val_loss!)} to ${fmt(end.val_loss!)}. Remedies: early_stop: patience(n), dropout, a regularizer (l2), more data, a smaller model.`,
  };
}
