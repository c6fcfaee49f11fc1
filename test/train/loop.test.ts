import { describe, expect, it } from 'vitest';
import { checkText } from '../../src/compiler.js';
import { createTrainingPlan } from '../../src/plan/index.js';
import type { TrainingPlan } from '../../src/plan/types.js';
import { createRng } from '../../src/runtime/random.js';
import { createSchedule, type ScheduleName } from '../../src/runtime/schedule.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint.js';
import { initialLoopState, runTraining, type LoopConfig, type LoopState, type Samples } from '../../src/train/loop.js';
import { baseLearningRate, metricNames, metricTargetFor } from '../../src/train/setup.js';

/** A real plan and loop config for a one-file program (data is passed in directly). */
function setup(body: string, opts: { batch: number; epochs?: number; shuffle?: boolean; patience?: number | null; seed?: number }) {
  const text = `${body}\n`;
  const front = checkText(text, 't.nn');
  expect(front.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model = front.checked.program.models[0]!;
  const train = front.checked.program.trains[0]!;
  const plan = createTrainingPlan(model, train, { batchCapacity: opts.batch, seed: opts.seed ?? 1 });
  const epochs = opts.epochs ?? train.epochs;
  const config: LoopConfig = {
    epochs,
    batchSize: opts.batch,
    shuffle: opts.shuffle ?? false,
    shuffleRng: createRng(opts.seed ?? 1).fork(2),
    schedule: createSchedule(train.schedule.builtin as ScheduleName, train.schedule.args as never, baseLearningRate(train), epochs),
    patience: opts.patience ?? null,
    metrics: metricNames(train),
    target: metricTargetFor({ model, train }),
  };
  return { plan, config, model, train };
}

const linear = (extra = '') => `model L {\n  input [2]\n  dense(1)\n}\ntrain L {\n  data: csv("unused.csv", label: "y")\n  loss: mse\n  optimizer: sgd(0.05)\n  ${extra}\n}`;

/** n samples of y = 2*x0 - x1 + 0.5, x0 = index (so a batch's first feature names its samples). */
function regression(n: number, flip = false): Samples {
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = Math.sin(i);
    y[i] = (flip ? -1 : 1) * (0.2 * i - Math.sin(i) + 0.5);
  }
  return { x, y, n };
}

interface Call {
  ids: number[];
  n: number;
  loss: number;
}

