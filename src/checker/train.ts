import type { Expr, TrainDecl, TrainEntry } from '../ast/types.js';
import { findBuiltin, nearestName, trainDefaults, trainKeys, type DataSpec, type LossSpec, type OptimizerSpec, type ScheduleSpec, type TrainKeyName, type TrainKeySpec } from '../builtins/index.js';
import { DiagnosticSink } from '../diagnostics/index.js';
import { resolveBuiltin, defaultRef } from './args.js';
import { replaceFix, reportUnknown, type CheckContext } from './context.js';
import type { BuiltinRef, CheckedModel, CheckedTrain } from './types.js';
import { describe, evaluate } from './values.js';

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** What a key's value should be, in words, for NN5004. */
function expectedOf(spec: TrainKeySpec): string {
  const v = spec.value;
  switch (v.type) {
    case 'builtin':
      return v.role === 'validation' ? 'a data source or split(fraction)' : `${v.kind === 'data' ? 'a data source' : `a ${v.kind.replace('_', '-')}`}`;
    case 'builtin_list':
      return 'a list of metrics such as [accuracy]';
    case 'enum':
      return `one of ${v.values.join(', ')}`;
    case 'integer':
      return `a whole number >= ${v.min}${v.orFull ? " or 'full'" : ''}`;
    case 'boolean':
      return 'true or false';
  }
}

/**
 * Checks a `train` block against the model it names: keys, values, defaults, the loss against
 * the model's output shape, and keys that need validation data.
 */
export function checkTrain(outer: CheckContext, decl: TrainDecl, models: ReadonlyMap<string, CheckedModel>, seen: Set<string>): CheckedTrain {
  const ctx: CheckContext = { ...outer, sink: new DiagnosticSink(outer.sink.file) };
  const model = models.get(decl.model.name);
  if (!model) reportUnknown(ctx, 'NN2004', decl.model, models.keys());
  else if (seen.has(model.name)) ctx.sink.report('NN2010', decl.model.range, { name: model.name });
  seen.add(decl.model.name);

  const given = new Map<TrainKeyName, TrainEntry>();
  const values = new Map<TrainKeyName, unknown>();
  for (const entry of decl.entries) {
    const key = entry.key.name;
    if (!Object.prototype.hasOwnProperty.call(trainKeys, key)) {
      reportUnknown(ctx, 'NN5002', entry.key, Object.keys(trainKeys), { key });
      evaluate(ctx, entry.value);
      continue;
    }
    const name = key as TrainKeyName;
    if (given.has(name)) {
      ctx.sink.report('NN5003', entry.key.range, { key }, { related: [{ range: given.get(name)!.key.range, message: 'first given here' }] });
      continue;
    }
    given.set(name, entry);
    const value = trainValue(ctx, trainKeys[name], entry.value);
    if (value !== undefined) values.set(name, value);
  }
  for (const spec of Object.values(trainKeys)) {
    if (spec.required && !given.has(spec.name)) ctx.sink.report('NN5001', decl.model.range, { model: decl.model.name, key: spec.name });
  }

  const ref = (k: TrainKeyName): BuiltinRef | null => (values.get(k) as BuiltinRef | undefined) ?? null;
  const loss = ref('loss');
  const optimizer = ref('optimizer');
  const validation = ref('validation');
  const schedule = ref('schedule') ?? defaultRef(ctx, findBuiltin('constant', ['schedule'])!, decl.range);
  const earlyStop = ref('early_stop');

  if (loss && model?.outputShape) {
    const reason = (findBuiltin(loss.builtin, ['loss']) as LossSpec).fitsOutput(model.outputShape);
    if (reason) ctx.sink.report('NN3009', loss.range, { loss: loss.builtin, model: model.name, shape: fmt(model.outputShape), reason });
  }
  if (!validation && given.has('validation') === false) {
    if (earlyStop) ctx.sink.report('NN5006', earlyStop.range, { what: `early_stop: ${earlyStop.builtin}` });
    if ((findBuiltin(schedule.builtin, ['schedule']) as ScheduleSpec).needsValidation) ctx.sink.report('NN5006', schedule.range, { what: `schedule: ${schedule.builtin}` });
  }
  const fullBatch = optimizer ? (findBuiltin(optimizer.builtin, ['optimizer']) as OptimizerSpec).fullBatch : false;
  const batch = (values.get('batch') as number | 'full' | undefined) ?? (fullBatch ? 'full' : trainDefaults.batch);
  if (fullBatch && typeof batch === 'number' && optimizer) ctx.sink.report('NN8009', given.get('batch')!.value.range, { batch });

  outer.sink.addAll(ctx.sink.diagnostics());
  return {
    model: decl.model.name,
    data: ref('data'),
    validation,
    normalize: (values.get('normalize') as CheckedTrain['normalize'] | undefined) ?? trainDefaults.normalize,
    loss,
    optimizer,
    schedule,
    clip: ref('clip'),
    regularize: ref('regularize'),
    metrics: (values.get('metrics') as BuiltinRef[] | undefined) ?? [],
    batch,
    epochs: (values.get('epochs') as number | undefined) ?? trainDefaults.epochs,
    shuffle: (values.get('shuffle') as boolean | undefined) ?? trainDefaults.shuffle,
    seed: (values.get('seed') as number | undefined) ?? trainDefaults.seed,
    earlyStop,
    valid: !ctx.sink.hasErrors && model !== undefined && model.valid,
    range: decl.range,
  };
}

