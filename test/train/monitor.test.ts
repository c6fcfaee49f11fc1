import { describe, expect, it } from 'vitest';
import { autotrainerThresholds, checkGradients, checkOverfitting } from '../../src/train/monitor.js';

const grads = (norms: number[], dead: number[] = []) => ({
  layers: norms.map((_, i) => `dense_${i + 1}`),
  norms,
  reluLayers: dead.map((_, i) => `relu_${i + 1}`),
  deadFractions: dead,
});

describe('the gradient-health monitor', () => {
  it('uses the AUTOTRAINER thresholds by default', () => {
    expect(autotrainerThresholds).toMatchObject({ vanishingFirstNorm: 1e-4, vanishingRatio: 1e-3, explodingRatio: 70, dyingFraction: 0.7 });
  });

  it('reports vanishing gradients only when the first norm is small AND the ratio to the last is small', () => {
    expect(checkGradients(grads([5e-5, 1, 0.1])).map((w) => w.kind)).toEqual(['vanishing_gradients']);
    // small first norm, but the last layer is just as small: not vanishing
    expect(checkGradients(grads([5e-5, 1, 1e-4]))).toEqual([]);
    // small ratio, but the first norm is above 1e-4
    expect(checkGradients(grads([2e-4, 1, 1]))).toEqual([]);
  });

  it('names the layer, the figures and the remedies in a vanishing warning', () => {
    const [w] = checkGradients(grads([1e-6, 1, 0.5]));
    expect(w!.layer).toBe('dense_1');
    expect(w!.message).toContain('dense_1');
    expect(w!.message).toContain('1.00e-6');
    expect(w!.message).toContain('dense_3');
    expect(w!.message).toMatch(/relu with he init/);
    expect(w!.message).toMatch(/batchnorm/);
    expect(w!.message).toMatch(/residual/);
  });

  it('reports exploding gradients when the first layer norm passes 70 times the last', () => {
    expect(checkGradients(grads([71, 1, 1])).map((w) => w.kind)).toEqual(['exploding_gradients']);
    expect(checkGradients(grads([70, 1, 1]))).toEqual([]);
    expect(checkGradients(grads([71, 1, 1]))[0]!.message).toMatch(/clip.*lower learning rate/s);
  });

  it('reports dying ReLU at 70% dead units and above', () => {
    const ws = checkGradients(grads([1, 1], [0.69, 0.7, 1]));
    expect(ws.map((w) => [w.kind, w.layer])).toEqual([
      ['dying_relu', 'relu_2'],
      ['dying_relu', 'relu_3'],
    ]);
    expect(ws[0]!.message).toContain('70%');
  });

  it('needs two layers with parameters to compare first and last', () => {
    expect(checkGradients(grads([1e-9]))).toEqual([]);
  });

  it('reports overfitting once, in the epoch where the loss has fallen and the val loss risen 3 epochs running', () => {
    const h = [
      { loss: 1, val_loss: 1 },
      { loss: 0.9, val_loss: 0.8 },
      { loss: 0.8, val_loss: 0.85 },
      { loss: 0.7, val_loss: 0.9 },
    ];
    expect(checkOverfitting(h)).toBeNull();
    const next = [...h, { loss: 0.6, val_loss: 0.95 }];
    const w = checkOverfitting(next);
    expect(w?.kind).toBe('overfitting');
    expect(w?.message).toContain('0.8');
    expect(w?.message).toContain('0.95');
    expect(checkOverfitting([...next, { loss: 0.5, val_loss: 1 }])).toBeNull();
  });

  it('does not report overfitting without validation loss', () => {
    expect(checkOverfitting([{ loss: 4 }, { loss: 3 }, { loss: 2 }, { loss: 1 }])).toBeNull();
  });
});
