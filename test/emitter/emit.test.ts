import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { CheckedModel, CheckedNode } from '../../src/checker/types.js';
import { emitModule } from '../../src/emitter/index.js';
import { createTrainingPlan } from '../../src/plan/index.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { wasmSimdSupported, type Kernels, type Spawn } from '../../src/runtime/index.js';
import { nodeSpawn } from '../../src/node.js';
import { compileText } from '../plan/helpers.js';

const root = join(import.meta.dirname, '..', '..');

const programs: Record<string, string> = {
  mlp: `model Mlp {
  input [6]
  dense(16, activation: relu, regularizer: l2(1e-3))
  dropout(0.25)
  dense(8, activation: tanh)
  dense(3, activation: softmax)
}
train Mlp { data: csv("d.csv", label: "y") loss: cross_entropy optimizer: adam(lr: 1e-2) clip: norm(1.0) regularize: l1(1e-4) }`,
  cnn: `model Cnn {
  input [1, 8, 8]
  conv2d(4, 3, padding: same, activation: relu)
  maxpool2d(2)
  batchnorm
  conv2d(4, 3, activation: elu)
  flatten
  residual {
    dense(16)
    relu
  }
  layernorm
  dense(1, activation: sigmoid)
}
train Cnn { data: csv("d.csv", label: "y") loss: binary_cross_entropy optimizer: sgd(0.05, momentum: 0.9, nesterov: true) clip: value(0.5) }`,
  regression: `model Reg {
  input [3]
  dense(5, activation: gelu)
  avg: dense(2)
}
train Reg { data: csv("d.csv", label: "y") loss: huber(delta: 0.5) optimizer: rmsprop(lr: 0.01, centered: true) clip: param_norm(0.3) }`,
};

/** Emits each program's module (importing the runtime through a local re-export) into a fresh folder. */
function emitAll(progs: Record<string, { model: CheckedModel; train: ReturnType<typeof compileText>['train'] }>, capacity: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'nn-emit-'));
  // stands in for the package subpath nn-lang/runtime (the runtime plus the safetensors codec)
  writeFileSync(join(dir, 'runtime.ts'), `export * from ${JSON.stringify(join(root, 'src/runtime/index.js'))};\nexport { encodeSafetensors, decodeSafetensors, assertTensorsMatch } from ${JSON.stringify(join(root, 'src/io/safetensors.js'))};\n`);
  for (const [name, { model, train }] of Object.entries(progs)) {
    writeFileSync(join(dir, `${name}.ts`), emitModule(model, train, { batchCapacity: capacity, runtimeImport: './runtime.js' }).code);
  }
  return dir;
}

function typecheck(dir: string, files: string[]): void {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--types', 'node', ...files.map((f) => join(dir, f))], { cwd: root, stdio: 'pipe' });
}

interface LoadedModule {
  create(seed: number): ReturnType<typeof createTrainingPlan>;
  createWithKernels(seed: number, kernels: Kernels): ReturnType<typeof createTrainingPlan>;
  wasmKernels(options?: { threads?: number; spawn?: Spawn }): (Kernels & { threads: number; readyThreads(): number; dispose(): void }) | null;
  fromWeights(bytes: Uint8Array, file?: string): ReturnType<typeof createTrainingPlan>;
}

async function load(dir: string, name: string): Promise<LoadedModule> {
  const outfile = join(dir, `${name}.mjs`);
  buildSync({ entryPoints: [join(dir, `${name}.ts`)], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'silent' });
  return (await import(pathToFileURL(outfile).href)) as LoadedModule;
}

function data(plan: { inputSize: number; targetSize: number; outputSize: number }, n: number, loss: string): { x: Float32Array; y: Float32Array } {
  const x = Float32Array.from({ length: n * plan.inputSize }, (_, i) => Math.sin(i * 1.7));
  const y = Float32Array.from({ length: n * plan.targetSize }, (_, i) => (loss === 'cross_entropy' ? i % plan.outputSize : loss === 'binary_cross_entropy' ? i % 2 : Math.cos(i)));
  return { x, y };
}

const compiled = Object.fromEntries(Object.entries(programs).map(([k, v]) => [k, compileText(v)]));
const dir = emitAll(compiled, 5);

describe('the emitted TypeScript module', () => {
  it('passes tsc --strict --noEmit', () => {
    expect(() => typecheck(dir, Object.keys(programs).map((k) => `${k}.ts`))).not.toThrow();
  }, 120_000);

  it.each(Object.keys(programs))('%s: compiled and loaded, gives bit-identical numbers to the in-process plan for the same seed', async (name) => {
    const mod = await load(dir, name);
    const { model, train } = compiled[name]!;
    const inProcess = createTrainingPlan(model, train, { batchCapacity: 5, seed: 42 });
    const standalone = mod.create(42);
    expect(Array.from(standalone.paramData)).toEqual(Array.from(inProcess.paramData));
    for (const n of [5, 3, 5]) {
      const { x, y } = data(inProcess, n, train.loss?.builtin ?? '');
      const a = inProcess.trainStep(x, y, n);
      const b = standalone.trainStep(x, y, n);
      expect(b).toEqual(a);
      expect(Array.from(standalone.lastOutput())).toEqual(Array.from(inProcess.lastOutput()));
    }
    expect(Array.from(standalone.paramData)).toEqual(Array.from(inProcess.paramData));
    expect(Array.from(standalone.bufferData)).toEqual(Array.from(inProcess.bufferData));
    const { x, y } = data(inProcess, 4, train.loss?.builtin ?? '');
    expect(standalone.evaluate(x, y, 4).loss).toBe(inProcess.evaluate(x, y, 4).loss);
    const restored = mod.fromWeights(inProcess.getWeights());
    expect(Array.from(restored.predict(x, 4))).toEqual(Array.from(inProcess.predict(x, 4)));
  }, 60_000);
});

