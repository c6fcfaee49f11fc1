import { describe, expect, it } from 'vitest';
import { estimateGradientScale } from '../../src/checker/index.js';
import { checkText, codes } from './helpers.js';

const stack = (layer: string, depth = 16): string => `model Deep {\n  input [64]\n  repeat ${depth} {\n${layer}\n  }\n}\n`;

describe('the gradient-health estimate', () => {
  it('warns "vanishing" for 16 sigmoid layers with normal(std: 0.05) and prints the estimate and depth', () => {
    const r = checkText(stack('    dense(64, activation: sigmoid, init: normal(std: 0.05))'));
    expect(r.all.map((d) => d.code)).toEqual(['NN8001']);
    expect(r.all[0]!.message).toMatch(/vanish.*about \d\.\de-\d+ .* 16 weight layers/);
    const est = estimateGradientScale(r.program.models[0]!)!;
    // sqrt(E[sigmoid'^2] * 0.05^2 * 64) ~ 0.083 per layer, 16 layers.
    expect(est.scale).toBeLessThan(1e-15);
    expect(est.scale).toBeGreaterThan(1e-19);
  });

  it('does not warn for the same stack with relu and he_normal (about 1 per layer)', () => {
    const r = checkText(stack('    dense(64, activation: relu, init: he_normal)'));
    expect(r.all).toEqual([]);
    expect(estimateGradientScale(r.program.models[0]!)!.scale).toBeCloseTo(1, 1);
  });

  it('does not warn when batchnorm follows each sigmoid layer', () => {
    expect(codes(stack('    dense(64, activation: sigmoid, init: normal(std: 0.05))\n    batchnorm'))).toEqual([]);
  });

  it('keeps the scale near 1 through residual blocks', () => {
    const r = checkText(stack('    residual {\n      dense(64, activation: sigmoid, init: normal(std: 0.05))\n    }', 30));
    expect(r.all).toEqual([]);
    expect(estimateGradientScale(r.program.models[0]!)!.scale).toBeGreaterThan(1);
  });

  it('warns "exploding" for large normal init under relu', () => {
    expect(codes(stack('    dense(64, activation: relu, init: normal(std: 1))', 12))).toEqual(['NN8002']);
  });

  it('counts activation layers written after the weight layer', () => {
    expect(codes(stack('    dense(64, init: normal(std: 0.05))\n    sigmoid'))).toEqual(['NN8001']);
  });
});

describe('lints', () => {
  const m = (body: string): string => `model M {\n  input [4]\n${body}\n}\n`;
  it('flags he init under tanh and xavier under relu with a fix to the matching init', () => {
    const he = checkText(m('  dense(8, activation: tanh, init: he_uniform)'));
    expect(he.all.map((d) => d.code)).toEqual(['NN8004']);
    expect(he.all[0]!.fix?.edits[0]?.newText).toBe('xavier_uniform');
    const xavier = checkText(m('  dense(8, init: glorot_normal)\n  relu'));
    expect(xavier.all[0]!.fix?.edits[0]?.newText).toBe('he_normal');
    expect(codes(m('  dense(8, activation: relu)'))).toEqual([]);
  });

  it('flags constant weight init but not constant bias init', () => {
    expect(codes(m('  dense(8, init: constant(0.5))'))).toEqual(['NN8003']);
    expect(codes(m('  dense(8, bias_init: ones)'))).toEqual([]);
  });

  it('flags dropout above 0.5 and offers the complement', () => {
    const r = checkText(m('  dropout(0.9)'));
    expect(r.all.map((d) => d.code)).toEqual(['NN8005']);
    expect(r.all[0]!.fix?.edits[0]?.newText).toBe('0.1');
    expect(codes(m('  dropout(0.5)'))).toEqual([]);
  });

  const train = (last: string, loss: string, extra = ''): string =>
    `model M {\n  input [4]\n  dense(3)\n${last}\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: ${loss}\n  optimizer: adam\n${extra}}\n`;

  it('does not warn for the fused softmax + cross_entropy case', () => {
    expect(codes(train('  softmax', 'cross_entropy'))).toEqual([]);
  });

  it('warns for log_softmax under cross_entropy and two softmaxes in a row', () => {
    expect(codes(train('  log_softmax', 'cross_entropy'))).toEqual(['NN8007']);
    expect(codes(train('  softmax\n  softmax', 'cross_entropy'))).toEqual(['NN8006']);
    expect(codes(`model M {\n  input [4]\n  dense(1, activation: softmax)\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: binary_cross_entropy\n  optimizer: adam\n}\n`)).toEqual(['NN8007']);
  });

  it('warns for a large learning rate in a deep stack without clipping, and not with clipping', () => {
    const deep = (opt: string, clip = ''): string =>
      `model M {\n  input [8]\n  repeat 8 {\n    dense(8, activation: relu, init: he_normal)\n  }\n}\ntrain M {\n  data: csv("d.csv", label: "y")\n  loss: mse\n  optimizer: ${opt}\n${clip}}\n`;
    expect(codes(deep('sgd(0.5)'))).toEqual(['NN8008']);
    expect(codes(deep('adam(lr: 0.05)'))).toEqual(['NN8008']);
    expect(codes(deep('adam(lr: 0.005)'))).toEqual([]);
    expect(codes(deep('sgd(0.5)', '  clip: norm(1.0)\n'))).toEqual([]);
  });
});
