/**
 * The `--report` page: one self-contained HTML file (inline CSS and SVG; no scripts, fonts or
 * network) with charts of loss, metrics and per-layer gradient norms per epoch, the model
 * summary and every monitor warning. Browser-safe: returns a string.
 */
import type { EpochRecord } from './loop.js';
import type { MonitorWarning } from './monitor.js';

/** One row of the model summary (as `nn summary --json`'s `layers`). */
export interface ReportLayer {
  readonly name: string;
  readonly kind: string;
  readonly output_shape: readonly number[] | null;
  readonly params: number;
}

/** Everything the report shows. */
export interface ReportInput {
  readonly file: string;
  readonly model: string;
  readonly layers: readonly ReportLayer[];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly history: readonly EpochRecord[];
  /** How the run ended, in one sentence. */
  readonly outcome: string;
  /** Extra result lines (e.g. the test accuracy). */
  readonly results?: readonly string[];
}

/** One line of a chart. */
export interface Series {
  readonly name: string;
  /** One value per x; null (or a non-positive value on a log chart) leaves a gap. */
  readonly values: readonly (number | null)[];
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const W = 640;
const BASE_H = 260;
const M = { left: 64, right: 150, top: 28, bottom: 36 };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/**
 * An SVG line chart over epochs `xs`. Each point is a `<circle class="pt">` inside the series'
 * `<g data-series=NAME>`, so a test (or a reader of the source) can count them.
 */
export function lineChart(id: string, title: string, xs: readonly number[], series: readonly Series[], log = false): string {
  // Tall enough for one legend row per series.
  const H = Math.max(BASE_H, M.top + 20 + series.length * 16);
  const valid = (v: number | null): v is number => v !== null && Number.isFinite(v) && (!log || v > 0);
  const all = series.flatMap((s) => s.values.filter(valid));
  const tf = (v: number): number => (log ? Math.log10(v) : v);
  let lo = all.length ? Math.min(...all.map(tf)) : 0;
  let hi = all.length ? Math.max(...all.map(tf)) : 1;
  if (log) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  if (hi - lo < 1e-12) {
    lo -= log ? 1 : Math.abs(lo) * 0.1 + 1e-3;
    hi += log ? 1 : Math.abs(hi) * 0.1 + 1e-3;
  }
  const x0 = xs[0] ?? 1;
  const x1 = xs[xs.length - 1] ?? 1;
  const px = (x: number): number => M.left + (x1 === x0 ? (W - M.left - M.right) / 2 : ((x - x0) / (x1 - x0)) * (W - M.left - M.right));
  const py = (v: number): number => M.top + (1 - (tf(v) - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<svg id="${escapeHtml(id)}" class="chart" data-chart="${escapeHtml(id)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">`);
  out.push(`<text x="${M.left}" y="18" class="title">${escapeHtml(title)}${log ? ' (log scale)' : ''}</text>`);
  const ticks: number[] = [];
  if (log) {
    const step = Math.max(1, Math.ceil((hi - lo) / 6));
    for (let e = lo; e <= hi; e += step) ticks.push(10 ** e);
  } else for (let i = 0; i <= 4; i++) ticks.push(lo + ((hi - lo) * i) / 4);
  for (const t of ticks) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" class="grid"/><text x="${M.left - 6}" y="${y}" class="ytick">${tickLabel(t)}</text>`);
  }
  const xstep = Math.max(1, Math.ceil(xs.length / 10));
  xs.forEach((x, i) => {
    if (i % xstep === 0 || i === xs.length - 1) out.push(`<text x="${px(x).toFixed(1)}" y="${H - M.bottom + 16}" class="xtick">${x}</text>`);
  });
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 4}" class="xlabel">epoch</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" class="frame"/>`);
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    const pts = xs.map((x, i) => [x, s.values[i] ?? null] as const).filter((p): p is readonly [number, number] => valid(p[1]));
    out.push(`<g data-series="${escapeHtml(s.name)}" stroke="${color}" fill="${color}">`);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke-width="1.6" points="${pts.map(([x, v]) => `${px(x).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, v] of pts) out.push(`<circle class="pt" r="2.4" cx="${px(x).toFixed(1)}" cy="${py(v).toFixed(1)}"><title>${escapeHtml(s.name)} epoch ${x}: ${v}</title></circle>`);
    const ly = M.top + 14 + k * 16;
    out.push(`<rect x="${W - M.right + 10}" y="${ly - 8}" width="12" height="3" stroke="none"/><text x="${W - M.right + 28}" y="${ly}" class="legend" stroke="none" fill="#222">${escapeHtml(s.name)}</text></g>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:980px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.meta{color:#555}.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{background:#fff;border:1px solid #e3e3e3;border-radius:4px}
.title{font-weight:600;font-size:13px}.grid{stroke:#eee}.frame{fill:none;stroke:#bbb}
.ytick{font-size:10px;text-anchor:end;dominant-baseline:middle;fill:#555}.xtick,.xlabel{font-size:10px;text-anchor:middle;fill:#555}
.legend{font-size:11px}table{border-collapse:collapse}td,th{padding:3px 12px 3px 0;text-align:left;border-bottom:1px solid #eee}
td.num,th.num{text-align:right}ul.warnings li{margin:6px 0}.kind{font-weight:600;color:#b45309}.none{color:#2a7a2a}`;

/** Each distinct warning (kind and layer) with the epochs it was raised in. */
export function collectWarnings(history: readonly EpochRecord[]): { warning: MonitorWarning; epochs: number[] }[] {
  const byKey = new Map<string, { warning: MonitorWarning; epochs: number[] }>();
  for (const r of history) {
    for (const w of r.warnings) {
      const key = `${w.kind}:${w.layer ?? ''}`;
      const entry = byKey.get(key);
      if (entry) entry.epochs.push(r.epoch);
      else byKey.set(key, { warning: w, epochs: [r.epoch] });
    }
  }
  return [...byKey.values()];
}

function epochsText(epochs: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < epochs.length; ) {
    let j = i;
    while (j + 1 < epochs.length && epochs[j + 1] === epochs[j]! + 1) j++;
    runs.push(i === j ? `${epochs[i]}` : `${epochs[i]}–${epochs[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** The whole report page. */
export function renderReport(input: ReportInput): string {
  const h = input.history;
  const xs = h.map((r) => r.epoch);
  const lossSeries: Series[] = [{ name: 'loss', values: h.map((r) => r.loss) }];
  if (h.some((r) => r.val_loss !== undefined)) lossSeries.push({ name: 'val_loss', values: h.map((r) => r.val_loss ?? null) });
  const metricNames = [...new Set(h.flatMap((r) => Object.keys(r.metrics)))];
  const layers = [...new Set(h.flatMap((r) => Object.keys(r.grad_norms)))];
  const charts = [lineChart('loss', 'Loss', xs, lossSeries)];
  if (metricNames.length) charts.push(lineChart('metrics', 'Metrics', xs, metricNames.map((m) => ({ name: m, values: h.map((r) => r.metrics[m] ?? null) }))));
  if (layers.length) charts.push(lineChart('grad_norms', 'Gradient norm per layer', xs, layers.map((l) => ({ name: l, values: h.map((r) => r.grad_norms[l] ?? null) })), true));
  const rows = input.layers
    .map((l) => `<tr><td>${escapeHtml(l.name)}</td><td>${escapeHtml(l.kind)}</td><td>${l.output_shape ? `[${l.output_shape.join(', ')}]` : '?'}</td><td class="num">${l.params.toLocaleString('en-US')}</td></tr>`)
    .join('\n');
  const warnings = collectWarnings(h);
  const warningHtml = warnings.length
    ? `<ul class="warnings">${warnings.map(({ warning, epochs }) => `<li><span class="kind">${escapeHtml(warning.kind.replace(/_/g, ' '))}</span> (epoch ${epochsText(epochs)}): ${escapeHtml(warning.message)}</li>`).join('\n')}</ul>`
    : '<p class="none">No warnings: gradients stayed within the monitor\'s thresholds.</p>';
  const last = h[h.length - 1];
  const results = [input.outcome, ...(input.results ?? [])].map((r) => `<li>${escapeHtml(r)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>nn training report: ${escapeHtml(input.model)}</title><style>${CSS}</style></head>
<body>
<h1>Training report: ${escapeHtml(input.model)}</h1>
<p class="meta">${escapeHtml(input.file)} · ${h.length} epoch${h.length === 1 ? '' : 's'}${last ? ` · final loss ${last.loss.toPrecision(4)}${last.val_loss !== undefined ? `, val_loss ${last.val_loss.toPrecision(4)}` : ''}` : ''}</p>
<ul>${results}</ul>
<h2>Curves</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h2>Warnings (${warnings.length})</h2>
${warningHtml}
<h2>Model</h2>
<table><thead><tr><th>Layer</th><th>Kind</th><th>Output shape</th><th class="num">Params</th></tr></thead><tbody>
${rows}
</tbody></table>
<p class="meta">Total params: ${input.totalParams.toLocaleString('en-US')} · trainable: ${input.trainableParams.toLocaleString('en-US')} · non-trainable: ${(input.totalParams - input.trainableParams).toLocaleString('en-US')}</p>
</body></html>
`;
}
