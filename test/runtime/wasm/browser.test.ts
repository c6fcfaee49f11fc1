import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildBrowserBundle } from '../../../scripts/build-browser.mjs';

/**
 * The WebAssembly kernels bundled for the browser (no Node built-ins) and run in headless
 * Chromium on the page's main thread, where synchronous compiles are limited to 4 KiB.
 */

let dir: string;
let browser: Browser;
let page: Page;

type Wasm = typeof import('../../../src/runtime/wasm/index.js');
declare const window: { wasm: Wasm };

beforeAll(async () => {
  mkdirSync(join('node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join('node_modules', '.cache', 'nn-wasm-'));
  await buildBrowserBundle(join(dir, 'wasm.js'), 'src/runtime/wasm/index.ts');
  const bundle = readFileSync(join(dir, 'wasm.js'), 'utf8');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await browser.newPage();
  await page.route('http://nn.test/**', (route) => {
    if (route.request().url().endsWith('/wasm.js')) return route.fulfill({ contentType: 'text/javascript', body: bundle });
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><script type="module">import * as w from "./wasm.js"; window.wasm = w; window.ready = true;</script>',
    });
  });
  await page.goto('http://nn.test/index.html');
  await page.waitForFunction('window.ready === true', undefined, { timeout: 20_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the WebAssembly kernels in a browser', () => {
  it.each([false, true])('compute every transposition on the main thread within 1e-5 of a float64 reference (fma %s)', async (fma) => {
    const result = await page.evaluate((useFma) => {
      const k = window.wasm.createWasmKernels({ shape: { fma: useFma } });
      if (!k) return { error: 'no SIMD' };
      let worst = 0;
      for (const [m, n, kk] of [[1, 1, 1], [5, 9, 7], [67, 70, 300], [130, 17, 520]]) {
        for (const kind of ['gemmNN', 'gemmTN', 'gemmNT'] as const) {
          for (const zeroCopy of [true, false]) {
            const mk = (len: number, seed: number): Float32Array => {
              const v = zeroCopy ? k.alloc(len) : new Float32Array(len);
              for (let i = 0; i < len; i++) v[i] = Math.sin(i * 0.7 + seed);
              return v;
            };
            const a = mk(m * kk, 1), b = mk(kk * n, 2), c = mk(m * n, 3), c0 = c.slice();
            k[kind](m, n, kk, a, 0, b, 0, c, 0, true, new Float32Array(0), 0);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = c0[i * n + j], scale = Math.abs(s);
                for (let p = 0; p < kk; p++) {
                  const av = kind === 'gemmTN' ? a[p * m + i] : a[i * kk + p];
                  const bv = kind === 'gemmNT' ? b[j * kk + p] : b[p * n + j];
                  s += av * bv;
                  scale += Math.abs(av * bv);
                }
                worst = Math.max(worst, Math.abs(c[i * n + j] - s) / scale);
              }
            }
          }
        }
      }
      return { worst, fma: k.shape.fma };
    }, fma);
    expect(result).not.toHaveProperty('error');
    expect(result.worst).toBeLessThan(1e-5);
    // Chromium ships relaxed SIMD, so the fused multiply-add micro-kernel is the one tested here.
    expect(result.fma).toBe(fma);
  }, 60_000);
});
