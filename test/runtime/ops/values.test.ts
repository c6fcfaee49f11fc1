import { describe, expect, it } from 'vitest';
import { ACTIVATION_SCALAR, convAxis, createDefaultOps, erf } from '../../../src/runtime/ops/index.js';
import type { ActivationName, OpCall, OpSpec } from '../../../src/runtime/ops/index.js';
import { sizeOf } from '../../../src/runtime/tensor.js';

const ops = createDefaultOps('float64');

/** Runs one op forward on float64 inputs and returns the output. */
function run(call: OpCall, inputs: number[][]): Float64Array {
  const spec = ops[call.op] as OpSpec<unknown>;
  const out = new Float64Array(sizeOf(spec.outputShape(call.attrs)));
  const ws = { saved: new Float64Array(spec.savedSize(call.attrs)), scratch: new Float64Array(spec.scratchSize(call.attrs)) };
  spec.forward(call.attrs, inputs.map((x) => Float64Array.from(x)), out, ws);
  return out;
}

describe('activation values', () => {
  // reference values from torch.nn.functional at float64
  it.each<[ActivationName, number, number, number]>([
    ['sigmoid', 0, 0, 0.5],
    ['sigmoid', -800, 0, 0],
    ['tanh', 1, 0, 0.7615941559557649],
    ['relu', -2, 0, 0],
    ['leaky_relu', -2, 0.01, -0.02],
    ['elu', -1, 1, -0.6321205588285577],
    ['selu', -1, 0, -1.1113307378125625],
    ['selu', 2, 0, 2.1014019747109608],
    ['gelu', 1, 0, 0.8413447460685429],
    ['gelu', -3.5, 0, -3.5 * 2.3262907903552504e-4], // x·Φ(x), Φ(-3.5) from normal tables
    ['silu', 1, 0, 0.7310585786300049],
    ['softplus', 1, 0, 1.3132616875182228],
    ['softplus', 30, 0, 30],
    ['softsign', 3, 0, 0.75],
  ])('%s(%d) is the PyTorch value', (name, x, alpha, want) => {
    expect(ACTIVATION_SCALAR[name](x, alpha)).toBeCloseTo(want, 12);
    expect(run({ op: 'activation', attrs: { shape: [1], kind: name, alpha } }, [[x]])[0]).toBeCloseTo(want, 12);
  });

  it.each([[0.5, 0.5204998778130465], [2.5, 0.9995930479825550], [3.2, 0.9999939742388483], [-4, -0.9999999845827421]])(
    'erf(%d) is accurate to 1e-14',
    (x, want) => expect(Math.abs(erf(x) - want)).toBeLessThan(1e-14),
  );
});

describe('softmax and cross-entropy', () => {
  it('softmax cross-entropy is finite and exact for logits of ±1000', () => {
    const loss = run({ op: 'softmax_cross_entropy', attrs: { batch: 2, classes: 3 } }, [[1000, -1000, 0, -1000, 1000, 1000], [0, 1]]);
    // sample 1: correct class dominates -> 0; sample 2: two equal top logits -> log 2
    expect(loss[0]).toBeCloseTo(Math.LN2 / 2, 12);
  });

  it('softmax and log_softmax are stable for large logits', () => {
    const y = run({ op: 'softmax', attrs: { batch: 1, features: 3 } }, [[1000, 1000, -1000]]);
    expect(Array.from(y)).toEqual([0.5, 0.5, 0]);
    const l = run({ op: 'log_softmax', attrs: { batch: 1, features: 2 } }, [[1000, 0]]);
    expect(l[0]).toBe(0);
    expect(l[1]).toBe(-1000);
  });
});

describe('losses', () => {
  it.each<[string, OpCall, number[][], number]>([
    ['mse', { op: 'mse', attrs: { batch: 2, features: 1 } }, [[1, 3], [0, 0]], 5],
    ['mae', { op: 'mae', attrs: { batch: 2, features: 1 } }, [[1, -3], [0, 0]], 2],
    ['huber inside delta', { op: 'huber', attrs: { batch: 1, features: 1, delta: 1 } }, [[0.5], [0]], 0.125],
    ['huber beyond delta', { op: 'huber', attrs: { batch: 1, features: 1, delta: 2 } }, [[5], [0]], 8],
    ['bce', { op: 'bce', attrs: { batch: 1, features: 1 } }, [[0.8], [1]], -Math.log(0.8)],
    ['bce clamps log(0) to -100', { op: 'bce', attrs: { batch: 1, features: 1 } }, [[0], [1]], 100],
    ['bce on logits', { op: 'bce_logits', attrs: { batch: 1, features: 1 } }, [[-1000], [1]], 1000],
  ])('%s gives the PyTorch value', (_n, call, inputs, want) => {
    expect(run(call, inputs)[0]).toBeCloseTo(want, 10);
  });

  it('mae and huber have subgradient 0 where prediction equals target, and huber is linear at delta', () => {
    for (const call of [
      { op: 'mae', attrs: { batch: 1, features: 1 } },
      { op: 'huber', attrs: { batch: 1, features: 1, delta: 1 } },
    ] as OpCall[]) {
      const spec = ops[call.op] as OpSpec<unknown>;
      const g = new Float64Array(1);
      const ws = { saved: new Float64Array(0), scratch: new Float64Array(0) };
      spec.backward(call.attrs, [Float64Array.of(2), Float64Array.of(2)], new Float64Array(1), Float64Array.of(1), [g, null], ws);
      expect(g[0]).toBe(0);
    }
    const g = new Float64Array(1);
    ops.huber.backward({ batch: 1, features: 1, delta: 1 }, [Float64Array.of(1), Float64Array.of(0)], new Float64Array(1),
      Float64Array.of(1), [g, null], { saved: new Float64Array(0), scratch: new Float64Array(0) });
    expect(g[0]).toBe(1);
  });
});