describe.skipIf(!wasmSimdSupported())('the emitted module on WebAssembly kernels', () => {
  it.each(Object.keys(programs))('%s: createWithKernels(seed, wasmKernels()) gives bit-identical numbers to the in-process plan on wasm', async (name) => {
    const mod = await load(dir, name);
    const { model, train } = compiled[name]!;
    const inProcess = createTrainingPlan(model, train, { batchCapacity: 5, seed: 42, kernels: 'wasm' });
    const standalone = mod.createWithKernels(42, mod.wasmKernels()!);
    for (const n of [5, 3]) {
      const { x, y } = data(inProcess, n, train.loss?.builtin ?? '');
      expect(standalone.trainStep(x, y, n)).toEqual(inProcess.trainStep(x, y, n));
    }
    expect(Array.from(standalone.paramData)).toEqual(Array.from(inProcess.paramData));
    const { x, y } = data(inProcess, 4, train.loss?.builtin ?? '');
    expect(standalone.evaluate(x, y, 4).loss).toBe(inProcess.evaluate(x, y, 4).loss);
  }, 60_000);

  it('wasmKernels({ threads, spawn }) starts worker threads (nodeSpawn from nn-lang/node) and gives the same numbers as one thread', async () => {
    const name = Object.keys(programs)[0];
    const mod = await load(dir, name);
    const { model, train } = compiled[name]!;
    const k = mod.wasmKernels({ threads: 2, spawn: nodeSpawn })!;
    try {
      const t0 = Date.now();
      while (k.readyThreads() < 2) {
        if (Date.now() - t0 > 20000) throw new Error('workers did not start');
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(k.threads).toBe(2);
      const standalone = mod.createWithKernels(42, k);
      const inProcess = createTrainingPlan(model, train, { batchCapacity: 5, seed: 42, kernels: 'wasm' });
      const { x, y } = data(inProcess, 5, train.loss?.builtin ?? '');
      expect(standalone.trainStep(x, y, 5)).toEqual(inProcess.trainStep(x, y, 5));
      expect(Array.from(standalone.paramData)).toEqual(Array.from(inProcess.paramData));
    } finally {
      k.dispose();
    }
  }, 60_000);
});

/** A deep copy of a checked model with every layer and parameter name replaced. */
function renamed(model: CheckedModel, name: (old: string) => string, modelName: string): CheckedModel {
  const node = (n: CheckedNode): CheckedNode => (n.type === 'residual'
    ? { ...n, body: n.body.map(node) }
    : { ...n, name: name(n.name), params: n.params.map((p) => ({ ...p, name: `${name(p.layer)}.${p.role}`, layer: name(p.layer) })) });
  return {
    ...model,
    name: modelName,
    nodes: model.nodes.map(node),
    params: model.params.map((p) => ({ ...p, name: `${name(p.layer)}.${p.role}`, layer: name(p.layer) })),
  };
}

describe('names from a .nn file cannot inject code', () => {
  const hostile = [
    '"); throw new Error("injected"); ("',
    "'; throw new Error('injected'); //",
    '*/ throw new Error("injected"); /*',
    '${(() => { throw new Error("injected") })()}`',
    'line\nthrow new Error("injected")\u2028\u2029',
    '\\"; globalThis.injected = 1; //',
  ];
  const base = compileText(programs['mlp']!);
  const names = new Map<string, string>();
  const rename = (old: string): string => {
    if (!names.has(old)) names.set(old, `${hostile[names.size % hostile.length]}#${names.size}`);
    return names.get(old)!;
  };
  const model = renamed(base.model, rename, hostile[0]!);
  const train = { ...base.train, model: model.name };

  it('keeps hostile layer and model names as data in the in-process plan and its weights', () => {
    const plan = createTrainingPlan(model, train, { batchCapacity: 4, seed: 1 });
    expect(plan.model).toBe(model.name);
    expect(plan.params.map((p) => p.name)).toEqual(model.params.map((p) => p.name));
    const { x, y } = data(plan, 4, 'cross_entropy');
    expect(Number.isFinite(plan.trainStep(x, y, 4).loss)).toBe(true);
    expect(decodeSafetensors(plan.getWeights(), 'w').tensors.map((t) => t.name)).toEqual(model.params.map((p) => p.name));
    expect((globalThis as { injected?: number }).injected).toBeUndefined();
  });

  it('emits a module with hostile names that still type-checks and runs', async () => {
    const d = emitAll({ hostile: { model, train } }, 4);
    expect(() => typecheck(d, ['hostile.ts'])).not.toThrow();
    const mod = await load(d, 'hostile');
    const plan = mod.create(1);
    expect(plan.paramLayers).toEqual(base.model.params.filter((p) => p.trainable).map((p) => rename(p.layer)).filter((l, i, a) => a.indexOf(l) === i));
    expect((globalThis as { injected?: number }).injected).toBeUndefined();
  }, 120_000);
});
