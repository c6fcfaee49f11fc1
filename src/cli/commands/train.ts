import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkText } from '../../compiler.js';
import { renderDiagnostic } from '../../diagnostics/index.js';
import { DataError } from '../../io/data-error.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { createTrainingPlan, defaultKernelChoice, type KernelChoice } from '../../plan/index.js';
import type { TrainingPlan } from '../../plan/types.js';
import { createRng } from '../../runtime/random.js';
import { wasmSimdSupported } from '../../runtime/wasm/index.js';
import { createSchedule, type ScheduleName } from '../../runtime/schedule.js';
import { decodeCheckpoint, encodeCheckpoint, encodeWeights, loadWeights } from '../../train/checkpoint.js';
import { evaluateSamples, initialLoopState, runTraining, type LoopResult, type LoopState } from '../../train/loop.js';
import { prepareTrainingData, randomStreams, type PreparedData } from '../../train/prepare.js';
import { fmtNumber, TrainOutput } from '../../train/progress.js';
import { renderReport } from '../../train/report.js';
import { baseLearningRate, metricNames, metricTargetFor, selectTarget, TargetError, toSamples, type TrainingTarget } from '../../train/setup.js';
import { readSourceFile } from '../files.js';
import { numberFlag, parseFlags, UserError, type CliIO, type Command } from '../io.js';
import { nodeSpawn, THREADS_HELP, threadsFlag } from '../threads.js';
import { terminalPalette } from './check.js';
import { summaryJson } from './summary.js';

