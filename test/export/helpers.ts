/**
 * Shared by the export tests: checking a program, writing its exported PyTorch files, running
 * Debian's python3 (which has torch 1.13 and NumPy) and our compiled plan on the same weights.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkText } from '../../src/compiler.js';
import type { CheckedModel, CheckedTrain } from '../../src/checker/types.js';
import { exportPytorch } from '../../src/export/pytorch/index.js';
import { createTrainingPlan, type CompiledTrainingPlan } from '../../src/plan/index.js';
import { encodeSafetensors, type NamedTensor } from '../../src/io/safetensors.js';
import { createRng } from '../../src/runtime/random.js';

/** The interpreter with torch (the first python3 on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nn-export-${prefix}-`));
}

/** The first model and its train block of a program that must check without errors. */
export function checked(text: string, file = 'model.nn'): { model: CheckedModel; train: CheckedTrain | null } {
  const result = checkText(text, file);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`program has errors: ${errors.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const model = result.checked.program.models[0]!;
  return { model, train: result.checked.program.trains.find((t) => t.model === model.name) ?? null };
}

/** Exports `text` into `dir` (created), data paths relative to `dataDir` as the program sees it. */
export function exportProgram(text: string, dir: string, dataDir = '.'): { model: CheckedModel; train: CheckedTrain | null } {
  const c = checked(text);
  mkdirSync(dir, { recursive: true });
  for (const f of exportPytorch(c.model, c.train, { dataDir })) writeFileSync(join(dir, f.name), f.text);
  return c;
}

/** Runs python; throws with its stderr when it fails. */
export function python(args: readonly string[], cwd: string, timeoutMs = 120_000): string {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** Uniform draws in [lo, hi) from a seeded generator. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

/** A plan for the model, with every parameter and buffer drawn at random (running variances positive). */
export function randomPlan(model: CheckedModel, train: CheckedTrain, batch: number, seed: number): { plan: CompiledTrainingPlan; weights: Uint8Array } {
  const plan = createTrainingPlan(model, train, { batchCapacity: batch, seed });
  const tensors: NamedTensor[] = plan.params.map((p, k) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data = p.name.endsWith('.running_var') ? randomArray(size, seed * 100 + k, 0.5, 2) : randomArray(size, seed * 100 + k, -0.8, 0.8);
    return { name: p.name, shape: p.shape, data };
  });
  const weights = encodeSafetensors(tensors, { format: 'pt' });
  plan.setWeights(weights, 'random.safetensors');
  return { plan, weights };
}

/** Relative difference max|a - b| / max(max|b|, floor), the measure every equivalence test uses. */
export function relativeDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return Number.isNaN(diff) ? Infinity : diff / scale;
}

/** Float32 little-endian bytes of an array, for the Python side to read with numpy.fromfile. */
export function writeF32(path: string, data: Float32Array): void {
  writeFileSync(path, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}
