import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { createTrainingPlan } from '../../src/plan/index.js';
import { createRng } from '../../src/runtime/random.js';
import { createSchedule, type ScheduleName } from '../../src/runtime/schedule.js';
import { initialLoopState, runTraining, type EpochRecord } from '../../src/train/loop.js';
import { prepareTrainingData, randomStreams } from '../../src/train/prepare.js';
import { baseLearningRate, metricNames, metricTargetFor, toSamples } from '../../src/train/setup.js';
import { exportProgram, python, randomArray, relativeDiff, tempDir } from './helpers.js';

/** A CSV of `n` rows: `features` random columns and a label column `y` from `label(i, row)`. */
function csv(n: number, features: number, seed: number, label: (i: number, row: Float32Array) => string): string {
  const x = randomArray(n * features, seed, -3, 5);
  const header = [...Array.from({ length: features }, (_, j) => `f${j}`), 'y'].join(',');
  const rows = Array.from({ length: n }, (_, i) => {
    const row = x.subarray(i * features, (i + 1) * features);
    return [...Array.from(row, (v) => v.toFixed(4)), label(i, row)].join(',');
  });
  return `${header}\n${rows.join('\n')}\n`;
}

const animals = ['cat', 'ant', 'bee'];
const classLabel = (i: number, row: Float32Array): string => animals[(row[0]! > 1 ? 1 : 0) + (i % 2)]!;
const binaryLabel = (_i: number, row: Float32Array): string => (row[0]! + row[1]! > 2 ? '1' : '0');
const valueLabel = (_i: number, row: Float32Array): string => (0.5 * row[0]! - row[1]! + 0.1).toFixed(4);

interface Case {
  readonly name: string;
  readonly model: string;
  readonly train: string;
  readonly label: (i: number, row: Float32Array) => string;
  readonly features?: number;
  readonly validation?: boolean;
}

const cases: Case[] = [
  {
    name: 'nesterov SGD with coupled weight decay, value clipping, a global l2 penalty, step schedule, named classes, standardize',
    model: 'input [4]\n  dense(6, activation: tanh)\n  dense(3, activation: softmax)',
    train: 'loss: cross_entropy\n  optimizer: sgd(0.1, momentum: 0.8, nesterov: true, weight_decay: 0.01)\n  clip: value(0.05)\n  regularize: l2(1e-3)\n  schedule: step(2, 0.5)\n  normalize: standardize\n  batch: 5\n  metrics: [accuracy, mse]',
    label: classLabel,
  },
  {
    name: 'AMSGrad Adam with global-norm clipping, a per-layer l1 penalty, cosine warm-up, minmax, mse',
    model: 'input [4]\n  dense(5, activation: gelu, regularizer: l1(1e-3))\n  dense(1)',
    train: 'loss: mse\n  optimizer: adam(lr: 0.01, amsgrad: true)\n  clip: norm(0.5)\n  schedule: cosine(warmup: 2, min_lr: 0.001)\n  normalize: minmax\n  batch: 8\n  metrics: [mae]',
    label: valueLabel,
  },
  {
    name: 'centered RMSprop with momentum, per-tensor norm clipping, l1_l2, exponential schedule, binary cross-entropy on a sigmoid',
    model: 'input [4]\n  dense(4, activation: relu, regularizer: l1_l2(l1: 1e-3, l2: 1e-3))\n  dense(1, activation: sigmoid)',
    train: 'loss: binary_cross_entropy\n  optimizer: rmsprop(lr: 0.01, momentum: 0.5, centered: true)\n  clip: param_norm(0.1)\n  schedule: exponential(0.8)\n  normalize: standardize\n  batch: 6\n  metrics: [accuracy]',
    label: binaryLabel,
  },
  {
    name: 'AdamW with batchnorm, layernorm and a residual block, huber loss, full batch',
    model: 'input [4]\n  dense(6, bias: false)\n  batchnorm\n  relu\n  residual {\n    layernorm\n    dense(6, activation: silu)\n  }\n  dense(1)',
    train: 'loss: huber(delta: 0.5)\n  optimizer: adamw(lr: 0.01)\n  normalize: standardize\n  batch: full',
    label: (i, row) => (row[0]! - row[2]!).toFixed(3),
  },
  {
    name: 'SGD on a small convolutional network with cross-entropy on logits',
    model: 'input [1, 3, 4]\n  conv2d(2, 2, padding: same, activation: relu)\n  maxpool2d(2)\n  flatten\n  dense(3)',
    train: 'loss: cross_entropy\n  optimizer: sgd(0.05)\n  normalize: standardize\n  batch: 4',
    label: classLabel,
    features: 12,
  },
  {
    name: 'Adadelta with a validation file, reduce_on_plateau and early stopping',
    model: 'input [4]\n  dense(3, activation: elu)\n  dense(1)',
    train: 'loss: mae\n  optimizer: adadelta(lr: 0.5)\n  schedule: reduce_on_plateau(factor: 0.5, patience: 0)\n  early_stop: patience(2)\n  normalize: standardize\n  batch: 7',
    label: valueLabel,
    validation: true,
  },
  {
    name: 'full-batch gradient descent (gd) with softplus and he_normal init',
    model: 'input [4]\n  dense(3, activation: softplus, init: he_normal)\n  dense(1)',
    train: 'loss: mse\n  optimizer: gd(0.05)',
    label: valueLabel,
  },
  {
    name: 'Adagrad on leaky relu',
    model: 'input [4]\n  dense(5, activation: leaky_relu(alpha: 0.1))\n  dense(1)',
    train: 'loss: mse\n  optimizer: adagrad(lr: 0.05)\n  batch: 9',
    label: valueLabel,
  },
  {
    name: 'Adamax on selu with lecun_normal init',
    model: 'input [4]\n  dense(5, activation: selu, init: lecun_normal)\n  dense(1)',
    train: 'loss: mse\n  optimizer: adamax(lr: 0.02)\n  batch: 10',
    label: valueLabel,
  },
];

