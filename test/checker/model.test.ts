import { describe, expect, it } from 'vitest';
import { flattenLayers } from '../../src/checker/index.js';
import { checkText, codes } from './helpers.js';

const model = (body: string, input = '[4]'): string => `model M {\n  input ${input}\n${body}\n}\n`;

describe('layer names', () => {
  it('count every layer of a kind, named or not, after unrolling repeat, and suffix labels inside repeat', () => {
    const r = checkText(model('  dense(4)\n  repeat 2 {\n    blk: dense(4)\n    relu\n  }\n  out: dense(2)\n  dense(1)'));
    const names = flattenLayers(r.program.models[0]!.nodes).map((l) => l.name);
    expect(names).toEqual(['dense_1', 'blk_1', 'relu_1', 'blk_2', 'relu_2', 'out', 'dense_5']);
    expect(r.program.models[0]!.params.map((p) => p.name)).toContain('dense_5.weight');
  });

  it('reports a label that collides with an automatic name', () => {
    expect(codes(model('  dense(4)\n  dense_1: dense(4)'))).toEqual(['NN2007']);
  });

  it('suffixes nested repeat labels once per level', () => {
    const r = checkText(model('  repeat 2 {\n    repeat 2 {\n      b: dense(4)\n    }\n  }'));
    expect(flattenLayers(r.program.models[0]!.nodes).map((l) => l.name)).toEqual(['b_1_1', 'b_1_2', 'b_2_1', 'b_2_2']);
  });
});

describe('shape inference', () => {
  it('follows conv, pool and flatten through the MNIST CNN shapes', () => {
    const r = checkText(model('  conv2d(8, 3, padding: same)\n  maxpool2d(2)\n  conv2d(16, [3, 3])\n  avgpool2d(2, stride: 2)\n  flatten\n  dense(10)', '[1, 28, 28]'));
    const m = r.program.models[0]!;
    expect(flattenLayers(m.nodes).map((l) => l.outputShape)).toEqual([[8, 28, 28], [8, 14, 14], [16, 12, 12], [16, 6, 6], [576], [10]]);
    expect(m.valid).toBe(true);
    expect(m.totalParams).toBe(8 * 9 + 8 + 16 * 8 * 9 + 16 + 576 * 10 + 10);
  });

  it('suggests flatten, with a fix, for dense on an image, and does not cascade', () => {
    const r = checkText(model('  conv2d(4, 3)\n  dense(10)\n  dense(3)\n  softmax', '[1, 8, 8]'));
    expect(r.all.map((d) => d.code)).toEqual(['NN3004']);
    expect(r.all[0]!.message).toContain('[4, 6, 6]');
    expect(r.all[0]!.fix?.edits[0]?.newText).toBe('flatten\n  ');
  });

  it('shows both shapes when a residual body changes the shape, and accepts one that keeps it', () => {
    const bad = checkText(model('  residual {\n    dense(8)\n  }', '[16]'));
    expect(bad.all.map((d) => d.code)).toEqual(['NN3008']);
    expect(bad.all[0]!.message).toContain('[16] to [8]');
    expect(codes(model('  residual {\n    dense(8)\n    dense(16)\n  }', '[16]'))).toEqual([]);
  });

  it('counts batchnorm running statistics as non-trainable', () => {
    const m = checkText(model('  dense(8)\n  batchnorm')).program.models[0]!;
    expect(m.totalParams).toBe(4 * 8 + 8 + 4 * 8);
    expect(m.trainableParams).toBe(4 * 8 + 8 + 2 * 8);
  });

  it('reports reshape, kernel and input problems', () => {
    expect(codes(model('  reshape([3, 3])'))).toEqual(['NN3007']);
    expect(codes(model('  conv2d(2, 5)', '[1, 4, 4]'))).toEqual(['NN3006']);
    expect(codes(model('  conv2d(2, 3)'))).toEqual(['NN3005']);
    expect(codes(model('  dense(2)', '[0]'))).toEqual(['NN3003']);
    expect(codes('model M {\n  dense(2)\n}\n')).toEqual(['NN3001']);
  });

  it('infers one -1 dimension of a reshape from the input size, as PyTorch does', () => {
    const shapes = (body: string, input: string): unknown => {
      const r = checkText(model(body, input));
      expect(r.all).toEqual([]);
      return r.program.models[0]!.outputShape;
    };
    expect(shapes('  reshape([1, -1, 28])', '[784]')).toEqual([1, 28, 28]);
    expect(shapes('  reshape([-1])', '[2, 3, 4]')).toEqual([24]);
    expect(shapes('  reshape([6, -1])\n  flatten\n  dense(3)', '[2, 3, 4]')).toEqual([3]);
    expect(shapes('  reshape([6, -1])', '[2, 3, 4]')).toEqual([6, 4]);
    const bad = checkText(model('  reshape([-1, 5])', '[12]'));
    expect(bad.all.map((d) => d.code)).toEqual(['NN3007']);
    expect(bad.all[0]!.message).toBe('cannot reshape [12] (12 elements) to [-1, 5] (a multiple of 5 elements)');
    expect(codes(model('  reshape([-1, -1])', '[12]'))).toEqual(['NN4015']);
    expect(codes(model('  reshape([-2, 6])', '[12]'))).toEqual(['NN4002']);
    expect(codes(model('  reshape([0, -1])', '[12]'))).toEqual(['NN4002']);
  });
});