/** Reads a binary file named on the command line, or throws a UserError naming it. */
export function readBinaryFile(path: string, cwd: string, what: string): Uint8Array {
  try {
    return readFileSync(resolve(cwd, path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read the ${what} file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message})`);
  }
}

/**
 * The checked front end of a command's FILE: diagnostics go to stderr (errors end the command
 * with exit 1 through a UserError carrying no further text), and the training target is chosen.
 */
export function loadTarget(command: string, file: string, wanted: string | undefined, io: CliIO, quiet: boolean): TrainingTarget {
  const front = checkText(readSourceFile(file, io.cwd), file);
  const palette = terminalPalette({ ...io, isTTY: io.isTTY && !quiet });
  for (const d of front.diagnostics) if (d.severity === 'error' || !quiet) io.stderr(`${renderDiagnostic(d, front.source, palette)}\n\n`);
  if (front.hasErrors) throw new UserError(`nn ${command}: ${file} has errors; nothing was run`);
  try {
    return selectTarget(front, file, wanted);
  } catch (e) {
    if (e instanceof TargetError) throw new UserError(`nn ${command}: ${e.message}`);
    throw e;
  }
}

/** Help text of `--kernels`, shared by the commands that run a plan. */
export const KERNELS_HELP = `  --kernels K      ts or wasm: the matrix-product kernels (default wasm, WebAssembly SIMD,
                   where the engine has it, else ts)`;

/** The `--kernels` value: ts or wasm (an error where WebAssembly SIMD is missing); default wasm where available. */
export function kernelChoice(command: string, value: unknown): KernelChoice {
  if (value === undefined) return defaultKernelChoice();
  if (value !== 'ts' && value !== 'wasm') throw new UserError(`nn ${command}: --kernels must be ts or wasm, got '${String(value)}'`, 2);
  if (value === 'wasm' && !wasmSimdSupported()) throw new UserError(`nn ${command}: --kernels wasm needs WebAssembly SIMD, which this JavaScript engine lacks; use --kernels ts`, 2);
  return value;
}

/** Runs `body`, turning data and weights problems into one-line UserErrors. */
export function withDataErrors<T>(body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.format());
    throw e;
  }
}

const usage = `Usage: nn train FILE [--model M] [--epochs N] [--seed S] [--weights-in W] [--weights-out W]
                [--resume CKPT] [--json] [--report R.html] [--test-split F] [--kernels K]
                [--threads N]

Trains a model as its train block says. Flags override the block.

  --model M        the train block of model M (needed when the file has several)
  --epochs N       total number of epochs
  --seed S         seed of every random choice (init, dropout, shuffling, splits)
  --weights-in W   start from these weights instead of the initializers
  --weights-out W  where the weights go (default: FILE with .safetensors instead of .nn);
                   a checkpoint W.ckpt is written after every epoch
  --resume CKPT    continue a run from its checkpoint, bit-identically
  --json           print one JSON object per epoch and nothing else on stdout
  --report R.html  write a self-contained HTML report (curves, gradient norms, warnings)
  --test-split F   hold out a stratified fraction F of the data before training and print
                   the loss and metrics on it at the end
${KERNELS_HELP}
${THREADS_HELP}`;

function defaultWeightsPath(file: string): string {
  return /\.nn$/.test(file) ? file.replace(/\.nn$/, '.safetensors') : `${file}.safetensors`;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model on its data: progress, checkpoints, gradient-health warnings, report',
  usage,
  run(argv, io) {
    const flags = parseFlags('train', argv, {
      model: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'weights-in': { type: 'string' },
      'weights-out': { type: 'string' },
      resume: { type: 'string' },
      json: { type: 'boolean' },
      report: { type: 'string' },
      'test-split': { type: 'string' },
      kernels: { type: 'string' },
      threads: { type: 'string' },
    });
    const v = flags.values;
    if (flags.positionals.length !== 1) throw new UserError('nn train: expects one FILE. Usage: nn train FILE [--model M] [--epochs N] ...', 2);
    const file = flags.positionals[0]!;
    const epochsFlag = numberFlag('train', 'epochs', v['epochs'] as string | undefined, true);
    const seedFlag = numberFlag('train', 'seed', v['seed'] as string | undefined, true);
    const testSplit = numberFlag('train', 'test-split', v['test-split'] as string | undefined);
    if (epochsFlag !== undefined && epochsFlag < 1) throw new UserError(`nn train: --epochs must be at least 1, got ${epochsFlag}`, 2);
    if (testSplit !== undefined && !(testSplit > 0 && testSplit < 1)) throw new UserError(`nn train: --test-split must be between 0 and 1 (exclusive), got ${testSplit}`, 2);
    if (v['resume'] !== undefined && v['weights-in'] !== undefined) throw new UserError('nn train: --resume and --weights-in cannot be combined (a checkpoint holds the weights)', 2);
    const json = v['json'] === true;
    const kernels = kernelChoice('train', v['kernels']);
    const threads = threadsFlag('train', v['threads'], kernels);
    const target = loadTarget('train', file, v['model'] as string | undefined, io, json);
    const { model, train } = target;
    const epochs = epochsFlag ?? train.epochs;
    const seed = seedFlag ?? train.seed;
    const weightsOut = resolve(io.cwd, (v['weights-out'] as string | undefined) ?? defaultWeightsPath(file));
    const weightsShown = (v['weights-out'] as string | undefined) ?? defaultWeightsPath(file);
    const checkpointPath = `${weightsOut}.ckpt`;
    const reportPath = v['report'] !== undefined ? resolve(io.cwd, v['report'] as string) : undefined;
    const baseDir = dirname(resolve(io.cwd, file));

    // Everything that can fail on bad input happens before the first file is written.
    const resumeBytes = v['resume'] !== undefined ? readBinaryFile(v['resume'] as string, io.cwd, 'checkpoint') : undefined;
    const weightsInBytes = v['weights-in'] !== undefined ? readBinaryFile(v['weights-in'] as string, io.cwd, 'weights') : undefined;
    let data: PreparedData = withDataErrors(() => prepareTrainingData(target, baseDir, seed, testSplit));
    const batchSize = train.batch === 'full' ? data.train.n : Math.min(train.batch, data.train.n);
    const plan = createTrainingPlan(model, train, { batchCapacity: batchSize, seed, kernels, threads, spawn: nodeSpawn });
    try {
      const schedule = createSchedule(train.schedule.builtin as ScheduleName, train.schedule.args as never, baseLearningRate(train), epochs);
      const config = {
        epochs,
        batchSize,
        shuffle: train.shuffle,
        shuffleRng: createRng(seed).fork(randomStreams.shuffle),
        schedule,
        patience: train.earlyStop ? Number(train.earlyStop.args['n']) : null,
        metrics: metricNames(train),
        target: metricTargetFor(target),
      };
      let start: LoopState;
      if (resumeBytes) {
        const ckpt = withDataErrors(() => decodeCheckpoint(plan, resumeBytes, v['resume'] as string));
        if (ckpt.meta.normalization) data = withDataErrors(() => prepareTrainingData(target, baseDir, seed, testSplit, ckpt.meta.normalization));
        start = ckpt.state;
        if (start.epoch >= epochs) throw new UserError(`nn train: the checkpoint ${v['resume'] as string} has already completed ${start.epoch} of ${epochs} epochs; pass a larger --epochs to train further`);
      } else {
        if (weightsInBytes) withDataErrors(() => loadWeights(plan, weightsInBytes, v['weights-in'] as string));
        start = initialLoopState(plan, config);
      }
      const meta = { model: model.name, normalization: data.normalization, ...(data.classes ? { classes: data.classes } : {}) };
      const write = (path: string, bytes: Uint8Array | string): void => withDataErrors(() => writeFileAtomic(path, bytes));

      const mode = json ? 'json' : io.isTTY ? 'tty' : 'plain';
      const firstMetric = config.metrics[0];
      const out = new TrainOutput(io, mode, epochs, firstMetric);
      let lastGood: LoopState | null = resumeBytes ? start : null;
      const began = performance.now();
      let result: LoopResult;
      try {
        result = runTraining(plan, toSamples(data.train), data.validation && toSamples(data.validation), config, start, {
          onStep: (epoch, step, steps, loss, sps, metrics) => out.step(epoch, step, steps, loss, sps, firstMetric !== undefined && mode === 'tty' ? metrics()[firstMetric] : undefined),
          onEpoch: (record, state) => {
            lastGood = state;
            write(checkpointPath, encodeCheckpoint(plan, state, meta));
            out.epoch(record);
          },
        });
      } finally {
        out.close();
      }
      const seconds = (performance.now() - began) / 1000;
      const results: string[] = [];
      if (result.status !== 'non_finite' && data.test) {
        const t = evaluateSamples(plan, toSamples(data.test), config.metrics, config.target);
        const parts = [`test_loss ${fmtNumber(t.loss)}`, ...Object.entries(t.metrics).map(([k, x]) => `test_${k} ${fmtNumber(x)}`)];
        results.push(`${parts.join('  ')} (${data.test.n} held-out samples)`);
      }
      let outcome: string;
      if (result.status === 'non_finite') {
        const nf = result.nonFinite!;
        // The weights file gets the last completed epoch (the checkpoint already holds it).
        if (lastGood) write(weightsOut, encodeWeights(plan, meta, lastGood.plan));
        outcome =
          `exploding gradients: ${nf.value} first in ${nf.layer} at epoch ${nf.epoch}, step ${nf.step}${nf.where === 'loss' ? '' : ` (in its ${nf.where})`}. ` +
          (lastGood ? `The weights of epoch ${result.weightsEpoch} are kept in ${weightsShown}. ` : 'No weights were written. ') +
          'Try a lower learning rate, clip: norm(1.0), or batchnorm.';
      } else {
        if (result.history.length > 0 || !resumeBytes) write(weightsOut, encodeWeights(plan, meta));
        const stopped = result.status === 'early_stopped' ? `stopped early after epoch ${result.history[result.history.length - 1]?.epoch}; ` : '';
        const best = config.patience !== null ? `weights of the best epoch (${result.weightsEpoch}) ` : 'weights ';
        outcome = `trained ${model.name} for ${result.history.length} epoch${result.history.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s; ${stopped}${best}written to ${weightsShown}`;
      }
      if (reportPath) {
        const summary = summaryJson(model);
        write(reportPath, renderReport({ file, model: model.name, layers: summary.layers, totalParams: summary.total_params, trainableParams: summary.trainable_params, history: result.history, outcome, results }));
      }
      if (result.status === 'non_finite') {
        io.stderr(`nn train: ${outcome}\n`);
        return 1;
      }
      if (json) {
        for (const r of results) io.stderr(`${r}\n`);
      } else {
        io.stdout(`${outcome}\n`);
        for (const r of results) io.stdout(`${r}\n`);
        if (reportPath) io.stdout(`report written to ${v['report'] as string}\n`);
      }
      return 0;
    } finally {
      plan.dispose();
    }
  },
};
