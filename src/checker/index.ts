import type { LetDecl, Program } from '../ast/types.js';
import { DiagnosticSink } from '../diagnostics/index.js';
import type { SourceFile } from '../source/index.js';
import type { CheckContext } from './context.js';
import { lintModel, lintTrain } from './health.js';
import { checkModel } from './model.js';
import { checkTrain } from './train.js';
import type { CheckedModel, CheckedTrain, CheckResult } from './types.js';
import { letValue } from './values.js';

export * from './types.js';
export { estimateGradientScale, finalActivation, vanishingThreshold, explodingThreshold, deepStackDepth, type GradientEstimate } from './health.js';
export { flattenLayers, collectParams, maxLayersPerModel } from './model.js';

/**
 * Checks a parsed program: resolves names, folds constants, unrolls `repeat`, infers every shape,
 * checks arguments and `train` blocks, and adds the gradient-health warnings. Never throws: every
 * problem is a diagnostic, and an internal failure becomes NN9001.
 */
export function check(program: Program, source?: SourceFile): CheckResult {
  const sink = new DiagnosticSink(source?.path ?? program.file);
  const lets = new Map<string, LetDecl>();
  const ctx: CheckContext = { sink, lets, letValues: new Map(), evaluating: [], ...(source ? { source } : {}) };
  const models: CheckedModel[] = [];
  const trains: CheckedTrain[] = [];
  try {
    const modelDecls = new Map<string, CheckedModel>();
    for (const decl of program.decls) {
      if (decl.kind !== 'Let') continue;
      if (lets.has(decl.name.name)) {
        sink.report('NN2005', decl.name.range, { name: decl.name.name }, { related: [{ range: lets.get(decl.name.name)!.name.range, message: 'first defined here' }] });
      } else lets.set(decl.name.name, decl);
    }
    for (const name of lets.keys()) letValue(ctx, name);
    for (const decl of program.decls) {
      if (decl.kind !== 'Model') continue;
      const model = checkModel(ctx, decl);
      if (modelDecls.has(model.name)) {
        sink.report('NN2006', decl.name.range, { name: model.name }, { related: [{ range: modelDecls.get(model.name)!.nameRange, message: 'first defined here' }] });
      } else modelDecls.set(model.name, model);
      models.push(model);
      lintModel(sink, model);
    }
    const trained = new Set<string>();
    for (const decl of program.decls) {
      if (decl.kind !== 'Train') continue;
      const train = checkTrain(ctx, decl, modelDecls, trained);
      trains.push(train);
      lintTrain(sink, train, modelDecls.get(train.model));
    }
  } catch (error) {
    sink.report('NN9001', program.range, { stage: 'checker', detail: error instanceof Error ? error.message : String(error) });
  }
  const constants = new Map<string, number>();
  for (const [name, value] of ctx.letValues) if (value !== null) constants.set(name, value);
  return { program: { file: program.file, ast: program, constants, models, trains }, diagnostics: sink.diagnostics() };
}
