import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '../../src/train/loop.js';
import { collectWarnings, escapeHtml, lineChart, renderReport } from '../../src/train/report.js';

const vanishing = { kind: 'vanishing_gradients' as const, layer: 'dense_1', message: 'vanishing gradients: dense_1 gets gradient norm 1.00e-7 <script>' };

function history(epochs: number): EpochRecord[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 1 / (i + 1),
    val_loss: 1.2 / (i + 1) + 0.01 * i,
    metrics: { accuracy: 0.5 + 0.04 * i, val_accuracy: 0.45 + 0.04 * i },
    lr: 0.01,
    grad_norms: { dense_1: 1e-7 * (i + 1), dense_2: 1e-3, dense_3: 0.5 },
    dead_fractions: {},
    samples_per_s: 1000,
    warnings: i >= 2 ? [vanishing] : [],
  }));
}

const layers = [
  { name: 'dense_1', kind: 'dense', output_shape: [16], params: 80 },
  { name: 'relu_1', kind: 'relu', output_shape: [16], params: 0 },
];

describe('the HTML report', () => {
  it('is self-contained: no scripts, no links, no external URLs', () => {
    const html = renderReport({ file: 'm.nn', model: 'M', layers, totalParams: 80, trainableParams: 80, history: history(5), outcome: 'trained' });
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|https?:\/\//i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('lists each distinct warning once with the epochs it was raised in', () => {
    const ws = collectWarnings(history(6));
    expect(ws).toHaveLength(1);
    expect(ws[0]!.epochs).toEqual([3, 4, 5, 6]);
    const html = renderReport({ file: 'm.nn', model: 'M', layers, totalParams: 80, trainableParams: 80, history: history(6), outcome: 'trained' });
    expect(html).toContain('(epoch 3–6)');
  });

  it('leaves gaps for missing values and non-positive values on a log chart', () => {
    const svg = lineChart('c', 'C', [1, 2, 3], [{ name: 's', values: [1, null, 0] }], true);
    expect(svg.match(/<circle/g)).toHaveLength(1);
    expect(escapeHtml(`<a href="x">'`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;');
  });

  it('renders in headless Chromium with one point per epoch and series on every chart', async () => {
    const epochs = 12;
    const html = renderReport({ file: 'examples/m.nn', model: 'M', layers, totalParams: 80, trainableParams: 80, history: history(epochs), outcome: 'trained M for 12 epochs', results: ['test_accuracy 0.9667'] });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(html);
      const count = (sel: string) => page.locator(sel).count();
      expect(await count('svg[data-chart="loss"] g[data-series="loss"] circle.pt')).toBe(epochs);
      expect(await count('svg[data-chart="loss"] g[data-series="val_loss"] circle.pt')).toBe(epochs);
      expect(await count('svg[data-chart="metrics"] circle.pt')).toBe(2 * epochs);
      expect(await count('svg[data-chart="grad_norms"] g[data-series] circle.pt')).toBe(3 * epochs);
      expect(await page.locator('svg[data-chart="grad_norms"] text.title').textContent()).toContain('log scale');
      const box = await page.locator('svg[data-chart="loss"]').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
      const dir = join(import.meta.dirname, '..', '__screenshots__', 'out');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'train-report-synthetic.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
