import { describe, expect, it } from 'vitest';
import { hover } from '../../src/server/hover.js';
import { atCursor } from './cursor.js';

const program = `let hidden = 64 * 2
model Net {
  input [784]
  fc1: dense(hidden, activation: relu, init: he_normal)
  repeat 2 {
    dense(hidden)
  }
  batchnorm
  dense(10, activation: softmax)
}
train Net {
  data: csv("a.csv", label: "y")
  loss: cross_entropy
  optimizer: adam(lr: 1e-3)
}
`;

/** Puts the cursor marker just after the first occurrence of `before` (which must contain `|`, the cursor's place). */
function hoverAt(marked: string): string {
  const { analysis, offset } = atCursor(marked);
  const result = hover(analysis, offset);
  if (!result) return '';
  return typeof result.contents === 'object' && 'value' in result.contents ? result.contents.value : JSON.stringify(result.contents);
}
const mark = (needle: string, at: number): string => {
  const i = program.indexOf(needle);
  return program.slice(0, i + at) + '<|>' + program.slice(i + at);
};

describe('hover', () => {
  it.each([
    ['a labelled layer shows its shapes and parameter count', mark('fc1:', 1), ['fc1', '[784] → [128]', '100,480 parameters', 'weight [128, 784]']],
    ['a layer call shows its shapes and the built-in signature', mark('dense(hidden, act', 2), ['[784] → [128]', 'dense(units: integer', 'activation: activation = linear']],
    ['a layer in repeat lists each unrolled copy', mark('dense(hidden)', 1), ['dense_2', 'dense_3', '[128] → [128]', '16,512 parameters']],
    ['a bare layer shows non-trainable buffers', mark('batchnorm', 3), ['batchnorm_1', 'running_mean [128] (non-trainable)', 'momentum: number = 0.1']],
    ['an activation argument shows its doc', mark('relu', 1), ['relu', 'activation']],
    ['an initializer argument shows its signature', mark('he_normal', 3), ['he_normal', 'kaiming_normal']],
    ['a let constant shows its folded value', mark('hidden =', 2), ['let hidden = 64 * 2 = 128']],
    ['a let use shows its value', mark('dense(hidden, act', 8), ['let hidden = 64 * 2 = 128']],
    ['a model name shows its shapes and size', mark('train Net', 7), ['model Net', '[784] → [10]']],
    ['a train key shows its doc', mark('optimizer:', 2), ['optimizer', '(required)']],
    ['an optimizer shows its signature with defaults', mark('adam(', 1), ['adam(lr: number = 0.001', 'beta1: number = 0.9']],
    ['a named argument shows the parameter', mark('activation: relu', 3), ['activation: activation = linear', 'parameter of `dense`']],
    ['a loss shows its doc', mark('cross_entropy', 2), ['cross_entropy', 'loss']],
  ])('on %s', (_what, marked, expected) => {
    const text = hoverAt(marked);
    for (const e of expected) expect(text).toContain(e);
  });

  it('gives nothing on punctuation or numbers', () => {
    expect(hoverAt(mark('[784]', 2))).toBe('');
    expect(hoverAt(mark('{\n  input', 0))).toBe('');
  });

  it('survives a layer whose model has errors', () => {
    const text = hoverAt('model M {\n  input [3, 4]\n  den<|>se(5)\n}\n');
    expect(text).toContain('dense(units: integer');
  });
});