/** The plan, with every trainStep and setLearningRate call recorded. */
function spy(plan: TrainingPlan): { plan: TrainingPlan; calls: Call[]; rates: number[] } {
  const calls: Call[] = [];
  const rates: number[] = [];
  const proxy = new Proxy(plan, {
    get(target, key) {
      if (key === 'trainStep') {
        return (x: Float32Array, y: Float32Array, n: number) => {
          const r = target.trainStep(x, y, n);
          calls.push({ ids: Array.from({ length: n }, (_, i) => x[i * target.inputSize]!), n, loss: r.loss });
          return r;
        };
      }
      if (key === 'setLearningRate') return (lr: number) => (rates.push(lr), target.setLearningRate(lr));
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { plan: proxy, calls, rates };
}

describe('the training loop', () => {
  it('takes batches in file order without shuffling and keeps the last, smaller batch', () => {
    const { plan, config } = setup(linear(), { batch: 3, epochs: 2 });
    const s = spy(plan);
    runTraining(s.plan, regression(7), null, config, initialLoopState(plan, config));
    expect(s.calls.map((c) => c.ids)).toEqual([[0, 1, 2], [3, 4, 5], [6], [0, 1, 2], [3, 4, 5], [6]]);
  });

  it('reports the sample-weighted mean of the batch losses as the epoch loss', () => {
    const { plan, config } = setup(linear(), { batch: 3, epochs: 1 });
    const s = spy(plan);
    const result = runTraining(s.plan, regression(7), null, config, initialLoopState(plan, config));
    const weighted = s.calls.reduce((a, c) => a + c.loss * c.n, 0) / 7;
    const unweighted = s.calls.reduce((a, c) => a + c.loss, 0) / s.calls.length;
    expect(result.history[0]!.loss).toBeCloseTo(weighted, 12);
    expect(Math.abs(weighted - unweighted)).toBeGreaterThan(1e-6);
  });

  it('shuffles with its own seeded stream: a fresh permutation each epoch, the same for the same seed', () => {
    const run = (seed: number) => {
      const { plan, config } = setup(linear('shuffle: true'), { batch: 4, epochs: 2, shuffle: true, seed });
      const s = spy(plan);
      runTraining(s.plan, regression(10), null, config, initialLoopState(plan, config));
      return s.calls.map((c) => c.ids);
    };
    const a = run(5);
    const epoch1 = a.slice(0, 3).flat();
    const epoch2 = a.slice(3).flat();
    expect([...epoch1].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch1).not.toEqual(epoch2);
    expect(epoch1).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run(5)).toEqual(a);
    expect(run(6)).not.toEqual(a);
  });

  it('sets the learning rate once per epoch from the schedule and reports the rate used', () => {
    const { plan, config } = setup(linear('schedule: step(2, 0.5)'), { batch: 4, epochs: 5 });
    const s = spy(plan);
    const result = runTraining(s.plan, regression(8), null, config, initialLoopState(plan, config));
    expect(s.rates).toEqual([0.05, 0.05, 0.025, 0.025, 0.0125]);
    expect(result.history.map((r) => r.lr)).toEqual(s.rates);
    expect(s.calls).toHaveLength(10);
  });

  it('runs validation after each epoch and reports per-layer gradient norms', () => {
    const { plan, config } = setup(linear(), { batch: 4, epochs: 2 });
    const result = runTraining(plan, regression(8), regression(5), config, initialLoopState(plan, config));
    for (const r of result.history) {
      expect(r.val_loss).toBeGreaterThan(0);
      expect(Object.keys(r.grad_norms)).toEqual(['dense_1']);
      expect(r.grad_norms['dense_1']).toBeGreaterThan(0);
      expect(r.samples_per_s).toBeGreaterThan(0);
    }
  });

  it('reports the gradient norm and dead fraction of layers named like Object.prototype members (__proto__, constructor)', () => {
    const body = linear().replace('  dense(1)', '  __proto__: dense(4, activation: relu)\n  constructor: dense(1)');
    const { plan, config } = setup(body, { batch: 4, epochs: 1 });
    const [r] = runTraining(plan, regression(8), null, config, initialLoopState(plan, config)).history;
    expect(Object.keys(r!.grad_norms)).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(r!.dead_fractions)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(r!.grad_norms))['__proto__']).toBeGreaterThan(0);
  });

  it('stops early on validation loss and restores the best epoch weights', () => {
    // The validation targets are the negated training targets: fitting the training data makes
    // the validation loss rise after the first epochs.
    const { plan, config } = setup(linear(), { batch: 4, epochs: 40, patience: 2 });
    const weights: Float32Array[] = [];
    const result = runTraining(plan, regression(8), regression(8, true), config, initialLoopState(plan, config), {
      onEpoch: () => weights.push(plan.paramData.slice()),
    });
    expect(result.status).toBe('early_stopped');
    const vals = result.history.map((r) => r.val_loss!);
    const best = vals.indexOf(Math.min(...vals)) + 1;
    expect(result.weightsEpoch).toBe(best);
    expect(result.history).toHaveLength(best + 2);
    expect(Array.from(plan.paramData)).toEqual(Array.from(weights[best - 1]!));
    expect(Array.from(plan.paramData)).not.toEqual(Array.from(weights[weights.length - 1]!));
  });

  it('stops at once on a non-finite loss and names the layer, epoch and step', () => {
    const { plan, config } = setup(linear().replace('sgd(0.05)', 'sgd(1e6)'), { batch: 2, epochs: 5 });
    const result = runTraining(plan, regression(8), null, config, initialLoopState(plan, config));
    expect(result.status).toBe('non_finite');
    // the squared error overflows float32 (the loss, all tensors finite) or a tensor does (dense_1)
    expect(['the loss', 'dense_1']).toContain(result.nonFinite!.layer);
    expect(result.nonFinite!.step).toBeGreaterThanOrEqual(1);
    expect(result.history).toHaveLength(result.nonFinite!.epoch - 1);
  });

  it('resumes from a checkpoint bit-identically to an uninterrupted run (dropout, shuffling, adam, plateau schedule)', () => {
    const body = `model D {\n  input [2]\n  dense(8, activation: relu)\n  dropout(0.3)\n  dense(1)\n}\ntrain D {\n  data: csv("unused.csv", label: "y")\n  validation: split(0.2)\n  loss: mse\n  optimizer: adam(lr: 0.01)\n  schedule: reduce_on_plateau(patience: 0, factor: 0.5)\n  shuffle: true\n}`;
    const full = setup(body, { batch: 3, epochs: 6, shuffle: true, patience: 3 });
    let at3: LoopState | null = null;
    const uninterrupted = runTraining(full.plan, regression(10), regression(4, true), full.config, initialLoopState(full.plan, full.config), {
      onEpoch: (r, state) => {
        if (r.epoch === 3) at3 = state;
      },
    });
    const bytes = encodeCheckpoint(full.plan, at3!, { model: 'D' });
    const resumed = setup(body, { batch: 3, epochs: 6, shuffle: true, patience: 3, seed: 99 });
    const { state } = decodeCheckpoint(resumed.plan, bytes, 'ckpt');
    const result = runTraining(resumed.plan, regression(10), regression(4, true), resumed.config, state);
    expect(result.history.map((r) => [r.loss, r.val_loss, r.lr])).toEqual(uninterrupted.history.map((r) => [r.loss, r.val_loss, r.lr]));
    expect(Buffer.from(resumed.plan.paramData.buffer).equals(Buffer.from(full.plan.paramData.buffer))).toBe(true);
  });
});
