import { resolve } from 'node:path';
import { checkText } from '../../compiler.js';
import { renderDiagnostic } from '../../diagnostics/index.js';
import { emitPlanModule } from '../../emitter/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { compilePlan } from '../../plan/compile.js';
import type { Plan } from '../../planner/types.js';
import { readSourceFile } from '../files.js';
import { numberFlag, parseFlags, UserError, type CliIO, type Command } from '../io.js';
import { terminalPalette } from './check.js';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** The `--stats` report: pooled buffer bytes without and with lifetime sharing, per phase. */
export function planStats(plan: Plan): string {
  const phase = (name: string, p: Plan['train']): string => {
    const saved = p.bytesUnshared - p.bytesShared;
    const pct = p.bytesUnshared > 0 ? ((100 * saved) / p.bytesUnshared).toFixed(1) : '0.0';
    return `${name}: ${p.bytesUnshared} bytes (${kib(p.bytesUnshared)}) unshared, ${p.bytesShared} bytes (${kib(p.bytesShared)}) in ${p.slots.length} shared buffers, ${saved} bytes saved (${pct}%)`;
  };
  return [
    `model ${plan.model}, batch capacity ${plan.capacity}`,
    `parameters: ${plan.paramCount} trainable (${kib(plan.paramCount * 4)} + the same for gradients), ${plan.bufferCount} buffer values`,
    phase('training buffers', plan.train),
    phase('inference buffers', plan.eval),
    `steps: ${plan.train.forward.length} forward, ${plan.train.backward.length} backward (training); ${plan.eval.forward.length} (inference)`,
  ].join('\n');
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'write the optimized training plan of a model as a standalone TypeScript module',
  usage: `Usage: nn compile FILE [--model M] [-o OUT.ts] [--stats] [--batch N] [--runtime SPEC] [--kernels K]

Lowers the model and its train block, optimizes, plans buffers and writes a TypeScript module
(importing only the runtime) exporting create(seed), createWithKernels(seed, kernels),
wasmKernels(), fromWeights(bytes), and the plan's trainStep, evaluate, predict and weights. With errors in the file, prints the diagnostics and
exits 1.

  --model M       the model named M (default: the first model with a train block)
  -o OUT.ts       write the module there (atomically); default: stdout
  --stats         print buffer bytes before and after lifetime sharing
  --batch N       the batch capacity (default: the train block's batch)
  --runtime SPEC  module specifier of the runtime import (default nn-lang/runtime)
  --kernels K     the kernels of create(seed) and fromWeights: ts (default, TypeScript) or
                  wasm (WebAssembly SIMD where the engine has it, else TypeScript)`,
  run(argv: readonly string[], io: CliIO): number {
    const { values, positionals } = parseFlags('compile', argv, {
      model: { type: 'string' }, o: { type: 'string', short: 'o' }, out: { type: 'string' }, stats: { type: 'boolean' },
      batch: { type: 'string' }, runtime: { type: 'string' }, kernels: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UserError('nn compile: expects one FILE. Usage: nn compile FILE [--model M] [-o OUT.ts] [--stats]', 2);
    const file = positionals[0]!;
    const kernels = values['kernels'] ?? 'ts';
    if (kernels !== 'ts' && kernels !== 'wasm') throw new UserError(`nn compile: --kernels must be ts or wasm, got '${String(kernels)}'`, 2);
    const result = checkText(readSourceFile(file, io.cwd), file);
    const palette = terminalPalette(io);
    for (const d of result.diagnostics) io.stderr(`${renderDiagnostic(d, result.source, palette)}\n\n`);
    if (result.hasErrors) return 1;
    const program = result.checked.program;
    const wanted = values['model'];
    const model = typeof wanted === 'string'
      ? program.models.find((m) => m.name === wanted)
      : program.models.find((m) => program.trains.some((t) => t.model === m.name));
    if (!model) {
      const names = program.models.map((m) => m.name).join(', ') || 'none';
      throw new UserError(typeof wanted === 'string' ? `nn compile: ${file} has no model '${wanted}' (models: ${names})` : `nn compile: ${file} has no model with a train block (models: ${names})`);
    }
    const train = program.trains.find((t) => t.model === model.name);
    if (!train) throw new UserError(`nn compile: ${file} has no train block for model '${model.name}'; the plan needs its loss and optimizer`);
    const batch = numberFlag('compile', 'batch', typeof values['batch'] === 'string' ? values['batch'] : undefined, true) ?? (typeof train.batch === 'number' ? train.batch : undefined);
    if (batch === undefined || batch < 1) throw new UserError(`nn compile: batch: full needs the data's size; give the capacity with --batch N`, 2);
    const plan = compilePlan(model, train, { batchCapacity: batch });
    const runtime = typeof values['runtime'] === 'string' ? values['runtime'] : undefined;
    const { code } = emitPlanModule(plan, runtime, kernels);
    const out = typeof values['o'] === 'string' ? values['o'] : typeof values['out'] === 'string' ? values['out'] : undefined;
    if (out !== undefined) {
      writeFileAtomic(resolve(io.cwd, out), code);
      if (values['stats']) io.stdout(`${planStats(plan)}\n`);
      else io.stdout(`${out}: plan for model ${model.name} (batch capacity ${batch})\n`);
    } else {
      io.stdout(code);
      if (values['stats']) io.stderr(`${planStats(plan)}\n`);
    }
    return 0;
  },
};
