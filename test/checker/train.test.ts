import { describe, expect, it } from 'vitest';
import { checkText, codes, rendered } from './helpers.js';

const net = 'model Net {\n  input [4]\n  dense(3, activation: softmax)\n}\n';
const train = (entries: string, name = 'Net'): string => `${net}train ${name} {\n${entries}\n}\n`;
const base = '  data: csv("d.csv", label: "y")\n  loss: cross_entropy\n  optimizer: adam\n';

describe('train blocks', () => {
  it('fill every default', () => {
    const t = checkText(train(base)).program.trains[0]!;
    expect(t).toMatchObject({ batch: 32, epochs: 10, shuffle: true, seed: 0, normalize: 'none', validation: null, clip: null, metrics: [], valid: true });
    expect(t.schedule).toMatchObject({ builtin: 'constant' });
    expect(t.optimizer?.args).toEqual({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false, weight_decay: 0 });
  });

  it('accept batch: full and default gd to full batch', () => {
    expect(checkText(train(`${base}  batch: full`)).program.trains[0]!.batch).toBe('full');
    const gd = checkText(train('  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: gd(0.1)'));
    expect(gd.program.trains[0]!.batch).toBe('full');
    expect(codes(train('  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: gd(0.1)\n  batch: 8'))).toEqual(['NN8009']);
  });

  it.each([
    ['  loss: mse\n  optimizer: adam', ['NN5001']],
    [`${base}  epochz: 3`, ['NN5002']],
    [`${base}  epochs: 3\n  epochs: 4`, ['NN5003']],
    [`${base}  batch: 0`, ['NN5004']],
    [`${base}  shuffle: 1`, ['NN5004']],
    [`${base}  normalize: standardise`, ['NN5004']],
    ['  data: split(0.2)\n  loss: cross_entropy\n  optimizer: adam', ['NN5005']],
    [`${base}  early_stop: patience(2)`, ['NN5006']],
    [`${base}  schedule: reduce_on_plateau`, ['NN5006']],
    [`${base}  metrics: [accuracy, f1]`, ['NN2002']],
    [base.replace('optimizer: adam', 'optimizer: adma'), ['NN2002']],
    [`${base}  batch: fulll`, ['NN5004']],
  ])('report problems: %s', (entries, expected) => {
    expect(codes(train(entries))).toEqual(expected);
  });

  it('report a train block naming an unknown model, with the nearest one', () => {
    const r = checkText(train(base, 'Nett'));
    expect(r.all.map((d) => d.message)).toEqual(["train block names unknown model 'Nett'; did you mean 'Net'?"]);
  });

  it('check the loss against the model output', () => {
    const one = 'model One {\n  input [4]\n  dense(1)\n}\ntrain One {\n  data: csv("d.csv", label: "y")\n  loss: cross_entropy\n  optimizer: adam\n}\n';
    expect(codes(one)).toEqual(['NN3009']);
    expect(codes(one.replace('cross_entropy', 'binary_cross_entropy'))).toEqual([]);
    expect(codes(train(base.replace('cross_entropy', 'binary_cross_entropy')))).toEqual(['NN3009', 'NN8007']);
  });
});

describe('rendered diagnostics baselines', () => {
  const cases: Record<string, string> = {
    typos: 'model M {\n  input [4]\n  dense(8, activaton: relu, init: he_normall)\n  rleu\n  dropout(rate: 0.2, rate: 0.3)\n}\n',
    shapes: 'model Cnn {\n  input [1, 28, 28]\n  conv2d(8, 3, padding: smae)\n  maxpool2d(2)\n  dense(10)\n  residual {\n    dense(5)\n  }\n}\n',
    constants: 'let a = b\nlet b = a\nlet zero = 0\nlet a = 1\nmodel M {\n  input [4]\n  dense(8 / zero)\n  dense(3 / 2)\n  repeat 0 {\n    relu\n  }\n}\nmodel M {\n  input [2]\n}\n',
    train: 'model M {\n  input [4]\n  dense(1, activation: softmax)\n}\ntrain M {\n  data: split(2)\n  loss: binary_cross_entropy\n  optimizer: sgd\n  batch: fulll\n  early_stop: patience(0)\n  metric: [accuracy]\n}\ntrain Q {\n  loss: mse\n}\n',
    health: 'model Deep {\n  input [32]\n  repeat 20 {\n    dense(32, activation: tanh, init: he_normal)\n    dropout(0.7)\n  }\n  dense(2, activation: softmax)\n  softmax\n}\ntrain Deep {\n  data: csv("d.csv", label: "y")\n  loss: cross_entropy\n  optimizer: sgd(1.0)\n}\n',
  };
  it.each(Object.keys(cases))('match the %s baseline', async (name) => {
    await expect(rendered(cases[name]!) + '\n').toMatchFileSnapshot(`__baselines__/${name}.txt`);
  });
});
