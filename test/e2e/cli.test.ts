import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, filesIn, hasStackTrace, nn, nnKilledWhen, root, tempDir } from './helpers.js';

beforeAll(() => build(), 180_000);

const iris = join(root, 'examples', 'iris.nn');
const irisCsv = join(root, 'examples', 'data', 'iris.csv');

/** A folder holding `m.nn` (an iris-like model reading `data.csv`) and the given data. */
function project(csv: string, model = 'model M {\n  input [2]\n  dense(4, activation: relu)\n  dense(2, activation: softmax)\n}\n', train = ''): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'data.csv'), csv);
  writeFileSync(join(dir, 'm.nn'), `${model}\ntrain M {\n  data: csv("data.csv", label: "y")\n  loss: cross_entropy\n  optimizer: adam(lr: 0.01)\n  batch: 2\n  epochs: 3\n${train}}\n`);
  return dir;
}

const goodCsv = 'a,b,y\n0,1,x\n1,0,z\n0.5,0.5,x\n1,1,z\n';

describe('nn train', () => {
  it('prints only one contract JSON object per epoch with --json and writes weights and a checkpoint', () => {
    const dir = tempDir();
    const w = join(dir, 'iris.safetensors');
    const r = nn(['train', iris, '--epochs', '4', '--json', '--weights-out', w]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    lines.forEach((line, i) => {
      const o = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(o)).toEqual(['epoch', 'loss', 'val_loss', 'metrics', 'lr', 'grad_norms', 'samples_per_s', 'warnings']);
      expect(o['epoch']).toBe(i + 1);
      expect(o['lr']).toBe(0.01);
      expect(Object.keys(o['metrics'] as object)).toEqual(['accuracy', 'val_accuracy']);
      expect(Object.keys(o['grad_norms'] as object)).toEqual(['dense_1', 'dense_2', 'dense_3']);
      expect(o['samples_per_s']).toBeGreaterThan(0);
    });
    expect(filesIn(dir)).toEqual(['iris.safetensors', 'iris.safetensors.ckpt']);
  });

  it('trains Iris to at least 0.93 held-out test accuracy, as npm start does', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toContain('--test-split');
    const dir = tempDir();
    const r = nn(['train', iris, '--test-split', '0.2', '--weights-out', join(dir, 'w.safetensors')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^epoch 100\/100 {2}loss /m);
    const acc = Number(/test_accuracy (\S+) \(30 held-out samples\)/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThanOrEqual(0.93);
  });

  it('resumes a killed run from its checkpoint and ends with byte-identical weights', async () => {
    const dir = tempDir();
    const full = join(dir, 'full.safetensors');
    const cut = join(dir, 'cut.safetensors');
    const args = ['train', iris, '--epochs', '60', '--json'];
    expect(nn([...args, '--weights-out', full]).code).toBe(0);
    const killed = await nnKilledWhen([...args, '--weights-out', cut], (line) => line.includes('"epoch":3,'));
    expect(killed.signal).toBe('SIGKILL');
    // SIGKILL may land mid-write: a temporary file can remain, but the checkpoint is whole
    const resumed = nn([...args, '--weights-out', cut, '--resume', `${cut}.ckpt`]);
    expect(resumed.code).toBe(0);
    expect(filesIn(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const epochs = resumed.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { epoch: number }).epoch);
    expect(epochs[0]).toBeGreaterThan(3);
    expect(epochs[epochs.length - 1]).toBe(60);
    expect(readFileSync(cut).equals(readFileSync(full))).toBe(true);
  });

  it('shows vanishing gradients for the deep sigmoid stack in the output and the report', async () => {
    const dir = tempDir();
    const report = join(dir, 'deep.html');
    const r = nn(['train', join(root, 'examples', 'deep-sigmoid.nn'), '--epochs', '3', '--weights-out', join(dir, 'w.safetensors'), '--report', report]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/vanishing gradients: dense_1 gets gradient norm \S+ \(< 1\.00e-4\)/);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('vanishing gradients');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      await page.goto(`file://${report}`);
      expect(await page.locator('svg[data-chart="loss"] circle.pt').count()).toBe(3);
      expect(await page.locator('svg[data-chart="grad_norms"] g[data-series]').count()).toBe(17);
      expect(await page.locator('svg[data-chart="grad_norms"] circle.pt').count()).toBe(17 * 3);
      expect(await page.locator('table tbody tr').count()).toBe(17);
      const shots = join(root, 'test', '__screenshots__', 'out');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'train-report-deep-sigmoid.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('trains the fixed deep stack without a vanishing warning', () => {
    const dir = tempDir();
    const r = nn(['train', join(root, 'examples', 'deep-sigmoid-fixed.nn'), '--model', 'DeepRelu', '--epochs', '5', '--json', '--weights-out', join(dir, 'w.safetensors')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { loss: number; warnings: { kind: string }[] });
    expect(lines[4]!.loss).toBeLessThan(lines[0]!.loss);
    expect(lines.flatMap((l) => l.warnings.map((w) => w.kind))).not.toContain('vanishing_gradients');
  });

  it('stops on NaN with a message naming the layer, epoch and step, and exit code 1', () => {
    const dir = project(goodCsv);
    const text = readFileSync(join(dir, 'm.nn'), 'utf8').replace('adam(lr: 0.01)', 'sgd(1e30)').replace('epochs: 3', 'epochs: 50');
    writeFileSync(join(dir, 'm.nn'), text);
    const r = nn(['train', 'm.nn'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exploding gradients: (NaN|Inf) first in dense_\d at epoch \d+, step \d+/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('nn eval and nn predict', () => {
  const dir = tempDir();
  const w = join(dir, 'iris.safetensors');
  beforeAll(() => {
    expect(nn(['train', iris, '--epochs', '60', '--weights-out', w]).code).toBe(0);
  });

  it('evaluates loss and metrics as JSON, on the block data or --data', () => {
    const r = nn(['eval', iris, '--weights', w, '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { loss: number; metrics: { accuracy: number } };
    expect(Object.keys(o)).toEqual(['loss', 'metrics']);
    expect(o.metrics.accuracy).toBeGreaterThan(0.9);
    const sub = join(dir, 'sub.csv');
    writeFileSync(sub, readFileSync(irisCsv, 'utf8').split('\n').slice(0, 11).join('\n') + '\n');
    const r2 = nn(['eval', iris, '--weights', w, '--data', sub]);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toMatch(/^loss \S+ {2}accuracy \S+ \(10 samples from /);
  });

  it('predicts one class name per input row, and probabilities with --json', () => {
    const r = nn(['predict', iris, '--weights', w, '--input', irisCsv]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(150);
    expect(lines[0]).toMatch(/^setosa [01]\.\d{4}$/);
    expect(lines[149]).toMatch(/^(virginica|versicolor) /);
    const j = nn(['predict', iris, '--weights', w, '--input', irisCsv, '--json']);
    const first = JSON.parse(j.stdout.split('\n')[0]!) as { class: string; probabilities: Record<string, number> };
    expect(first.class).toBe('setosa');
    expect(Object.keys(first.probabilities)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Object.values(first.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('lists every difference when the weights do not fit the model', () => {
    const d = project(goodCsv);
    const r = nn(['eval', 'm.nn', '--weights', w], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[NN6039]');
    expect(r.stderr).toMatch(/dense_1.weight has shape \[16, 4\] but the model expects \[4, 2\]/);
    expect(r.stderr).toMatch(/unexpected dense_3.weight/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('bad input', () => {
  const cases: [string, string, string[], RegExp][] = [
    ['a missing .nn file', goodCsv, ['train', 'nope.nn'], /nope\.nn: no such file/],
    ['a ragged CSV row', 'a,b,y\n0,1,x\n1,z\n', ['train', 'm.nn'], /data\.csv:3:\d+: error\[NN6004\]: row has 2 fields but the header has 3/],
    ['a non-numeric cell', 'a,b,y\n0,1,x\nq,1,z\n', ['train', 'm.nn'], /data\.csv:3:1: error\[NN6007\]: column 'a'/],
    ['a missing label column', 'a,b,c\n0,1,x\n', ['train', 'm.nn'], /data\.csv.*error\[NN6009\]: no label column 'y'/],
    ['an empty data file', '', ['train', 'm.nn'], /data\.csv: error\[NN6002\]/],
    ['data that does not fit the input shape', 'a,b,c,y\n0,1,2,x\n', ['train', 'm.nn'], /error\[NN6011\]: the data has 3 features per sample but the model's input \[2\] takes 2/],
    ['a bad flag value', goodCsv, ['train', 'm.nn', '--epochs', 'many'], /--epochs expects an integer, got 'many'/],
    ['a missing weights file', goodCsv, ['eval', 'm.nn', '--weights', 'none.safetensors'], /none\.safetensors: cannot read the weights file \(no such file\)/],
    ['a checkpoint that is not one', goodCsv, ['train', 'm.nn', '--resume', 'data.csv'], /data\.csv: error\[NN6031\]/],
    ['a missing predict input', goodCsv, ['predict', 'm.nn', '--weights', 'm.nn', '--input', 'x.csv'], /error\[NN603\d\]/],
  ];

  it.each(cases)('%s: one message naming the file and place, non-zero exit, no stack, no files', (_name, csv, args, message) => {
    const dir = project(csv);
    const before = filesIn(dir);
    const r = nn(args, dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toBe('');
    expect(filesIn(dir)).toEqual(before);
  });

  it('a .nn file with errors prints the diagnostics and trains nothing', () => {
    const dir = project(goodCsv, 'model M {\n  input [2]\n  dense(4, activation: relux)\n  dense(2)\n}\n');
    const r = nn(['train', 'm.nn'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/m\.nn:3:\d+/);
    expect(r.stderr).toContain('relu');
    expect(filesIn(dir)).toEqual(['data.csv', 'm.nn']);
  });

  it('a weights file given as a checkpoint is refused with the reason', () => {
    const dir = project(goodCsv);
    expect(nn(['train', 'm.nn', '--weights-out', 'w.safetensors'], dir).code).toBe(0);
    copyFileSync(join(dir, 'w.safetensors'), join(dir, 'copy.safetensors'));
    const r = nn(['train', 'm.nn', '--resume', 'copy.safetensors', '--weights-out', 'other.safetensors'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/copy\.safetensors: error\[NN6038\].*not a checkpoint/);
    expect(existsSync(join(dir, 'other.safetensors'))).toBe(false);
  });
});
