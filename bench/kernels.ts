/**
 * `npm run bench:kernels`: single-threaded GFLOP/s of the gemm kernels (float32) for the shapes
 * of a dense layer (batch 128 × 784 → 256) and 1024³, each transposition; whether sharing one
 * kernel table between float32 and float64 slows the float32 path; and conv2d timings on a
 * batch of 28×28 CHW images. Times are the best of several runs of this process's CPU time
 * (`process.cpuUsage`), which, unlike wall time, does not count the time other processes hold
 * the core on a shared machine; the kernels are single-threaded, so CPU time is their time.
 */
import { createKernels } from '../src/runtime/kernels/index.js';
import type { Gemm, Kernels } from '../src/runtime/kernels/index.js';
import { createOps } from '../src/runtime/ops/index.js';
import type { Conv2dAttrs } from '../src/runtime/ops/index.js';
import { sizeOf } from '../src/runtime/tensor.js';

function fill(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37);
  return a;
}

/** Best-of-`reps` CPU seconds of one call of `fn` after a warm-up call. */
function time(fn: () => void, reps: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    best = Math.min(best, (d.user + d.system) / 1e6);
  }
  return best;
}

function gflops(k: Kernels, gemm: Gemm, m: number, n: number, kk: number, reps: number): number {
  const a = fill(m * kk);
  const b = fill(kk * n);
  const c = new Float32Array(m * n);
  const pack = new Float32Array(k.packSize(m, n, kk));
  return (2 * m * n * kk) / time(() => gemm(m, n, kk, a, 0, b, 0, c, 0, false, pack, 0), reps) / 1e9;
}

function row(label: string, cells: string[]): void {
  console.log(label.padEnd(28) + cells.map((c) => c.padStart(10)).join(''));
}

const k32 = createKernels('float32');
console.log('gemm, float32, one thread, GFLOP/s (best of several runs, CPU time)');
row('shape (m×k → n)', ['A·B', 'Aᵀ·B', 'A·Bᵀ']);
for (const [m, kk, n, reps] of [[128, 784, 256, 30], [64, 64, 64, 300], [1024, 1024, 1024, 5]]) {
  row(`${m}×${kk} → ${n}`, [k32.gemmNN, k32.gemmTN, k32.gemmNT].map((g) => gflops(k32, g, m, n, kk, reps).toFixed(2)));
}

// Polymorphism: one table fed both dtypes vs a table that only ever sees float32.
const shared = createKernels('float32');
const a64 = new Float64Array(256 * 256).fill(0.5);
shared.gemmNN(256, 256, 256, a64, 0, a64, 0, new Float64Array(256 * 256), 0, false, new Float64Array(shared.packSize(256, 256, 256)), 0);
const fresh = createKernels('float32');
console.log('\nfloat32 A·B 1024³ after float64 ran in this process (feedback is shared per source site)');
row('table used with both dtypes', [gflops(shared, shared.gemmNN, 1024, 1024, 1024, 3).toFixed(2)]);
row('table used with float32 only', [gflops(fresh, fresh.gemmNN, 1024, 1024, 1024, 3).toFixed(2)]);

const ops = createOps(createKernels('float32'));
console.log('\nconv2d, float32, batch 64, forward / backward ms (samples/s of forward+backward)');
for (const [inC, hw, outC] of [[1, 28, 16], [16, 14, 32]]) {
  const attrs: Conv2dAttrs = {
    batch: 64, inChannels: inC, height: hw, width: hw, outChannels: outC, kernelH: 3, kernelW: 3,
    strideH: 1, strideW: 1, padding: 'same', bias: true, activation: 'relu', alpha: 0,
  };
  const spec = ops.conv2d;
  const inputs = spec.inputs(attrs).map((s) => fill(sizeOf(s.shape)));
  const y = new Float32Array(sizeOf(spec.outputShape(attrs)));
  const ws = { saved: new Float32Array(spec.savedSize(attrs)), scratch: new Float32Array(spec.scratchSize(attrs)) };
  const grads = inputs.map((x) => new Float32Array(x.length));
  const gy = fill(y.length);
  const fwd = time(() => spec.forward(attrs, inputs, y, ws), 5);
  const bwd = time(() => spec.backward(attrs, inputs, y, gy, grads, ws), 5);
  row(`${inC}×${hw}×${hw} → ${outC}, 3×3 same`, [(fwd * 1e3).toFixed(2), (bwd * 1e3).toFixed(2), (64 / (fwd + bwd)).toFixed(0)]);
}
