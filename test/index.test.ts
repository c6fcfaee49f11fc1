import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, compile, defaultKernelChoice, format, parse } from '../src/index.js';

const xor = readFileSync(join(import.meta.dirname, '..', 'examples', 'xor.nn'), 'utf8');

describe('the library entry', () => {
  it('parses, checks and formats a program without touching the file system', async () => {
    expect(parse(xor, 'xor.nn').diagnostics).toEqual([]);
    expect(check(xor, 'xor.nn').hasErrors).toBe(false);
    expect(await format(xor)).toBe(xor);
  });

  it('compiles to a plan and its TypeScript source (batch: full needs a capacity), and only reports diagnostics for a broken program', () => {
    expect(compile(xor, { file: 'xor.nn' }).plan).toBeUndefined();
    const ok = compile(xor, { file: 'xor.nn', batchCapacity: 4 });
    expect(ok.plan).toBeDefined();
    expect(ok.code).toContain('export function create');
    const broken = compile(xor.replace('tanh', 'tnah'), { file: 'xor.nn' });
    expect(broken.plan).toBeUndefined();
    expect(broken.diagnostics.map((d) => d.code)).toContain('NN2002');
  });

  it('says why no plan came back from a valid program: batch: full without a capacity (at the batch entry), or no train block', () => {
    const full = compile(xor, { file: 'xor.nn' });
    expect(full.plan).toBeUndefined();
    expect(full.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([['NN5102', 'error', 'xor.nn']]);
    const at = full.diagnostics[0].range;
    expect(xor.slice(at.startOffset, at.endOffset)).toMatch(/^batch:\s*full/);
    expect(full.diagnostics[0].message).toContain('batchCapacity');
    const untrained = 'model M {\n  input [4]\n  dense(1)\n}\n';
    const none = compile(untrained);
    expect(none.diagnostics.map((d) => [d.code, d.message])).toEqual([['NN5101', 'no train block to compile for any model']]);
    expect(untrained.slice(none.diagnostics[0].range.startOffset, none.diagnostics[0].range.endOffset)).toBe('M');
    const other = compile(xor, { model: 'Other', batchCapacity: 4 });
    expect(other.plan).toBeUndefined();
    expect(other.diagnostics.map((d) => [d.code, d.message, d.range.startOffset])).toEqual([['NN5101', "no train block to compile for model 'Other'", 0]]);
  });

  it('trains the same first step on WebAssembly and TypeScript kernels, to float32 rounding', () => {
    expect(defaultKernelChoice()).toBe('wasm');
    const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
    const y = new Float32Array([0, 1, 1, 0]);
    const losses = (['ts', 'wasm'] as const).map((kernels) => {
      const { plan } = compile(xor, { file: 'xor.nn', batchCapacity: 4, kernels, seed: 3 });
      return [plan!.trainStep(x, y, 4).loss, plan!.trainStep(x, y, 4).loss];
    });
    expect(losses[1]![0]).toBeCloseTo(losses[0]![0]!, 5);
    expect(losses[1]![1]).toBeCloseTo(losses[0]![1]!, 5);
  });
});
