/**
 * The `nn-lang` library: everything an editor or a program needs, with no file system and no
 * Node built-ins, so it runs in a browser as well as in Node.
 *
 * - {@link parse}: source text to tokens, CST, AST and syntax diagnostics.
 * - {@link check}: the whole front end (`nn check`): parse, resolve, infer shapes, lint.
 * - {@link format}: the prettier plugin's formatter (`nn fmt`).
 * - {@link compile}: check, then build the training plan and its TypeScript source (`nn compile`).
 * - `runtime`: tensors, kernels, autodiff, optimizers, ... to execute a plan.
 */
import type { CheckedModel, CheckedTrain } from './checker/types.js';
import { checkText, type FrontEndResult } from './compiler.js';
import type { Diagnostic } from './diagnostics/types.js';
import { DiagnosticSink } from './diagnostics/sink.js';
import { fileStartRange, type Range } from './source/index.js';
import { emitModule } from './emitter/index.js';
import { createTrainingPlan, type CompiledTrainingPlan, type KernelChoice } from './plan/index.js';
import type { Spawn } from './runtime/wasm/threads.js';

export { parse, type ParseResult } from './parser/index.js';
export { checkText, type FrontEndResult } from './compiler.js';
export { format, NnSyntaxError, type FormatOptions } from './formatter/index.js';
export { createTrainingPlan, defaultKernelChoice, type KernelChoice, type ThreadOptions, compilePlan, loadPlanCode, getWeights, setWeights, type CompiledTrainingPlan, type TrainingPlan } from './plan/index.js';
export { emitModule, type EmittedModule, type EmitOptions } from './emitter/index.js';
export { SourceFile, type Position, type Range } from './source/index.js';
export { renderDiagnostic, diagnosticToJson, messages, type Diagnostic, type DiagnosticJson, type Fix, type Severity, type TextEdit } from './diagnostics/index.js';
export { registry, findBuiltin, builtinNames, nearestName, trainKeys } from './builtins/index.js';
export type * from './checker/types.js';
export type * from './ast/types.js';
export * as runtime from './runtime/index.js';

/**
 * Checks `.nn` source text as `nn check` does and returns every diagnostic with the parsed and
 * checked program. Never throws.
 */
export function check(text: string, file = '<input>'): FrontEndResult {
  return checkText(text, file);
}

export interface CompileOptions {
  /** A name for messages (default `<input>`). */
  readonly file?: string;
  /** The model to compile; default the first model that has a `train` block. */
  readonly model?: string;
  /** Seed of the initial weights (default: the train block's `seed`). */
  readonly seed?: number;
  /** The largest batch the plan accepts (default: the train block's batch size; required with `batch: full`). */
  readonly batchCapacity?: number;
  /**
   * The matrix-product kernels of the plan: `'wasm'` (WebAssembly SIMD, what `nn train` uses where
   * the engine has SIMD) or `'ts'` (plain TypeScript, the default here). See `defaultKernelChoice`.
   */
  readonly kernels?: KernelChoice;
  /**
   * Threads for the WebAssembly kernels' large matrix products (default 1; ignored with `'ts'`).
   * Results are bit-identical for every count. Workers start asynchronously and join once
   * ready; end them with the plan's `dispose()`. Needs a shared WebAssembly memory (in a
   * browser: a cross-origin isolated page), else the plan runs on one thread.
   */
  readonly threads?: number;
  /** Starts a worker thread (default: a Blob-URL `Worker` where `globalThis.Worker` exists; Node programs pass one over `worker_threads`). */
  readonly spawn?: Spawn;
}

/** What {@link compile} returns: the plan and its source when the program has no errors, and always the diagnostics. */
export interface CompileResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly model?: CheckedModel;
  readonly train?: CheckedTrain;
  /** The ready training plan, initialized from the seed. */
  readonly plan?: CompiledTrainingPlan;
  /** The standalone TypeScript module `nn compile` writes. */
  readonly code?: string;
}

/** The range of the `batch:` entry of `train`'s block in the source (the block's when not found). */
function batchRange(front: FrontEndResult, train: CheckedTrain): Range {
  for (const d of front.parsed.program.decls) {
    if (d.kind !== 'Train' || d.model.name !== train.model) continue;
    const entry = d.entries.find((e) => e.key.name === 'batch');
    if (entry) return entry.range;
  }
  return train.range;
}

/**
 * Checks the text, then compiles one model and its `train` block into a training plan and the
 * TypeScript source of that plan. With errors (or no trainable model) only diagnostics come back.
 */
export function compile(text: string, options: CompileOptions = {}): CompileResult {
  const front = checkText(text, options.file);
  const { models, trains } = front.checked.program;
  const train = options.model !== undefined ? trains.find((t) => t.model === options.model) : trains[0];
  const model = train ? models.find((m) => m.name === train.model) : undefined;
  if (front.hasErrors) return { diagnostics: front.diagnostics, ...(model ? { model } : {}), ...(train ? { train } : {}) };
  const sink = new DiagnosticSink(options.file ?? '<input>');
  sink.addAll(front.diagnostics);
  if (!train || !model) {
    // Point at the model named (or the first one) when there is one, else at the file's start.
    const named = models.find((m) => m.name === options.model) ?? (options.model === undefined ? models[0] : undefined);
    sink.report('NN5101', named?.nameRange ?? fileStartRange, { target: options.model !== undefined ? `model '${options.model}'` : 'any model' });
    return { diagnostics: sink.diagnostics() };
  }
  if (!model.valid || !train.valid) return { diagnostics: front.diagnostics, model, train };
  const batchCapacity = options.batchCapacity ?? (train.batch === 'full' ? undefined : train.batch);
  if (batchCapacity === undefined) {
    sink.report('NN5102', batchRange(front, train), { model: model.name });
    return { diagnostics: sink.diagnostics(), model, train };
  }
  const plan = createTrainingPlan(model, train, {
    batchCapacity, seed: options.seed ?? train.seed, ...(options.kernels ? { kernels: options.kernels } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}), ...(options.spawn ? { spawn: options.spawn } : {}),
  });
  const { code } = emitModule(model, train, { batchCapacity });
  return { diagnostics: front.diagnostics, model, train, plan, code };
}
