/**
 * The four benchmark workloads of issue 4, each written twice: as `.nn` source for the plan and
 * as a TensorFlow.js model for the peers. Both sides get the same layers, widths, activations,
 * initializers (Glorot uniform weights, zero biases), loss, optimizer and hyperparameters; a
 * test checks the parameter counts agree. TensorFlow.js gets its native NHWC layout for W4 (the
 * same convolution, its fastest layout), the plan CHW.
 */
import type * as TF from '@tensorflow/tfjs';

/** Which benchmark. */
export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4';

/** What TensorFlow.js needs to rebuild a workload. */
export interface TfjsSpec {
  /** The Keras-style model (W1, W2, W4 end in softmax; W3 is linear). */
  readonly build: (tf: typeof TF) => TF.Sequential;
  /** The optimizer, fresh per model. */
  readonly optimizer: (tf: typeof TF) => TF.Optimizer;
  /** `categorical`: softmax cross-entropy on one-hot labels; `mse`: mean squared error. */
  readonly loss: 'categorical' | 'mse';
  /** Global-norm gradient clipping (only a custom loop can do it; trainOnBatch cannot). */
  readonly clipNorm: number | null;
  /** Per-sample input shape in TensorFlow.js' layout. */
  readonly inputShape: readonly number[];
}

/** One workload. */
export interface Workload {
  readonly id: WorkloadId;
  readonly title: string;
  readonly batch: number;
  /** `samples`: report samples/s; `steps`: steps/s (overhead-bound workloads). */
  readonly unit: 'samples' | 'steps';
  /** The plan's target as a multiple of tfjs-wasm. */
  readonly targetVsWasm: number;
  /** tfjs-wasm as measured on this machine for the issue (samples/s or steps/s): the fallback target when wasm cannot run the workload. */
  readonly referenceWasm: number;
  /** The `.nn` source: one model and one train block. */
  readonly source: string;
  /** Elements per sample of input, and classes (0 for a regression target of `outputs` values). */
  readonly inputSize: number;
  readonly classes: number;
  readonly outputs: number;
  readonly tfjs: TfjsSpec;
}

function trainBlock(model: string, loss: string, optimizer: string, batch: number, extra = ''): string {
  return `train ${model} {
  data:      csv("synthetic.csv", label: "y")
  loss:      ${loss}
  optimizer: ${optimizer}
  batch:     ${batch}${extra}
}
`;
}

const dense = (tf: typeof TF, units: number, activation: 'relu' | 'tanh' | 'softmax' | 'linear', inputShape?: number[]): TF.layers.Layer =>
  tf.layers.dense({ units, activation, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros', ...(inputShape ? { inputShape } : {}) });

const W3_DEPTH = 16;

/** The workloads, in report order. */
export const WORKLOADS: readonly Workload[] = [
  {
    id: 'W1', title: 'MLP 784-256-256-10 relu, softmax CE, Adam', batch: 128, unit: 'samples', targetVsWasm: 1.2, referenceWasm: 3300,
    inputSize: 784, classes: 10, outputs: 10,
    source: `model W1 {
  input [784]
  dense(256, activation: relu)
  dense(256, activation: relu)
  dense(10, activation: softmax)
}
${trainBlock('W1', 'cross_entropy', 'adam(lr: 1e-3)', 128)}`,
    tfjs: {
      build: (tf) => tf.sequential({ layers: [dense(tf, 256, 'relu', [784]), dense(tf, 256, 'relu'), dense(tf, 10, 'softmax')] }),
      optimizer: (tf) => tf.train.adam(1e-3, 0.9, 0.999, 1e-8),
      loss: 'categorical', clipNorm: null, inputShape: [784],
    },
  },
  {
    id: 'W2', title: 'MLP 4-16-3 tanh, softmax CE, SGD momentum 0.9', batch: 16, unit: 'steps', targetVsWasm: 10, referenceWasm: 3700,
    inputSize: 4, classes: 3, outputs: 3,
    source: `model W2 {
  input [4]
  dense(16, activation: tanh)
  dense(3, activation: softmax)
}
${trainBlock('W2', 'cross_entropy', 'sgd(0.01, momentum: 0.9)', 16)}`,
    tfjs: {
      build: (tf) => tf.sequential({ layers: [dense(tf, 16, 'tanh', [4]), dense(tf, 3, 'softmax')] }),
      optimizer: (tf) => tf.train.momentum(0.01, 0.9),
      loss: 'categorical', clipNorm: null, inputShape: [4],
    },
  },
  {
    id: 'W3', title: '16×dense 64 tanh, MSE, SGD, clip norm 1.0', batch: 64, unit: 'samples', targetVsWasm: 1.5, referenceWasm: 8000,
    inputSize: 64, classes: 0, outputs: 1,
    source: `model W3 {
  input [64]
  repeat ${W3_DEPTH} {
    dense(64, activation: tanh)
  }
  dense(1)
}
${trainBlock('W3', 'mse', 'sgd(0.01)', 64, '\n  clip:      norm(1.0)')}`,
    tfjs: {
      build: (tf) => tf.sequential({
        layers: [
          ...Array.from({ length: W3_DEPTH }, (_, i) => dense(tf, 64, 'tanh', i === 0 ? [64] : undefined)),
          dense(tf, 1, 'linear'),
        ],
      }),
      optimizer: (tf) => tf.train.sgd(0.01),
      loss: 'mse', clipNorm: 1.0, inputShape: [64],
    },
  },
  {
    id: 'W4', title: 'CNN conv16-pool-conv32-pool-dense10, Adam', batch: 64, unit: 'samples', targetVsWasm: 1, referenceWasm: 850,
    inputSize: 784, classes: 10, outputs: 10,
    source: `model W4 {
  input [1, 28, 28]
  conv2d(16, 3, padding: same, activation: relu)
  maxpool2d(2)
  conv2d(32, 3, activation: relu)
  maxpool2d(2)
  flatten
  dense(10, activation: softmax)
}
${trainBlock('W4', 'cross_entropy', 'adam(lr: 1e-3)', 64)}`,
    tfjs: {
      build: (tf) => tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'glorotUniform' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: 'glorotUniform' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          dense(tf, 10, 'softmax'),
        ],
      }),
      optimizer: (tf) => tf.train.adam(1e-3, 0.9, 0.999, 1e-8),
      loss: 'categorical', clipNorm: null, inputShape: [28, 28, 1],
    },
  },
];

/** The workload with this id (throws on an unknown id: a harness bug or a bad `--only`). */
export function workload(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload ${id}; expected one of ${WORKLOADS.map((x) => x.id).join(', ')}`);
  return w;
}

/** Deterministic synthetic data for one batch: inputs in [-1, 1), labels (class ids) or regression targets. */
export function syntheticBatch(w: Workload): { x: Float32Array; labels: Float32Array } {
  const x = new Float32Array(w.batch * w.inputSize);
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < x.length; i++) x[i] = next() * 2 - 1;
  const labels = new Float32Array(w.batch * (w.classes > 0 ? 1 : w.outputs));
  for (let i = 0; i < labels.length; i++) labels[i] = w.classes > 0 ? Math.floor(next() * w.classes) : next() * 2 - 1;
  return { x, labels };
}
