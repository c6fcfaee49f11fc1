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

describe('the WebAssembly kernels on worker threads in a browser', () => {
  it('start Blob-URL workers over a shared memory in a cross-origin isolated page and split products and optimizer updates across them, bit-identical to one thread', async () => {
    const iso = await browser.newPage();
    const bundle = readFileSync(join(dir, 'wasm.js'), 'utf8');
    // Shared memory needs cross-origin isolation: both headers on the page (and its script).
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    // localhost: a secure context, as isolation requires (the route serves it; nothing listens)
    await iso.route('http://localhost:9/**', (route) => {
      if (route.request().url().endsWith('/wasm.js')) return route.fulfill({ contentType: 'text/javascript', headers, body: bundle });
      return route.fulfill({
        contentType: 'text/html', headers,
        body: '<!doctype html><script type="module">import * as w from "./wasm.js"; window.wasm = w; window.ready = true;</script>',
      });
    });
    await iso.goto('http://localhost:9/index.html');
    await iso.waitForFunction('window.ready === true', undefined, { timeout: 20_000 });
    const r = await iso.evaluate(async () => {
      const w = window.wasm;
      if (!(globalThis as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated) return { error: 'page not cross-origin isolated' };
      const [m, n, k] = [128, 256, 784];
      const N = w.PARALLEL_ELEMENTS + 7;
      const floats = 2 * (m * k + k * n + m * n) + 6 * N;
      const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false, weight_decay: 0 };
      let runs = 0;
      const tables = [1, 2].map((threads) => {
        const t = w.createWasmKernels({ threads, arenaFloats: floats, parallelMacs: 0, shape: { fma: false } });
        if (!t) throw new Error('no SIMD');
        // the update is made before the workers start, so they load it
        const jobs = t.jobs && { ...t.jobs, run: (job: number, total: number, unit: number) => { runs++; t.jobs!.run(job, total, unit); } };
        const slots = [t.alloc(N), t.alloc(N)];
        const update = w.wasmOptimizerUpdate(t.memory, 'adam', adam, slots, N, jobs);
        if (!update) throw new Error('no adam update');
        return { t, update, slots };
      });
      const two = tables[1].t;
      const t0 = performance.now();
      while (two.readyThreads() < 2) {
        if (performance.now() - t0 > 20000) return { error: 'workers did not start' };
        await new Promise((res) => setTimeout(res, 5));
      }
      const out = tables.map(({ t, update, slots }) => {
        const a = t.alloc(m * k), b = t.alloc(k * n), c = t.alloc(m * n);
        for (let i = 0; i < a.length; i++) a[i] = Math.sin(0.37 * i);
        for (let i = 0; i < b.length; i++) b[i] = Math.cos(0.11 * i);
        t.gemmNT(m, n, k, a, 0, b, 0, c, 0, false, a, 0);
        const p = t.alloc(N), g = t.alloc(N);
        for (let s = 0; s < 3; s++) {
          for (let i = 0; i < N; i++) g[i] = Math.cos(0.13 * i + s);
          update(p, g, 1e-3, new Float64Array([s]));
        }
        return [c, p, ...slots];
      });
      const same = out[0].every((x, i) => x.every((v, j) => Object.is(v, out[1][i][j])));
      const result = { threads: two.threads, shared: two.memory.buffer instanceof SharedArrayBuffer, same, runs };
      for (const { t } of tables) t.dispose();
      return result;
    });
    await iso.close();
    expect(r).toEqual({ threads: 2, shared: true, same: true, runs: 3 });
  }, 60_000);
});
