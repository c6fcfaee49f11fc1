import { finalActivation } from '../../checker/index.js';
import { createTrainingPlan } from '../../plan/index.js';
import { applyNormalization } from '../../train/data/index.js';
import { loadDataSource } from '../../train/data/files.js';
import { loadWeights } from '../../train/checkpoint.js';
import { commandLineSource, labelSpecFor } from '../../train/setup.js';
import { parseFlags, UserError, type Command } from '../io.js';
import { nodeSpawn, THREADS_HELP, threadsFlag } from '../threads.js';
import { kernelChoice, KERNELS_HELP, loadTarget, readBinaryFile, withDataErrors } from './train.js';

/** Class probabilities from one row of outputs, whatever the model's last activation. */
export function probabilities(row: ArrayLike<number>, last: string): number[] {
  const v = Array.from(row);
  if (v.length === 1) return last === 'sigmoid' ? [1 - v[0]!, v[0]!] : [1 / (1 + Math.exp(v[0]!)), 1 / (1 + Math.exp(-v[0]!))];
  if (last === 'softmax') return v;
  if (last === 'log_softmax') return v.map(Math.exp);
  const max = Math.max(...v);
  const e = v.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

const round = (x: number): number => Number(x.toPrecision(6));

export const predictCommand: Command = {
  name: 'predict',
  summary: 'outputs of trained weights for each row of an input file',
  usage: `Usage: nn predict FILE --weights W --input X.csv [--model M] [--json] [--kernels K]

Runs the model in evaluation mode on every row of X (CSV; a .json file is read as json(...)),
after the normalization saved with the weights. A label column named as in the train block is
dropped if present, so the training file itself is valid input. One output line per input row:

  classifier (cross_entropy, binary_cross_entropy): the class name and its probability,
      e.g. "setosa 0.9871"; with --json {"class": "setosa", "probabilities": {"setosa": 0.9871, ...}}
  otherwise: the outputs separated by commas; with --json {"output": [...]}

${KERNELS_HELP}
${THREADS_HELP}`,
  run(argv, io) {
    const { values: v, positionals } = parseFlags('predict', argv, {
      weights: { type: 'string' },
      input: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      kernels: { type: 'string' },
      threads: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UserError('nn predict: expects one FILE. Usage: nn predict FILE --weights W --input X.csv [--json]', 2);
    if (typeof v['weights'] !== 'string') throw new UserError('nn predict: --weights W is required', 2);
    if (typeof v['input'] !== 'string') throw new UserError('nn predict: --input X.csv is required (the rows to predict)', 2);
    const file = positionals[0]!;
    const json = v['json'] === true;
    const kernels = kernelChoice('predict', v['kernels']);
    const threads = threadsFlag('predict', v['threads'], kernels);
    const target = loadTarget('predict', file, v['model'] as string | undefined, io, json);
    const weightsBytes = readBinaryFile(v['weights'], io.cwd, 'weights');
    const plan = createTrainingPlan(target.model, target.train, { batchCapacity: 256, seed: target.train.seed, kernels, threads, spawn: nodeSpawn });
    try {
      const meta = withDataErrors(() => loadWeights(plan, weightsBytes, v['weights'] as string));
      const inputShape = target.model.inputShape ?? undefined;
      const input = withDataErrors(() => {
        const raw = loadDataSource(commandLineSource(v['input'] as string, target.train), io.cwd, { labels: { kind: 'none' }, ...(inputShape ? { inputShape } : {}) });
        return meta.normalization ? applyNormalization(meta.normalization, raw) : raw;
      });
      const spec = labelSpecFor(target);
      const classifier = spec.kind === 'class' || spec.kind === 'binary';
      const classes = meta.classes ?? (spec.kind === 'class' ? Array.from({ length: spec.outputs }, (_, i) => String(i)) : ['0', '1']);
      const last = finalActivation(target.model);
      const k = plan.outputSize;
      const lines: string[] = [];
      for (let start = 0; start < input.n; start += plan.batchCapacity) {
        const n = Math.min(plan.batchCapacity, input.n - start);
        const out = plan.predict(input.x.subarray(start * plan.inputSize, (start + n) * plan.inputSize), n);
        for (let i = 0; i < n; i++) {
          const row = out.subarray(i * k, (i + 1) * k);
          if (!classifier) {
            lines.push(json ? JSON.stringify({ output: Array.from(row, round) }) : Array.from(row, round).join(','));
            continue;
          }
          const p = probabilities(row, last);
          let best = 0;
          for (let j = 1; j < p.length; j++) if (p[j]! > p[best]!) best = j;
          const name = classes[best] ?? String(best);
          if (json) lines.push(JSON.stringify({ class: name, probabilities: Object.fromEntries(p.map((x, j) => [classes[j] ?? String(j), round(x)])) }));
          else lines.push(`${name} ${p[best]!.toFixed(4)}`);
        }
      }
      io.stdout(lines.length ? `${lines.join('\n')}\n` : '');
      return 0;
    } finally {
      plan.dispose();
    }
  },
};
