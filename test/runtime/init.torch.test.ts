import { describe, it, expect, beforeAll } from 'vitest';
import { calculateFans, calculateGain, initialize, type GainNonlinearity } from '../../src/runtime/init.js';
import { createRng } from '../../src/runtime/random.js';
import { runTorch, torchAvailable, expectClose } from './optim.torch-runner.js';

/**
 * torch.nn.init's own code on our random draws: orthogonal_'s QR path on the same N(0, 1) matrix,
 * trunc_normal_'s inverse-CDF path on the same uniforms, and its fan and gain tables.
 */
const SCRIPT = String.raw`
import json, math, sys, torch
from torch.nn import init
inp = json.load(sys.stdin)
torch.set_default_dtype(torch.float64)
orth = []
for c in inp['orthogonal']:
    rows, cols = c['rows'], c['cols']
    flat = torch.tensor(c['normals']).reshape(rows, cols)
    if rows < cols: flat.t_()
    q, r = torch.linalg.qr(flat)
    q *= torch.diag(r, 0).sign()
    if rows < cols: q.t_()
    orth.append((q * c['gain']).reshape(-1).tolist())
trunc = []
for c in inp['trunc']:
    mean, std = c['mean'], c['std']
    a, b = mean - 2 * std, mean + 2 * std
    cdf = lambda x: (1. + math.erf(x / math.sqrt(2.))) / 2.
    l, u = cdf((a - mean) / std), cdf((b - mean) / std)
    t = torch.tensor(c['uniforms']) * (2 * u - 2 * l) + (2 * l - 1)
    t.erfinv_(); t.mul_(std * math.sqrt(2.)); t.add_(mean); t.clamp_(min=a, max=b)
    trunc.append(t.tolist())
fans = [list(init._calculate_fan_in_and_fan_out(torch.empty(s))) for s in inp['shapes']]
gains = [init.calculate_gain(n, p) for n, p in inp['gains']]
print(json.dumps({'orthogonal': orth, 'trunc': trunc, 'fans': fans, 'gains': gains}))
`;

const orthogonalCases = [
  [5, 3, 1],
  [3, 5, 1],
  [8, 8, 2],
  [1, 6, 0.5],
  [12, 2, 1],
].map(([rows, cols, gain], k) => ({ rows, cols, gain, seed: 10 + k }));
const truncCases = [
  { mean: 0, std: 0.05, seed: 1 },
  { mean: -1, std: 2, seed: 2 },
];
const shapes = [[4, 3], [8, 3, 5, 5], [6, 2, 3], [2, 7, 1, 1]];
const gains: Array<[GainNonlinearity, number | null]> = [['linear', null], ['sigmoid', null], ['tanh', null], ['relu', null], ['leaky_relu', null], ['leaky_relu', 0.2], ['selu', null], ['conv2d', null]];

describe.skipIf(!torchAvailable())('initializers against torch.nn.init (PyTorch 1.13, float64)', () => {
  let torch: { orthogonal: number[][]; trunc: number[][]; fans: number[][]; gains: number[] };
  beforeAll(() => {
    torch = runTorch(SCRIPT, {
      orthogonal: orthogonalCases.map((c) => {
        const rng = createRng(c.seed);
        return { ...c, normals: Array.from({ length: c.rows * c.cols }, () => rng.normal()) };
      }),
      trunc: truncCases.map((c) => {
        const rng = createRng(c.seed);
        return { ...c, uniforms: Array.from({ length: 200 }, () => rng.uniform()) };
      }),
      shapes,
      gains,
    });
  });

  it.each(orthogonalCases.map((c, k) => [c.rows, c.cols, c.gain, k] as const))('orthogonal on [%i, %i] with gain %d equals torch\'s QR of the same normal draws', (rows, cols, gain, k) => {
    const out = new Float64Array(rows * cols);
    initialize('orthogonal', { gain }, [rows, cols], out, 0, createRng(orthogonalCases[k].seed));
    expect(expectClose(out, torch.orthogonal[k], 1e-10, 1e-12)).toBeNull();
  });

  it.each(truncCases.map((c, k) => [c.mean, c.std, k] as const))('truncated_normal(%d, %d) equals trunc_normal_\'s inverse-CDF map of the same uniforms', (mean, std, k) => {
    const out = new Float64Array(200);
    initialize('truncated_normal', { mean, std }, [200], out, 0, createRng(truncCases[k].seed));
    expect(expectClose(out, torch.trunc[k], 1e-10, 1e-13)).toBeNull();
  });

  it('computes the fans and gains of _calculate_fan_in_and_fan_out and calculate_gain', () => {
    expect(shapes.map((s) => { const f = calculateFans(s); return [f.fanIn, f.fanOut]; })).toEqual(torch.fans);
    expect(expectClose(gains.map(([n, p]) => calculateGain(n, p ?? undefined)), torch.gains, 1e-15, 0)).toBeNull();
  });
});
