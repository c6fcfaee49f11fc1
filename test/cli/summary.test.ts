import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

async function run(args: string[], cwd = examples): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd });
  return { code, out, err };
}

describe('nn summary', () => {
  it('prints the contract JSON for the MNIST MLP, params in file order', async () => {
    const { code, out } = await run(['summary', 'mnist-mlp.nn', '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.model).toBe('Mnist');
    expect(json.layers.map((l: { name: string }) => l.name)).toEqual(['fc1', 'relu_1', 'batchnorm_1', 'dropout_1', 'dense_2']);
    expect(json.layers[0]).toEqual({ name: 'fc1', kind: 'dense', output_shape: [256], params: 784 * 256 + 256 });
    expect(json.params.map((p: { name: string }) => p.name)).toEqual([
      'fc1.weight', 'fc1.bias', 'batchnorm_1.weight', 'batchnorm_1.bias', 'batchnorm_1.running_mean', 'batchnorm_1.running_var', 'dense_2.weight', 'dense_2.bias',
    ]);
    expect(json.params[4]).toEqual({ name: 'batchnorm_1.running_mean', shape: [256], trainable: false });
    expect(json.total_params).toBe(784 * 256 + 256 + 4 * 256 + 256 * 10 + 10);
    expect(json.trainable_params).toBe(json.total_params - 2 * 256);
  });

  it('prints a Keras-like table with totals', async () => {
    const { code, out } = await run(['summary', 'mnist-cnn.nn']);
    expect(code).toBe(0);
    expect(out).toContain('Model: MnistCnn');
    expect(out).toMatch(/conv1\s+conv2d\s+\[8, 28, 28\]\s+80/);
    expect(out).toMatch(/Non-trainable params: 32/);
  });

  it('summarizes every model without --model, and one with it', async () => {
    const all = await run(['summary', 'deep-sigmoid-fixed.nn', '--json']);
    expect(JSON.parse(all.out).map((m: { model: string }) => m.model)).toEqual(['DeepRelu', 'DeepNormalized']);
    const one = await run(['summary', 'deep-sigmoid-fixed.nn', '--json', '--model', 'DeepNormalized']);
    expect(JSON.parse(one.out).model).toBe('DeepNormalized');
    const missing = await run(['summary', 'deep-sigmoid-fixed.nn', '--model', 'Nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no model 'Nope'");
  });

  it('prints diagnostics and exits 1 on a file with errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-summary-'));
    writeFileSync(join(dir, 'bad.nn'), 'model M {\n  input [4]\n  rleu\n}\n');
    const { code, out, err } = await run(['summary', 'bad.nn'], dir);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('bad.nn:3:3: error[NN2001]');
  });

  it('keeps stdout clean JSON when the file only has warnings', async () => {
    const { code, out, err } = await run(['summary', 'deep-sigmoid.nn', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).model).toBe('DeepSigmoid');
    expect(err).toContain('NN8001');
  });
});
