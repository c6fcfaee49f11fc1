import { describe, it, expect, beforeAll } from 'vitest';
import { clipByGlobalNorm, type FlatSegment } from '../../src/runtime/clip.js';
import { createRng } from '../../src/runtime/random.js';
import { runTorch, torchAvailable, expectClose } from './optim.torch-runner.js';

const SCRIPT = String.raw`
import json, sys, torch
out = []
for c in json.load(sys.stdin):
    ts = [torch.zeros(n, dtype=torch.float64, requires_grad=True) for n in c['sizes']]
    k = 0
    for t in ts:
        t.grad = torch.tensor(c['grads'][k:k+t.numel()], dtype=torch.float64); k += t.numel()
    total = torch.nn.utils.clip_grad_norm_(ts, c['max_norm'])
    out.append({'total': float(total), 'grads': torch.cat([t.grad for t in ts]).tolist()})
print(json.dumps(out))
`;

interface Case {
  sizes: number[];
  grads: number[];
  max_norm: number;
}

const rng = createRng(2024);
const cases: Case[] = [
  { sizes: [3, 2], max_norm: 1 },
  { sizes: [5], max_norm: 100 },
  { sizes: [4, 4, 1], max_norm: 0.5 },
  { sizes: [2, 6], max_norm: 3 },
  { sizes: [1], max_norm: 1e-3 },
].map(({ sizes, max_norm }) => ({
  sizes,
  max_norm,
  grads: Array.from({ length: sizes.reduce((a, b) => a + b, 0) }, () => 2 * rng.normal()),
}));
// a total norm exactly at max_norm: torch still scales by max/(max + 1e-6)
cases.push({ sizes: [2], grads: [3, 4], max_norm: 5 });
cases.push({ sizes: [3], grads: [0, 0, 0], max_norm: 1 });

describe.skipIf(!torchAvailable())('clip_grad_norm_ against PyTorch 1.13 (float64)', () => {
  let expected: Array<{ total: number; grads: number[] }> = [];
  beforeAll(() => {
    expected = runTorch(SCRIPT, cases);
  });

  it.each(cases.map((c, k) => [c.sizes, c.max_norm, k] as const))('tensors of sizes %j clipped to %d give torch\'s total norm and gradients', (sizes, maxNorm, k) => {
    const g = Float64Array.from(cases[k].grads);
    let offset = 0;
    const segments: FlatSegment[] = sizes.map((length) => {
      const s = { offset, length };
      offset += length;
      return s;
    });
    const total = clipByGlobalNorm(g, maxNorm, segments);
    expect(expectClose([total], [expected[k].total])).toBeNull();
    expect(expectClose(g, expected[k].grads)).toBeNull();
  });
});
