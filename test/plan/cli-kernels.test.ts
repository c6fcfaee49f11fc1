import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { decodeSafetensors, wasmSimdSupported } from '../../src/runtime/index.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, cwd: examples });
  return { code, out, err };
}

/** Trains xor.nn for a few epochs with extra flags; returns the weights file's tensors. */
async function train(extra: string[]): Promise<{ code: number; weights: Float32Array[]; path: string; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nn-kernels-'));
  const path = join(dir, 'xor.safetensors');
  const r = await run(['train', 'xor.nn', '--epochs', '20', '--weights-out', path, '--json', ...extra]);
  const weights = r.code === 0 ? decodeSafetensors(readFileSync(path), path).tensors.map((t) => t.data as Float32Array) : [];
  return { code: r.code, weights, path, err: r.err };
}

describe('the --kernels flag of the commands that run a plan', () => {
  it('trains with --kernels ts and with the default kernels, to the same weights up to float32 rounding', async () => {
    const ts = await train(['--kernels', 'ts']);
    const dflt = await train([]);
    expect(ts.code).toBe(0);
    expect(dflt.code).toBe(0);
    expect(dflt.weights.length).toBe(ts.weights.length);
    dflt.weights.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - ts.weights[i]![j]!)).toBeLessThan(1e-3 * (1 + Math.abs(v)))));
  });

  it.skipIf(!wasmSimdSupported())('repeats a seed bit for bit on the WebAssembly kernels, and eval and predict accept the flag', async () => {
    const a = await train(['--kernels', 'wasm', '--seed', '5']);
    const b = await train(['--kernels', 'wasm', '--seed', '5']);
    expect(a.code).toBe(0);
    expect(b.weights.map((w) => Array.from(w))).toEqual(a.weights.map((w) => Array.from(w)));
    const evalWasm = await run(['eval', 'xor.nn', '--weights', a.path, '--json', '--kernels', 'wasm']);
    const evalTs = await run(['eval', 'xor.nn', '--weights', a.path, '--json', '--kernels', 'ts']);
    expect(evalWasm.code).toBe(0);
    const [lw, lt] = [JSON.parse(evalWasm.out).loss as number, JSON.parse(evalTs.out).loss as number];
    expect(Math.abs(lw - lt)).toBeLessThan(1e-5 * (1 + Math.abs(lt)));
    const p = await run(['predict', 'xor.nn', '--weights', a.path, '--input', 'data/xor.csv', '--kernels', 'wasm']);
    expect(p.code).toBe(0);
    expect(p.out.trim().split('\n').length).toBe(4);
  });

  it('rejects a kernel name other than ts or wasm with a usage error', async () => {
    for (const cmd of [['train', 'xor.nn'], ['eval', 'xor.nn', '--weights', 'w'], ['predict', 'xor.nn', '--weights', 'w', '--input', 'x.csv'], ['compile', 'xor.nn']]) {
      const r = await run([...cmd, '--kernels', 'gpu']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--kernels must be ts or wasm, got 'gpu'/);
    }
  });

  it('compiles a module whose create runs on the kernels asked for', async () => {
    const ts = await run(['compile', 'xor.nn', '--batch', '4']);
    const wasm = await run(['compile', 'xor.nn', '--batch', '4', '--kernels', 'wasm']);
    expect(ts.out).toMatch(/export function create\(seed: number\): CompiledPlan \{\n {2}return build\(seed, undefined\);/);
    expect(wasm.out).toMatch(/export function create\(seed: number\): CompiledPlan \{\n {2}return build\(seed, wasmKernels\(\) \?\? undefined\);/);
    expect(wasm.out).toMatch(/export const ARENA_FLOATS = \d+;/);
  });
});
