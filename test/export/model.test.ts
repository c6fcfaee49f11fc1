import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { exportProgram, python, randomArray, randomPlan, relativeDiff, tempDir, writeF32 } from './helpers.js';

interface Case {
  readonly name: string;
  readonly input: string;
  readonly body: string;
  /** The train block's loss and label kind (default mse on values). */
  readonly loss?: string;
  readonly labels?: 'class' | 'binary' | 'value';
}

const activations = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu(alpha: 0.2)', 'elu(alpha: 0.5)', 'selu', 'gelu', 'silu', 'softplus', 'softsign', 'softmax', 'log_softmax'];

const layerCases: Case[] = [
  ...activations.map((a) => ({ name: `dense with activation ${a}`, input: '[4]', body: `dense(5, activation: ${a})` })),
  ...activations.map((a) => ({ name: `the activation layer ${a}`, input: '[4]', body: `dense(6)\n${a}` })),
  { name: 'dense without bias and with init arguments', input: '[3]', body: 'dense(4, bias: false, init: orthogonal(gain: 2))' },
  { name: 'conv2d valid with a [2, 3] kernel', input: '[2, 6, 7]', body: 'conv2d(3, [2, 3], activation: relu)\nflatten' },
  { name: 'conv2d same with stride 1 and an odd kernel', input: '[2, 5, 5]', body: 'conv2d(3, 3, padding: same)\nflatten' },
  { name: 'conv2d same with stride 1 and an even kernel (asymmetric padding)', input: '[1, 5, 6]', body: 'conv2d(2, 2, padding: same)\nflatten' },
  { name: 'conv2d same with stride 2 and asymmetric padding', input: '[2, 7, 7]', body: 'conv2d(3, 4, stride: 2, padding: same, bias: false)\nflatten' },
  { name: 'conv2d with stride [2, 1]', input: '[1, 7, 6]', body: 'conv2d(2, [3, 2], stride: [2, 1], activation: tanh)\nflatten' },
  { name: 'maxpool2d with the default stride', input: '[2, 6, 6]', body: 'maxpool2d(2)\nflatten' },
  { name: 'maxpool2d with a rectangular window and stride', input: '[2, 6, 7]', body: 'maxpool2d([2, 3], stride: [1, 2])\nflatten' },
  { name: 'avgpool2d with overlapping windows', input: '[2, 7, 7]', body: 'avgpool2d(3, stride: 2)\nflatten' },
  { name: 'reshape to CHW and back', input: '[8]', body: 'reshape([2, 2, 2])\nconv2d(2, 1)\nflatten\ndense(3)' },
  { name: 'dropout in evaluation mode', input: '[4]', body: 'dense(4)\ndropout(0.5)\ndense(2)' },
  { name: 'batchnorm on flat inputs (running statistics)', input: '[4]', body: 'dense(5)\nbatchnorm(momentum: 0.2, eps: 1e-3)' },
  { name: 'batchnorm per channel on CHW inputs', input: '[3, 4, 4]', body: 'batchnorm\nflatten' },
  { name: 'layernorm on flat inputs', input: '[6]', body: 'layernorm(eps: 1e-4)\ndense(2)' },
  { name: 'layernorm over a whole CHW sample', input: '[2, 3, 3]', body: 'layernorm\nflatten' },
  { name: 'nested residual blocks', input: '[4]', body: 'residual {\n  dense(4, activation: tanh)\n  residual {\n    dense(4, activation: relu)\n  }\n  dense(4)\n}\ndense(2)' },
];

const lossCases: Case[] = [
  { name: 'the loss mse', input: '[4]', body: 'dense(3)', loss: 'mse', labels: 'value' },
  { name: 'the loss mae', input: '[4]', body: 'dense(3)', loss: 'mae', labels: 'value' },
  { name: 'the loss huber(delta: 0.3)', input: '[4]', body: 'dense(3, activation: tanh)', loss: 'huber(delta: 0.3)', labels: 'value' },
  { name: 'binary_cross_entropy on a final sigmoid (probabilities)', input: '[4]', body: 'dense(1, activation: sigmoid)', loss: 'binary_cross_entropy', labels: 'binary' },
  { name: 'binary_cross_entropy on logits', input: '[4]', body: 'dense(1)', loss: 'binary_cross_entropy', labels: 'binary' },
  { name: 'cross_entropy fused with a final softmax activation', input: '[4]', body: 'dense(3, activation: softmax)', loss: 'cross_entropy', labels: 'class' },
  { name: 'cross_entropy fused with a softmax layer', input: '[4]', body: 'dense(3)\nsoftmax', loss: 'cross_entropy', labels: 'class' },
  { name: 'cross_entropy on logits', input: '[4]', body: 'dense(3)', loss: 'cross_entropy', labels: 'class' },
];

