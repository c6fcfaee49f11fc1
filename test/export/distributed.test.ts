import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { exportProgram, python, randomArray, relativeDiff, tempDir } from './helpers.js';

// Debian's torch 1.13 launcher fails on Python 3.11 before starting any worker (Std.from_str
// compares enum members with ints); torchrun.py is torch.distributed.run's main with that fixed.
const TORCHRUN = join(import.meta.dirname, 'torchrun.py');

describe('torchrun --nproc_per_node=2 on gloo', () => {
  it('trains to the same weights and losses as one process with the same global batch, shuffled', () => {
    const dir = tempDir('ddp');
    const text = `model Net {
  input [4]
  dense(8, activation: tanh)
  dense(3, activation: softmax)
}

train Net {
  data: csv("data.csv", label: "y")
  validation: split(0.25)
  normalize: standardize
  loss: cross_entropy
  optimizer: adam(lr: 0.02)
  clip: norm(1.0)
  regularize: l2(1e-3)
  schedule: cosine(warmup: 1)
  batch: 8
  epochs: 3
  shuffle: true
  seed: 11
  metrics: [accuracy]
}
`;
    exportProgram(text, dir);
    const x = randomArray(32 * 4, 3, -2, 2);
    const rows = Array.from({ length: 32 }, (_, i) => [...Array.from(x.subarray(i * 4, i * 4 + 4), (v) => v.toFixed(3)), ['a', 'b', 'c'][i % 3]].join(','));
    writeFileSync(join(dir, 'data.csv'), `p,q,r,s,y\n${rows.join('\n')}\n`);
    const single = python(['train.py', '--json', '--weights-out', 'one.safetensors'], dir);
    const many = python([TORCHRUN, '--nproc_per_node=2', 'train.py', '--json', '--weights-out', 'two.safetensors'], dir, 240_000);
    const losses = (out: string): number[] => out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { loss: number }).loss);
    expect(losses(many)).toHaveLength(3);
    losses(many).forEach((l, e) => expect(Math.abs(l - losses(single)[e]!) / l).toBeLessThan(1e-5));
    const one = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'one.safetensors'))), 'one').tensors;
    const two = decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'two.safetensors'))), 'two').tensors;
    expect(two.map((t) => t.name)).toEqual(one.map((t) => t.name));
    one.forEach((t, i) => expect(relativeDiff(two[i]!.data, t.data), t.name).toBeLessThan(1e-5));
  }, 300_000);
});