/** The folded value of one train entry, or undefined when something was reported. */
function trainValue(ctx: CheckContext, spec: TrainKeySpec, expr: Expr): unknown {
  const wrong = (actual: string): void => {
    ctx.sink.report('NN5004', expr.range, { key: spec.name, expected: expectedOf(spec), actual });
  };
  const v = spec.value;
  switch (v.type) {
    case 'builtin': {
      const ref = resolveBuiltin(ctx, expr, v.kind, wrong);
      if (ref && v.role && !(findBuiltin(ref.builtin, ['data']) as DataSpec).roles.includes(v.role)) {
        ctx.sink.report('NN5005', ref.range, { source: ref.builtin, key: spec.name });
        return undefined;
      }
      return ref;
    }
    case 'builtin_list': {
      const items = expr.kind === 'List' ? expr.items : [expr];
      const refs = items.map((item) => resolveBuiltin(ctx, item, v.kind, (actual) => ctx.sink.report('NN5004', item.range, { key: spec.name, expected: 'a metric', actual })));
      return refs.every((r) => r !== undefined) ? refs : undefined;
    }
    case 'enum': {
      const value = evaluate(ctx, expr);
      const word = value.t === 'name' ? value.id.name : value.t === 'string' ? value.v : null;
      if (word !== null && v.values.includes(word)) return word;
      if (value.t === 'bad') return undefined;
      const near = word === null ? undefined : nearestName(word, v.values);
      ctx.sink.report('NN5004', expr.range, { key: spec.name, expected: expectedOf(spec), actual: describe(value) }, near ? { hints: [`did you mean '${near}'?`], fix: replaceFix(`replace with '${near}'`, expr.range, near) } : {});
      return undefined;
    }
    case 'integer': {
      const value = evaluate(ctx, expr);
      if (v.orFull && value.t === 'name' && value.id.name === 'full') return 'full';
      if (v.orFull && value.t === 'name' && !ctx.lets.has(value.id.name) && nearestName(value.id.name, ['full'])) {
        ctx.sink.report('NN5004', expr.range, { key: spec.name, expected: expectedOf(spec), actual: describe(value) }, { hints: ["did you mean 'full'?"], fix: replaceFix("replace with 'full'", expr.range, 'full') });
        return undefined;
      }
      if (value.t === 'number' && Number.isInteger(value.v) && value.v >= v.min) return value.v;
      if (value.t === 'name' && !findBuiltin(value.id.name) && value.id.name !== 'full') {
        reportUnknown(ctx, 'NN2003', value.id, ctx.lets.keys());
        return undefined;
      }
      if (value.t !== 'bad') wrong(describe(value));
      return undefined;
    }
    case 'boolean': {
      const value = evaluate(ctx, expr);
      if (value.t === 'boolean') return value.v;
      if (value.t !== 'bad') wrong(describe(value));
      return undefined;
    }
  }
}