const N = 7;

function program(c: Case): string {
  const body = c.body.split('\n').map((l) => `  ${l}`).join('\n');
  return `model M {\n  input ${c.input}\n${body}\n}\n\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: ${c.loss ?? 'mse'}\n  optimizer: sgd(0.1)\n}\n`;
}

interface Result {
  readonly ours: Float32Array;
  readonly theirs: Float32Array;
  readonly ourLoss: number;
  readonly theirLoss: number | null;
  readonly weights: Uint8Array;
  readonly back: Uint8Array;
}

const results = new Map<string, Result>();
const cases = [...layerCases, ...lossCases];

beforeAll(() => {
  const root = tempDir('model');
  const pending: { c: Case; dir: string; ours: Float32Array; ourLoss: number; weights: Uint8Array }[] = [];
  cases.forEach((c, k) => {
    const dir = join(root, `case${k}`);
    const { model, train } = exportProgram(program(c), dir);
    const { plan, weights } = randomPlan(model, train!, N, k + 1);
    const x = randomArray(N * plan.inputSize, 1000 + k, -2, 2);
    const outputs = plan.outputSize;
    const y =
      c.labels === 'class' ? Float32Array.from({ length: N }, (_, i) => i % outputs)
        : c.labels === 'binary' ? Float32Array.from({ length: N }, (_, i) => i % 2)
          : randomArray(N * outputs, 2000 + k);
    const yShape = c.labels === 'class' ? [N] : [N, c.labels === 'binary' ? 1 : outputs];
    const ours = plan.predict(x, N).slice();
    const ourLoss = plan.evaluate(x, y, N).loss;
    writeFileSync(join(dir, 'w.safetensors'), weights);
    writeF32(join(dir, 'x.bin'), x);
    writeF32(join(dir, 'y.bin'), y);
    writeFileSync(join(dir, 'case.json'), JSON.stringify({ n: N, y_shape: yShape }));
    pending.push({ c, dir, ours, ourLoss, weights });
  });
  python([join(import.meta.dirname, 'driver.py'), ...pending.map((p) => p.dir)], root);
  for (const p of pending) {
    const out = readFileSync(join(p.dir, 'out.bin'));
    const theirs = new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    const loss = JSON.parse(readFileSync(join(p.dir, 'loss.json'), 'utf8')) as { loss: number };
    results.set(p.c.name, { ours: p.ours, theirs, ourLoss: p.ourLoss, theirLoss: loss.loss, weights: p.weights, back: new Uint8Array(readFileSync(join(p.dir, 'back.safetensors'))) });
  }
}, 120_000);

describe('exported PyTorch model against our runtime, same weights', () => {
  it.each(cases.map((c) => [c.name]))('%s gives the same outputs (relative 1e-5)', (name) => {
    const r = results.get(name)!;
    expect(r.theirs.length).toBe(r.ours.length);
    expect(relativeDiff(r.theirs, r.ours)).toBeLessThan(1e-5);
  });

  it.each(cases.map((c) => [c.name]))('%s gives the same data loss (relative 1e-5)', (name) => {
    const r = results.get(name)!;
    expect(Math.abs(r.theirLoss! - r.ourLoss) / Math.max(Math.abs(r.ourLoss), 1e-3)).toBeLessThan(1e-5);
  });

  it.each(cases.map((c) => [c.name]))('%s: weights saved by the exported program are ours, name for name and bit for bit', (name) => {
    const r = results.get(name)!;
    const ours = decodeSafetensors(r.weights, 'ours').tensors;
    const back = decodeSafetensors(r.back, 'back').tensors;
    expect(back.map((t) => [t.name, t.shape])).toEqual(ours.map((t) => [t.name, t.shape]));
    back.forEach((t, i) => expect(Array.from(t.data)).toEqual(Array.from(ours[i]!.data)));
  });
});
