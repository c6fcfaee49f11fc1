import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { checkText } from '../../compiler.js';
import { renderDiagnostic } from '../../diagnostics/index.js';
import { exportPytorch } from '../../export/pytorch/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { readSourceFile } from '../files.js';
import { parseFlags, UserError, type CliIO, type Command } from '../io.js';

const USAGE = 'Usage: nn export FILE --target pytorch [--model M] -o DIR';

/** The `.nn` file's folder as the exported program should see it: relative to DIR when both are on one tree. */
function dataDirFor(nnFile: string, outDir: string): string {
  const rel = relative(outDir, dirname(nnFile));
  if (rel === '') return '.';
  if (isAbsolute(rel)) return dirname(nnFile);
  return rel.split(sep).join('/');
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the model and its train block as a PyTorch program (model.py, train.py)',
  usage: `${USAGE}

Writes DIR/model.py (a torch.nn.Module whose state_dict names are nn's weight names, with a
safetensors reader and writer), DIR/train.py (the train block: same data, normalization, loss,
optimizer, schedule, clipping, regularization and early stopping; runs with \`python train.py\`
or \`torchrun --nproc_per_node=N train.py\`) and DIR/README.md. Without a train block for the
model only model.py and the README are written. See docs/export.md.

  --target pytorch   the only target
  --model M          the model named M (required when the file has several)
  -o, --out DIR      the output folder (created if missing)`,
  run(argv: readonly string[], io: CliIO): number {
    const { values, positionals } = parseFlags('export', argv, {
      target: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string', short: 'o' },
    });
    if (positionals.length !== 1) throw new UserError(`nn export: expects one FILE. ${USAGE}`, 2);
    if (values['target'] !== 'pytorch') {
      throw new UserError(`nn export: ${values['target'] === undefined ? '--target is required' : `unknown target '${String(values['target'])}'`} (targets: pytorch). ${USAGE}`, 2);
    }
    if (typeof values['out'] !== 'string') throw new UserError(`nn export: -o DIR is required. ${USAGE}`, 2);
    const file = positionals[0]!;
    const result = checkText(readSourceFile(file, io.cwd), file);
    for (const d of result.diagnostics) io.stderr(`${renderDiagnostic(d, result.source)}\n\n`);
    if (result.hasErrors) return 1;
    const { models, trains } = result.checked.program;
    const wanted = values['model'];
    const names = models.map((m) => m.name).join(', ') || 'none';
    const model = typeof wanted === 'string' ? models.find((m) => m.name === wanted) : models.length === 1 ? models[0] : undefined;
    if (!model) {
      throw new UserError(
        typeof wanted === 'string'
          ? `nn export: ${file} has no model '${wanted}' (models: ${names})`
          : models.length === 0
            ? `nn export: ${file} has no model`
            : `nn export: ${file} has several models (${names}); choose one with --model`,
      );
    }
    const train = trains.find((t) => t.model === model.name) ?? null;
    const outDir = resolve(io.cwd, values['out']);
    const files = exportPytorch(model, train, { dataDir: dataDirFor(resolve(io.cwd, file), outDir) });
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      throw new UserError(`nn export: cannot create ${values['out']} (${e instanceof Error ? e.message : String(e)})`);
    }
    for (const f of files) writeFileAtomic(resolve(outDir, f.name), f.text);
    io.stderr(`wrote ${files.map((f) => f.name).join(', ')} to ${values['out']}${train ? '' : ` (no train block for ${model.name}: no train.py)`}\n`);
    return 0;
  },
};