describe('arguments and constants', () => {
  it('folds let constants in any order and reports cycles once per constant', () => {
    const r = checkText(`model M {\n  input [a]\n  dense(b * 2)\n}\nlet a = b + 1\nlet b = 3\n`);
    expect(r.all).toEqual([]);
    expect(r.program.models[0]!.outputShape).toEqual([6]);
    expect(codes('let a = b\nlet b = a\n')).toEqual(['NN2008']);
  });

  it('offers relu for rleu as a machine-applicable fix', () => {
    const r = checkText(model('  rleu'));
    expect(r.all[0]!.message).toBe("unknown layer 'rleu'; did you mean 'relu'?");
    expect(r.all[0]!.fix?.edits[0]?.newText).toBe('relu');
  });

  it.each([
    ['dense(8, units: 4)', 'NN4006'],
    ['dense(8, 2)', 'NN4007'],
    ['dense(8, activaton: relu)', 'NN4004'],
    ['dense(8.5)', 'NN4010'],
    ['dense(0)', 'NN4002'],
    ['dense(8, init: relu)', 'NN2009'],
    ['dense(8, init: he_normall)', 'NN2002'],
    ['dense(8, activation: relu(3))', 'NN4007'],
    ['dense(8 / 0)', 'NN4009'],
    ['dense(8, bias: 1)', 'NN4001'],
    ['adam', 'NN2009'],
  ])('reports %s as %s', (layer, code) => {
    expect(codes(model(`  ${layer}`))).toEqual([code]);
  });

  it('fills every default, normalizing kernel and stride to pairs and pool stride to the size', () => {
    const layers = flattenLayers(checkText(model('  conv2d(2, 3)\n  maxpool2d([2, 1])', '[1, 6, 6]')).program.models[0]!.nodes);
    expect(layers[0]!.args).toMatchObject({ filters: 2, kernel: [3, 3], stride: [1, 1], padding: 'valid', bias: true, regularizer: null });
    expect(layers[0]!.args['init']).toMatchObject({ kind: 'initializer', builtin: 'xavier_uniform' });
    expect(layers[1]!.args).toEqual({ size: [2, 1], stride: [2, 1] });
  });

  it('accepts aliases and stores the canonical name', () => {
    const layer = flattenLayers(checkText(model('  dense(2, activation: swish, init: glorot_uniform)')).program.models[0]!.nodes)[0]!;
    expect(layer.args['activation']).toMatchObject({ builtin: 'silu' });
    expect(layer.args['init']).toMatchObject({ builtin: 'xavier_uniform' });
  });
});
