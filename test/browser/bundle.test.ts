import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildBrowserBundle } from '../../scripts/build-browser.mjs';

/**
 * The library entry bundled for the browser (esbuild, platform browser, ESM) and loaded in
 * headless Chromium as an editor would embed it: served as a module and imported by a page.
 */

let dir: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(join('node_modules', '.cache'), { recursive: true });
  dir = mkdtempSync(join('node_modules', '.cache', 'nn-browser-'));
  await buildBrowserBundle(join(dir, 'nn.js'));
  const bundle = readFileSync(join(dir, 'nn.js'), 'utf8');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('http://nn.test/**', (route) => {
    const url = route.request().url();
    if (url.endsWith('/nn.js')) return route.fulfill({ contentType: 'text/javascript', body: bundle });
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><script type="module">import * as nn from "./nn.js"; window.nn = nn; window.ready = true;</script>',
    });
  });
  await page.goto('http://nn.test/index.html');
  await page.waitForFunction('window.ready === true', undefined, { timeout: 20_000 });
  expect(errors).toEqual([]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Nn = typeof import('../../src/index.js');
declare const window: { nn: Nn };

describe('the library in the browser', () => {
  it('checks a bad program and offers the nearest name', async () => {
    const result = await page.evaluate(() => {
      const { diagnostics } = window.nn.check('model M {\n  input [4]\n  dense(3, activation: rleu)\n}\n', 'bad.nn');
      return diagnostics.map((d) => ({ code: d.code, message: d.message, line: d.range.start.line, fix: d.fix?.edits[0]?.newText }));
    });
    expect(result).toEqual([{ code: 'NN2002', message: "unknown activation 'rleu'; did you mean 'relu'?", line: 3, fix: 'relu' }]);
  });

  it('parses without the checker', async () => {
    const kinds = await page.evaluate(() => window.nn.parse('let a = 1\nmodel M {\n  input [a]\n}\n').program.decls.map((d) => d.kind));
    expect(kinds).toEqual(['Let', 'Model']);
  });

  it('formats with the prettier plugin', async () => {
    const formatted = await page.evaluate(() => window.nn.format('model M {\ninput [4]\n     dense(3)\n}'));
    expect(formatted).toBe('model M {\n  input [4]\n  dense(3)\n}\n');
  });

  it('compiles an example to a training plan and its TypeScript source, with initialized weights', async () => {
    const example = readFileSync(resolve('examples/xor.nn'), 'utf8');
    const result = await page.evaluate((text) => {
      const compiled = window.nn.compile(text, { file: 'xor.nn', batchCapacity: 4 });
      return {
        errors: compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        hasPlan: compiled.plan !== undefined,
        params: compiled.model?.totalParams,
        exportsPlan: compiled.code?.includes('export') ?? false,
        weights: compiled.plan ? compiled.plan.getWeights().length : 0,
      };
    }, example);
    expect(result.errors).toEqual([]);
    expect(result.hasPlan).toBe(true);
    expect(result.params).toBeGreaterThan(0);
    expect(result.exportsPlan).toBe(true);
    expect(result.weights).toBeGreaterThan(result.params! * 4);
  });
});

describe('the browser build', () => {
  it('fails, naming the importer, when a module imports a Node built-in', async () => {
    const entry = join(dir, 'uses-node.ts');
    writeFileSync(entry, "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
    await expect(buildBrowserBundle(join(dir, 'bad.js'), entry)).rejects.toThrow(/Node built-in 'node:fs' imported by .*uses-node\.ts/);
  });
});
