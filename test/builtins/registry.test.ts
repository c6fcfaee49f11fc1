import { describe, expect, it } from 'vitest';
import { activationGain2, allBuiltins, builtinKinds, builtinNames, builtinsOfKind, editDistance, findBuiltin, nearestName, registry, type ActivationSpec, type InitializerSpec, type LayerSpec } from '../../src/builtins/index.js';
import { checkText } from '../checker/helpers.js';

const layer = (name: string): LayerSpec => findBuiltin(name, ['layer']) as LayerSpec;
const act = (name: string): ActivationSpec => findBuiltin(name, ['activation']) as ActivationSpec;
const init = (name: string): InitializerSpec => findBuiltin(name, ['initializer']) as InitializerSpec;

describe('the built-ins registry', () => {
  it.each(allBuiltins().map((b) => [`${b.kind} ${b.name}`, b] as const))('the example of %s checks without errors or warnings', (_, spec) => {
    const result = checkText(spec.example);
    expect(result.all.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(spec.example).toContain(spec.name);
  });

  it('has no name or alias twice within a kind, and table keys equal entry names', () => {
    for (const kind of builtinKinds) {
      const names = builtinNames([kind]);
      expect(new Set(names).size).toBe(names.length);
      for (const [key, spec] of Object.entries(registry[kind])) expect(spec.name).toBe(key);
    }
  });

  it('documents every entry and every parameter, with defaults only on optional ones', () => {
    for (const spec of allBuiltins()) {
      expect(spec.summary.length).toBeGreaterThan(5);
      expect(spec.doc.length).toBeGreaterThan(5);
      expect(spec.positional).toBeLessThanOrEqual(spec.params.length);
      for (const p of spec.params) {
        expect(p.doc.length).toBeGreaterThan(3);
        expect(p.required === true && p.default !== undefined).toBe(false);
      }
    }
  });

  it('resolves aliases to the canonical entry', () => {
    expect(findBuiltin('glorot_uniform')?.name).toBe('xavier_uniform');
    expect(findBuiltin('kaiming_normal')?.name).toBe('he_normal');
    expect(findBuiltin('swish')?.name).toBe('silu');
    expect(findBuiltin('identity')?.name).toBe('linear');
    expect(findBuiltin('mse', ['metric'])?.kind).toBe('metric');
    expect(findBuiltin('mse')?.kind).toBe('loss');
    expect(findBuiltin('nope')).toBeUndefined();
  });

  it('suggests the nearest name for typos and nothing for unrelated words', () => {
    expect(editDistance('rleu', 'relu')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearestName('rleu', builtinNames(['layer', 'activation']))).toBe('relu');
    expect(nearestName('he_normall', builtinNames(['initializer']))).toBe('he_normal');
    expect(nearestName('adma', builtinNames(['optimizer']))).toBe('adam');
    expect(nearestName('transformer', builtinNames(['layer']))).toBeUndefined();
  });

  it('lists every kind the contract names', () => {
    expect(builtinKinds.every((k) => builtinsOfKind(k).length > 0)).toBe(true);
    expect(Object.keys(registry.optimizer)).toEqual(['gd', 'sgd', 'momentum', 'nesterov', 'adagrad', 'adadelta', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam']);
  });
});

describe('layer shape rules and tensors', () => {
  it.each([
    // input, kernel, stride, padding, expected H/W
    [28, 3, 1, 'valid', 26],
    [28, 3, 1, 'same', 28],
    [28, 3, 2, 'same', 14],
    [28, 3, 2, 'valid', 13],
    [7, 3, 3, 'same', 3],
    [5, 5, 1, 'valid', 1],
  ])('conv2d on %i with kernel %i, stride %i, padding %s gives %i', (n, k, s, padding, out) => {
    const r = layer('conv2d').shape([3, n, n], { filters: 4, kernel: [k, k], stride: [s, s], padding });
    expect(r).toEqual({ ok: true, shape: [4, out, out] });
  });

  it('pools with stride defaulting to the size and floor semantics', () => {
    expect(layer('maxpool2d').shape([8, 7, 7], { size: [2, 2], stride: [2, 2] })).toEqual({ ok: true, shape: [8, 3, 3] });
    expect(layer('avgpool2d').shape([8, 6, 6], { size: [3, 3], stride: [1, 1] })).toEqual({ ok: true, shape: [8, 4, 4] });
    expect(layer('maxpool2d').shape([8, 1, 1], { size: [2, 2], stride: [2, 2] })).toMatchObject({ ok: false, code: 'NN3006' });
  });

  it('gives PyTorch layouts and fans for dense and conv2d', () => {
    expect(layer('dense').tensors([784], { units: 256, bias: true })).toMatchObject([
      { role: 'weight', shape: [256, 784], fanIn: 784, fanOut: 256, trainable: true, regularizable: true },
      { role: 'bias', shape: [256], trainable: true, regularizable: false },
    ]);
    expect(layer('dense').tensors([4], { units: 2, bias: false })).toHaveLength(1);
    expect(layer('conv2d').tensors([3, 32, 32], { filters: 16, kernel: [5, 3], bias: true })[0]).toMatchObject({ shape: [16, 3, 5, 3], fanIn: 45, fanOut: 240 });
  });

  it('keeps batchnorm running statistics non-trainable and sizes norms like PyTorch', () => {
    const bn = layer('batchnorm').tensors([16, 8, 8], {});
    expect(bn.map((t) => [t.role, t.shape, t.trainable])).toEqual([
      ['weight', [16], true],
      ['bias', [16], true],
      ['running_mean', [16], false],
      ['running_var', [16], false],
    ]);
    expect(layer('layernorm').tensors([4, 5], {}).map((t) => t.shape)).toEqual([[4, 5], [4, 5]]);
  });

  it('refuses dense on a non-flat input and reshape that changes the element count', () => {
    expect(layer('dense').shape([1, 28, 28], { units: 10 })).toMatchObject({ ok: false, code: 'NN3004' });
    expect(layer('reshape').shape([784], { shape: [1, 28, 27] })).toMatchObject({ ok: false, code: 'NN3007' });
    expect(layer('reshape').shape([784], { shape: [4, 196] })).toEqual({ ok: true, shape: [4, 196] });
  });
});

describe('activation and initializer numbers', () => {
  it('computes the mean squared derivative under N(0, 1)', () => {
    expect(activationGain2(act('linear'), {})).toBeCloseTo(1, 3);
    expect(activationGain2(act('relu'), {})).toBeCloseTo(0.5, 2);
    expect(activationGain2(act('leaky_relu'), { alpha: 0.5 })).toBeCloseTo(0.625, 2);
    expect(activationGain2(act('sigmoid'), {})).toBeGreaterThan(0.04);
    expect(activationGain2(act('sigmoid'), {})).toBeLessThan(0.0625);
    expect(activationGain2(act('tanh'), {})).toBeCloseTo(0.46, 1);
    expect(activationGain2(act('selu'), {})).toBeCloseTo(1.07, 1);
    expect(activationGain2(act('softmax'), {})).toBe(1);
  });

  it('has torch.nn.init.calculate_gain values', () => {
    expect(act('tanh').torchGain({})).toBeCloseTo(5 / 3);
    expect(act('relu').torchGain({})).toBeCloseTo(Math.SQRT2);
    expect(act('leaky_relu').torchGain({ alpha: 0.01 })).toBeCloseTo(Math.sqrt(2 / 1.0001));
    expect(act('selu').torchGain({})).toBe(0.75);
    expect(act('sigmoid').torchGain({})).toBe(1);
  });

  it('has the variances torch.nn.init draws', () => {
    expect(init('he_normal').variance(64, 32, {})).toBeCloseTo(2 / 64);
    expect(init('he_uniform').variance(64, 32, {})).toBeCloseTo(2 / 64);
    expect(init('lecun_normal').variance(64, 32, {})).toBeCloseTo(1 / 64);
    expect(init('xavier_uniform').variance(64, 32, {})).toBeCloseTo(2 / 96);
    expect(init('normal').variance(1, 1, { mean: 0, std: 0.05 })).toBeCloseTo(0.0025);
    expect(init('uniform').variance(1, 1, { low: -0.05, high: 0.05 })).toBeCloseTo(0.01 ** 2 / 12 * 100);
    expect(init('truncated_normal').variance(1, 1, { mean: 0, std: 1 })).toBeCloseTo(0.774, 3);
    expect(init('zeros').constant && init('ones').constant && init('constant').constant).toBe(true);
    expect(init('he_normal').counterparts.xavier).toBe('xavier_normal');
  });
});
