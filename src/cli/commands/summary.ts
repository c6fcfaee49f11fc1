import { checkText } from '../../compiler.js';
import { flattenLayers, type CheckedModel, type CheckedNode } from '../../checker/index.js';
import { renderDiagnostic } from '../../diagnostics/index.js';
import { readSourceFile } from '../files.js';
import { parseFlags, UserError, type CliIO, type Command } from '../io.js';

/** The contract's `nn summary --json` object for one model. */
export interface SummaryJson {
  readonly model: string;
  readonly layers: { name: string; kind: string; output_shape: number[] | null; params: number }[];
  readonly params: { name: string; shape: number[]; trainable: boolean }[];
  readonly total_params: number;
  readonly trainable_params: number;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const fmtShape = (shape: readonly number[] | null): string => (shape ? `[${shape.join(', ')}]` : '?');
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The `--json` summary of a checked model. */
export function summaryJson(model: CheckedModel): SummaryJson {
  return {
    model: model.name,
    layers: flattenLayers(model.nodes).map((l) => ({
      name: l.name,
      kind: l.builtin,
      output_shape: l.outputShape ? [...l.outputShape] : null,
      params: l.params.reduce((n, p) => n + size(p.shape), 0),
    })),
    params: model.params.map((p) => ({ name: p.name, shape: [...p.shape], trainable: p.trainable })),
    total_params: model.totalParams,
    trainable_params: model.trainableParams,
  };
}

function rows(nodes: readonly CheckedNode[], depth: number): string[][] {
  return nodes.flatMap((n) =>
    n.type === 'residual'
      ? [[`${'  '.repeat(depth)}residual {`, 'x + body(x)', fmtShape(n.shape), ''], ...rows(n.body, depth + 1), [`${'  '.repeat(depth)}}`, '', '', '']]
      : [[`${'  '.repeat(depth)}${n.name}`, n.builtin, fmtShape(n.outputShape), grouped(n.params.reduce((s, p) => s + size(p.shape), 0))]],
  );
}

/** A Keras-like `model.summary()` table. */
export function summaryText(model: CheckedModel): string {
  const table = [['Layer', 'Kind', 'Output shape', 'Params'], ['input', 'input', fmtShape(model.inputShape), '0'], ...rows(model.nodes, 0)];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('   ').trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 9;
  return [
    `Model: ${model.name}`,
    line(table[0]!),
    '-'.repeat(total),
    ...table.slice(1).map(line),
    '='.repeat(total),
    `Total params: ${grouped(model.totalParams)}`,
    `Trainable params: ${grouped(model.trainableParams)}`,
    `Non-trainable params: ${grouped(model.totalParams - model.trainableParams)}`,
  ].join('\n');
}

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'layer table of a model: names, kinds, output shapes, parameter counts',
  usage: `Usage: nn summary FILE [--model M] [--json]

Prints each model's layers (name, kind, output shape, parameter count) and the totals of
trainable and non-trainable parameters (batchnorm running statistics are non-trainable).
Without --model every model of the file is summarized, in file order.
With errors in the file, prints the diagnostics and exits 1; warnings go to stderr.

  --model M   only the model named M
  --json      {model, layers: [{name, kind, output_shape, params}], params: [{name, shape,
              trainable}], total_params, trainable_params}; an array of these when the file has
              several models and no --model is given`,
  run(argv: readonly string[], io: CliIO): number {
    const { values, positionals } = parseFlags('summary', argv, { model: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UserError('nn summary: expects one FILE. Usage: nn summary FILE [--model M] [--json]', 2);
    const file = positionals[0]!;
    const result = checkText(readSourceFile(file, io.cwd), file);
    for (const d of result.diagnostics) io.stderr(`${renderDiagnostic(d, result.source)}\n\n`);
    if (result.hasErrors) return 1;
    const wanted = values['model'];
    const models = result.checked.program.models.filter((m) => typeof wanted !== 'string' || m.name === wanted);
    if (models.length === 0) {
      const names = result.checked.program.models.map((m) => m.name);
      throw new UserError(typeof wanted === 'string' ? `nn summary: ${file} has no model '${wanted}' (models: ${names.join(', ') || 'none'})` : `nn summary: ${file} has no model`);
    }
    if (values['json']) {
      const json = models.map(summaryJson);
      io.stdout(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
    } else io.stdout(`${models.map(summaryText).join('\n\n')}\n`);
    return 0;
  },
};