const EPOCHS = 4;
const N = 23;

interface Outcome {
  readonly ours: Map<string, Float32Array>;
  readonly theirs: Map<string, Float32Array>;
  readonly ourHistory: readonly EpochRecord[];
  readonly theirHistory: { epoch: number; loss: number; val_loss?: number; lr: number; metrics: Record<string, number> }[];
}

const outcomes = new Map<string, Outcome>();

const tensorsOf = (bytes: Uint8Array, file: string): Map<string, Float32Array> =>
  new Map(decodeSafetensors(bytes, file).tensors.map((t) => [t.name, t.data]));

beforeAll(() => {
  const root = tempDir('train');
  const dirs: string[] = [];
  const ours: { c: Case; dir: string; weights: Map<string, Float32Array>; history: readonly EpochRecord[] }[] = [];
  cases.forEach((c, k) => {
    const dir = join(root, `case${k}`);
    const validation = c.validation ? '\n  validation: csv("val.csv", label: "y")' : '';
    const text = `model M {\n  ${c.model}\n}\n\ntrain M {\n  data: csv("data.csv", label: "y")${validation}\n  ${c.train}\n  epochs: ${EPOCHS}\n  shuffle: false\n  seed: 3\n}\n`;
    const { model, train } = exportProgram(text, dir);
    writeFileSync(join(dir, 'data.csv'), csv(N, c.features ?? 4, 10 + k, c.label));
    if (c.validation) writeFileSync(join(dir, 'val.csv'), csv(9, c.features ?? 4, 50 + k, c.label));
    const target = { model, train: train! };
    const data = prepareTrainingData(target, dir, train!.seed, undefined);
    const batchSize = train!.batch === 'full' ? data.train.n : Math.min(train!.batch, data.train.n);
    const plan = createTrainingPlan(model, train!, { batchCapacity: batchSize, seed: 5 + k });
    writeFileSync(join(dir, 'w0.safetensors'), plan.getWeights());
    const config = {
      epochs: EPOCHS,
      batchSize,
      shuffle: false,
      shuffleRng: createRng(train!.seed).fork(randomStreams.shuffle),
      schedule: createSchedule(train!.schedule.builtin as ScheduleName, train!.schedule.args as never, baseLearningRate(train!), EPOCHS),
      patience: train!.earlyStop ? Number(train!.earlyStop.args['n']) : null,
      metrics: metricNames(train!),
      target: metricTargetFor(target),
    };
    const result = runTraining(plan, toSamples(data.train), data.validation && toSamples(data.validation), config, initialLoopState(plan, config));
    ours.push({ c, dir, weights: tensorsOf(plan.getWeights(), 'ours'), history: result.history });
    dirs.push(dir);
  });
  python([join(import.meta.dirname, 'train-driver.py'), ...dirs], root);
  for (const o of ours) {
    const theirHistory = readFileSync(join(o.dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Outcome['theirHistory'][number]);
    outcomes.set(o.c.name, { ours: o.weights, theirs: tensorsOf(new Uint8Array(readFileSync(join(o.dir, 'w1.safetensors'))), 'theirs'), ourHistory: o.history, theirHistory });
  }
}, 180_000);

describe('python train.py against our training loop, same initial weights, shuffle: false', () => {
  it.each(cases.map((c) => [c.name]))('%s: the trained weights agree (relative 1e-4 per tensor)', (name) => {
    const o = outcomes.get(name)!;
    expect([...o.theirs.keys()]).toEqual([...o.ours.keys()]);
    for (const [k, ours] of o.ours) expect(relativeDiff(o.theirs.get(k)!, ours), k).toBeLessThan(1e-4);
  });

  it.each(cases.map((c) => [c.name]))('%s: every epoch reports the same loss, validation loss, learning rate and metrics', (name) => {
    const o = outcomes.get(name)!;
    expect(o.theirHistory.length).toBe(o.ourHistory.length);
    o.ourHistory.forEach((ours, e) => {
      const theirs = o.theirHistory[e]!;
      expect(theirs.epoch).toBe(ours.epoch);
      expect(theirs.lr).toBeCloseTo(ours.lr, 12);
      expect(Math.abs(theirs.loss - ours.loss) / Math.max(Math.abs(ours.loss), 1e-3)).toBeLessThan(1e-4);
      if (ours.val_loss !== undefined) expect(Math.abs(theirs.val_loss! - ours.val_loss) / Math.max(ours.val_loss, 1e-3)).toBeLessThan(1e-4);
      expect(Object.keys(theirs.metrics).sort()).toEqual(Object.keys(ours.metrics).sort());
      for (const [k, v] of Object.entries(ours.metrics)) expect(theirs.metrics[k]!, k).toBeCloseTo(v, 4);
    });
  });
});
