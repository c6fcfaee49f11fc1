import { describe, expect, it } from 'vitest';
import { completions } from '../../src/server/completion.js';
import { atCursor } from './cursor.js';

const labels = (marked: string): string[] => {
  const { analysis, offset } = atCursor(marked);
  return completions(analysis, offset).map((i) => i.label);
};

const model = (body: string): string => `let hidden = 128\nmodel M {\n  input [4]\n${body}\n}\n`;
const train = (body: string): string => `let hidden = 128\nmodel M {\n  input [4]\n  dense(3)\n}\ntrain M {\n${body}\n}\n`;

describe('completion in context', () => {
  it.each([
    ['a layer statement in a model block', model('  <|>'), ['dense', 'conv2d', 'relu', 'dropout', 'repeat'], ['adam', 'he_normal', 'let']],
    ['a layer being typed', model('  den<|>'), ['dense'], ['adam']],
    ['a layer after a label', model('  fc1: <|>'), ['dense', 'relu'], ['adam']],
    ['a layer inside repeat', model('  repeat 2 {\n    <|>\n  }'), ['dense', 'batchnorm'], ['sgd']],
    ['activations after activation:', model('  dense(8, activation: <|>)'), ['relu', 'softmax', 'leaky_relu', 'swish'], ['dense', 'he_normal']],
    ['activations after activation: on unfinished text', model('  dense(8, activation: <|>'), ['relu', 'gelu'], ['dense']],
    ['initializers after init:', model('  dense(8, init: <|>)'), ['he_normal', 'xavier_uniform', 'glorot_uniform', 'orthogonal'], ['relu']],
    ['initializers after bias_init:', model('  conv2d(8, 3, bias_init: z<|>)'), ['zeros', 'ones'], ['relu']],
    ['regularizers after regularizer:', model('  dense(8, regularizer: <|>)'), ['l1', 'l2', 'l1_l2'], ['relu']],
    ['enum values after padding:', model('  conv2d(8, 3, padding: <|>)'), ['valid', 'same'], ['relu']],
    ['let constants for a number argument', model('  dense(<|>)'), ['hidden', 'units:', 'activation:', 'init:'], ['relu', 'adam']],
    ['let constants after an operator', model('  dense(hidden * <|>)'), ['hidden'], ['relu']],
    ['unused arguments only', model('  dense(8, activation: relu, <|>)'), ['init:', 'bias_init:', 'bias:', 'regularizer:'], ['activation:', 'units:']],
    ['unused arguments when later ones are written', model('  dense(8, <|>, init: he_normal)'), ['activation:'], ['init:', 'units:']],
    ['arguments of an activation with parameters', model('  leaky_relu(<|>)'), ['alpha:'], ['units:']],
    ['train keys not yet used', train('  data: csv("a.csv", label: "y")\n  <|>'), ['loss', 'optimizer', 'epochs', 'metrics'], ['data', 'dense']],
    ['train keys, ignoring ones written after the cursor', train('  <|>\n  loss: mse'), ['data', 'optimizer'], ['loss']],
    ['optimizers after optimizer:', train('  optimizer: <|>'), ['adam', 'sgd', 'rmsprop'], ['mse', 'relu']],
    ['losses after loss:', train('  loss: <|>'), ['mse', 'cross_entropy', 'huber'], ['adam']],
    ['schedules after schedule:', train('  schedule: <|>'), ['cosine', 'step'], ['adam']],
    ['clip rules after clip:', train('  clip: <|>'), ['norm', 'value', 'param_norm'], ['adam']],
    ['metrics inside metrics: [...]', train('  metrics: [accuracy, <|>]'), ['mse', 'mae'], ['adam']],
    ['normalize values', train('  normalize: <|>'), ['standardize', 'minmax', 'none'], ['adam']],
    ['batch values and constants', train('  batch: <|>'), ['full', 'hidden'], ['adam']],
    ['booleans for shuffle', train('  shuffle: <|>'), ['true', 'false'], ['adam']],
    ['optimizer arguments', train('  optimizer: adam(lr: 1e-3, <|>)'), ['beta1:', 'amsgrad:', 'weight_decay:'], ['lr:']],
    ['top-level keywords', 'model M {\n  input [4]\n}\n<|>', ['let', 'model', 'train'], ['dense']],
    ['model names after train', 'model Net {\n  input [4]\n}\ntrain <|>', ['Net'], ['let']],
    ['let constants in another let', 'let a = 3\nlet b = a * <|>', ['a'], ['dense']],
    ['nothing inside a comment', model('  // dense(8, activation: <|>'), [], ['relu']],
    ['nothing inside a string', train('  data: csv("a<|>.csv")'), [], ['relu']],
  ])('offers %s', (_what, text, present, absent) => {
    const got = labels(text);
    for (const p of present) expect(got).toContain(p);
    for (const a of absent) expect(got).not.toContain(a);
  });

  it('gives a parameter its type and default', () => {
    const { analysis, offset } = atCursor(model('  batchnorm(<|>)'));
    const momentum = completions(analysis, offset).find((i) => i.label === 'momentum:');
    expect(momentum?.detail).toBe('momentum: number = 0.1');
    expect(momentum?.insertText).toBe('momentum: ');
  });

  it('inserts parentheses for a built-in with a required parameter', () => {
    const { analysis, offset } = atCursor(model('  <|>'));
    const items = completions(analysis, offset);
    expect(items.find((i) => i.label === 'dense')?.insertText).toBe('dense($1)');
    expect(items.find((i) => i.label === 'relu')?.insertText).toBeUndefined();
  });
});