describe('convolution and pooling geometry', () => {
  it.each<[number, number, number, 'valid' | 'same', number, number]>([
    [28, 3, 1, 'valid', 26, 0],
    [28, 3, 1, 'same', 28, 1],
    [28, 3, 2, 'same', 14, 0],
    [7, 3, 2, 'same', 4, 1],
    [6, 4, 1, 'same', 6, 1],
    [5, 2, 2, 'valid', 2, 0],
  ])('size %d kernel %d stride %d %s gives %d with %d padding first', (size, k, s, p, out, before) => {
    expect(convAxis(size, k, s, p)).toEqual({ out, padBefore: before });
  });

  it('convolves a known 3x3 input', () => {
    // x = 1..9, kernel of ones 2x2, bias 1: sums of each 2x2 window plus 1
    const y = run(
      { op: 'conv2d', attrs: { batch: 1, inChannels: 1, height: 3, width: 3, outChannels: 1, kernelH: 2, kernelW: 2, strideH: 1, strideW: 1, padding: 'valid', bias: true, activation: 'linear', alpha: 0 } },
      [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 1, 1], [1]],
    );
    expect(Array.from(y)).toEqual([13, 17, 25, 29]);
  });

  it('pads same convolutions with zeros, symmetric for odd kernels', () => {
    const y = run(
      { op: 'conv2d', attrs: { batch: 1, inChannels: 1, height: 2, width: 2, outChannels: 1, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padding: 'same', bias: false, activation: 'relu', alpha: 0 } },
      [[1, 2, 3, -40], [0, 0, 0, 0, 1, 0, 0, 0, 0]],
    );
    expect(Array.from(y)).toEqual([1, 2, 3, 0]);
  });

  it('max- and average-pools 2x2 windows', () => {
    const attrs = { batch: 1, channels: 1, height: 2, width: 4, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2 };
    expect(Array.from(run({ op: 'maxpool2d', attrs }, [[1, 5, 2, 0, 3, 4, -1, -2]]))).toEqual([5, 2]);
    expect(Array.from(run({ op: 'avgpool2d', attrs }, [[1, 5, 2, 0, 3, 4, -1, -2]]))).toEqual([3.25, -0.25]);
  });
});

describe('normalization and dropout', () => {
  it('batchnorm normalizes with batch statistics and updates running stats with the unbiased variance', () => {
    const runMean = Float64Array.of(0);
    const runVar = Float64Array.of(1);
    const attrs = { shape: [4, 1], eps: 0, momentum: 0.1, training: true };
    const y = new Float64Array(4);
    ops.batchnorm.forward(attrs, [Float64Array.of(1, 2, 3, 4), Float64Array.of(1), Float64Array.of(0), runMean, runVar], y,
      { saved: new Float64Array(2), scratch: new Float64Array(0) });
    const sd = Math.sqrt(1.25);
    expect(Array.from(y)).toEqual([-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd].map((v) => expect.closeTo(v, 12)));
    expect(runMean[0]).toBeCloseTo(0.25, 12);
    expect(runVar[0]).toBeCloseTo(0.9 + 0.1 * (5 / 3), 12);
  });

  it('batchnorm in evaluation uses the running statistics and leaves them alone', () => {
    const y = run({ op: 'batchnorm', attrs: { shape: [1, 2, 1, 1], eps: 0, momentum: 0.1, training: false } },
      [[3, 3], [2, 1], [0, 1], [1, 3], [4, 0.25]]);
    expect(Array.from(y)).toEqual([2, 1]);
  });

  it('layernorm normalizes each whole sample', () => {
    const y = run({ op: 'layernorm', attrs: { shape: [1, 2, 2], eps: 0 } }, [[1, 2, 3, 4], [1, 1, 1, 2], [0, 0, 0, 1]]);
    const sd = Math.sqrt(1.25);
    expect(Array.from(y)).toEqual([-1.5 / sd, -0.5 / sd, 0.5 / sd, 3 / sd + 1].map((v) => expect.closeTo(v, 12)));
  });

  it('dropout keeps elements whose uniform is at least the rate, scaled by 1/(1-rate), and is the identity in evaluation', () => {
    const x = [1, 2, 3, 4];
    const u = [0.1, 0.5, 0.75, 0.9];
    expect(Array.from(run({ op: 'dropout', attrs: { shape: [4], rate: 0.5, training: true } }, [x, u]))).toEqual([0, 4, 6, 8]);
    expect(Array.from(run({ op: 'dropout', attrs: { shape: [4], rate: 0.5, training: false } }, [x, u]))).toEqual(x);
  });
});
