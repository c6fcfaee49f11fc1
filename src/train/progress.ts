/**
 * What `nn train` shows while it runs: a progress bar per epoch on a terminal (cli-progress,
 * colours from picocolors), plain lines when stdout is not a terminal, or only the contract's
 * JSON lines with `--json`. Monitor warnings go to stderr, each (kind, layer) once; with `--json`
 * they are in the JSON lines.
 */
import cliProgress from 'cli-progress';
import pc from 'picocolors';
import type { CliIO } from '../cli/io.js';
import type { EpochRecord } from './loop.js';
import type { MonitorWarning } from './monitor.js';

/** How training output is shown. */
export type OutputMode = 'tty' | 'plain' | 'json';

/** Formats a loss or metric for humans: 4 significant digits, exponent when tiny. */
export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(3);
  return v.toFixed(4);
}

/** The contract's `--json` object of an epoch (dead-unit fractions stay in the report). */
export function epochJson(r: EpochRecord): Record<string, unknown> {
  return {
    epoch: r.epoch,
    loss: r.loss,
    ...(r.val_loss !== undefined ? { val_loss: r.val_loss } : {}),
    metrics: r.metrics,
    lr: r.lr,
    grad_norms: r.grad_norms,
    samples_per_s: Math.round(r.samples_per_s),
    warnings: r.warnings,
  };
}

/** One line per epoch for logs: `epoch 3/100  loss 0.1234  accuracy 0.9500  val_loss ...  lr ...`. */
export function epochLine(r: EpochRecord, epochs: number): string {
  const parts = [`epoch ${r.epoch}/${epochs}`, `loss ${fmtNumber(r.loss)}`];
  for (const [k, v] of Object.entries(r.metrics)) if (!k.startsWith('val_')) parts.push(`${k} ${fmtNumber(v)}`);
  if (r.val_loss !== undefined) parts.push(`val_loss ${fmtNumber(r.val_loss)}`);
  for (const [k, v] of Object.entries(r.metrics)) if (k.startsWith('val_')) parts.push(`${k} ${fmtNumber(v)}`);
  parts.push(`lr ${Number(r.lr.toPrecision(4))}`, `${Math.round(r.samples_per_s)} samples/s`);
  return parts.join('  ');
}

/** The running display of one training run. */
export class TrainOutput {
  private bar: cliProgress.SingleBar | null = null;
  private readonly seen = new Set<string>();

  constructor(
    private readonly io: CliIO,
    readonly mode: OutputMode,
    private readonly epochs: number,
    private readonly firstMetric: string | undefined,
  ) {}

  /** Progress within an epoch (terminal only). */
  step(epoch: number, step: number, steps: number, loss: number, samplesPerS: number, metric: number | undefined): void {
    if (this.mode !== 'tty') return;
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${pc.bold(`epoch ${epoch}/${this.epochs}`)} {bar} {value}/{total} | loss {loss}${this.firstMetric ? ` | ${this.firstMetric} {metric}` : ''} | {rate} samples/s | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stdout,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(steps, 0, { loss: '-', metric: '-', rate: '-' });
    }
    this.bar.update(step, { loss: fmtNumber(loss), metric: metric === undefined ? '-' : fmtNumber(metric), rate: String(Math.round(samplesPerS)) });
  }

  /** The end of an epoch: its line, and any new warnings. */
  epoch(r: EpochRecord): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
    if (this.mode === 'json') {
      this.io.stdout(`${JSON.stringify(epochJson(r))}\n`);
      return;
    }
    const line = epochLine(r, this.epochs);
    this.io.stdout(`${this.mode === 'tty' ? line.replace(/^epoch \S+/, (m) => pc.bold(m)) : line}\n`);
    for (const w of r.warnings) this.warning(w, r.epoch);
  }

  private warning(w: MonitorWarning, epoch: number): void {
    const key = `${w.kind}:${w.layer ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const text = `warning (epoch ${epoch}): ${w.message}`;
    this.io.stderr(`${this.mode === 'tty' ? pc.yellow(text) : text}\n`);
  }

  /** Stops a bar left running (on an error). */
  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
