import { dirname, resolve } from 'node:path';
import { createTrainingPlan } from '../../plan/index.js';
import { applyNormalization, type Dataset } from '../../train/data/index.js';
import { loadDataSource, type DataSource } from '../../train/data/files.js';
import { loadWeights } from '../../train/checkpoint.js';
import { evaluateSamples } from '../../train/loop.js';
import { fmtNumber } from '../../train/progress.js';
import { commandLineSource, dataSourceOf, labelSpecFor, metricNames, metricTargetFor, toSamples } from '../../train/setup.js';
import { parseFlags, UserError, type Command } from '../io.js';
import { nodeSpawn, THREADS_HELP, threadsFlag } from '../threads.js';
import { kernelChoice, KERNELS_HELP, loadTarget, readBinaryFile, withDataErrors } from './train.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'loss and metrics of trained weights on a data set',
  usage: `Usage: nn eval FILE --weights W [--data D] [--model M] [--json] [--kernels K] [--threads N]

Evaluates the weights W (a weights file or a checkpoint) in evaluation mode (no dropout,
batchnorm on running statistics) with the train block's loss and metrics. The normalization
and class names saved with the weights are applied.

  --weights W  the weights (safetensors) to evaluate
  --data D     the data, read like the train block's data: a .json file as json(...), IMAGES,LABELS
               as idx(...) when the block reads IDX, anything else as CSV with the block's label
               column (default: the train block's data: file, all of it)
  --model M    the train block of model M (needed when the file has several)
  --json       print {loss, metrics: {name: value}}
${KERNELS_HELP}
${THREADS_HELP}`,
  run(argv, io) {
    const { values: v, positionals } = parseFlags('eval', argv, {
      weights: { type: 'string' },
      data: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      kernels: { type: 'string' },
      threads: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UserError('nn eval: expects one FILE. Usage: nn eval FILE --weights W [--data D] [--json]', 2);
    if (typeof v['weights'] !== 'string') throw new UserError('nn eval: --weights W is required (the weights to evaluate)', 2);
    const file = positionals[0]!;
    const kernels = kernelChoice('eval', v['kernels']);
    const threads = threadsFlag('eval', v['threads'], kernels);
    const target = loadTarget('eval', file, v['model'] as string | undefined, io, v['json'] === true);
    const weightsBytes = readBinaryFile(v['weights'], io.cwd, 'weights');
    const data = v['data'] as string | undefined;
    const [source, baseDir]: [DataSource, string] = data !== undefined ? [commandLineSource(data, target.train), io.cwd] : [dataSourceOf(target.train.data!), dirname(resolve(io.cwd, file))];
    const plan = createTrainingPlan(target.model, target.train, { batchCapacity: 256, seed: target.train.seed, kernels, threads, spawn: nodeSpawn });
    try {
      const meta = withDataErrors(() => loadWeights(plan, weightsBytes, v['weights'] as string));
      const inputShape = target.model.inputShape ?? undefined;
      const dataset: Dataset = withDataErrors(() => {
        const raw = loadDataSource(source, baseDir, { labels: labelSpecFor(target, meta.classes), ...(inputShape ? { inputShape } : {}) });
        return meta.normalization ? applyNormalization(meta.normalization, raw) : raw;
      });
      const result = evaluateSamples(plan, toSamples(dataset), metricNames(target.train), metricTargetFor(target));
      if (v['json']) io.stdout(`${JSON.stringify({ loss: result.loss, metrics: result.metrics })}\n`);
      else {
        const parts = [`loss ${fmtNumber(result.loss)}`, ...Object.entries(result.metrics).map(([k, x]) => `${k} ${fmtNumber(x)}`)];
        io.stdout(`${parts.join('  ')} (${dataset.n} samples from ${dataset.sourceFile})\n`);
      }
      return 0;
    } finally {
      plan.dispose();
    }
  },
};
