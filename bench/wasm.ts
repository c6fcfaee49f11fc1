/**
 * `npm run bench:wasm`: single-threaded float32 GFLOP/s of the plain TypeScript gemm against the
 * WebAssembly SIMD gemm (zero copy: operands allocated in the kernel memory; and the copying
 * path, operands in ordinary Float32Arrays), for 1024³ and a dense layer (batch 128 × 784 →
 * 256), each transposition. Each figure is from the process's CPU time (`process.cpuUsage`,
 * which unlike wall time does not count time other processes hold the core on a shared
 * machine); the best and the median of the repeats are shown as `best/median`.
 * `--sweep` instead times 1024³ A·B for a range of tile and block shapes. `--threads N` instead
 * times products from 64³ to 1024³ (and W1's) on one thread and on N, every product split, by
 * wall time (CPU time counts every thread): where splitting starts to pay (`PARALLEL_MACS`).
 */
import { nodeSpawn } from '../src/cli/threads.js';
import { createKernels } from '../src/runtime/kernels/index.js';
import type { Gemm, Kernels } from '../src/runtime/kernels/index.js';
import { createWasmKernels, DEFAULT_SHAPE } from '../src/runtime/wasm/index.js';
import type { GemmShape, WasmKernels } from '../src/runtime/wasm/index.js';

function fill(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37);
  return a;
}

/** CPU seconds of each of `reps` calls of `fn`, after `warm` untimed calls (wasm tier-up), sorted. */
function times(fn: () => void, reps: number, warm = 2): number[] {
  for (let i = 0; i < warm; i++) fn();
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    out.push((d.user + d.system) / 1e6);
  }
  return out.sort((x, y) => x - y);
}

type Alloc = (n: number) => Float32Array;
type Kind = 'gemmNN' | 'gemmTN' | 'gemmNT';

function gflops(k: Kernels, gemm: Gemm, alloc: Alloc, m: number, n: number, kk: number, reps: number): [number, number] {
  const a = fill(alloc(m * kk));
  const b = fill(alloc(kk * n));
  const c = alloc(m * n);
  const pack = new Float32Array(k.packSize(m, n, kk));
  const t = times(() => gemm(m, n, kk, a, 0, b, 0, c, 0, false, pack, 0), reps);
  const f = (s: number): number => (2 * m * n * kk) / s / 1e9;
  return [f(t[0]), f(t[Math.floor(t.length / 2)])];
}

function row(label: string, cells: string[]): void {
  console.log(label.padEnd(34) + cells.map((c) => c.padStart(14)).join(''));
}

const fmt = ([best, median]: [number, number]): string => `${best.toFixed(1)}/${median.toFixed(1)}`;
const plain: Alloc = (n) => new Float32Array(n);
const shapes: [number, number, number, number][] = [[1024, 1024, 1024, 7], [128, 784, 256, 41]];

function must(k: WasmKernels | null): WasmKernels {
  if (!k) throw new Error('bench:wasm: this engine has no WebAssembly SIMD');
  return k;
}

/** Best wall seconds of `reps` calls of `fn` after `warm` untimed ones. */
function wall(fn: () => void, reps: number, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return best;
}

async function threadSweep(threads: number): Promise<void> {
  const floats = 3 * 1024 * 1024 + 64;
  const one = must(createWasmKernels({ arenaFloats: floats, shape: { fma: false } }));
  const many = must(createWasmKernels({ arenaFloats: floats, shape: { fma: false }, threads, spawn: nodeSpawn, parallelMacs: 0 }));
  const t0 = performance.now();
  while (many.readyThreads() < many.threads && performance.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 5));
  console.log(`gemm A·Bᵀ, float32, wall-time GFLOP/s (best of the repeats), 1 thread vs ${many.readyThreads()} threads, every product split`);
  row('m×n×k (multiply-adds)', ['1 thread', `${threads} threads`, 'ratio']);
  const sizes: [number, number, number][] = [[32, 32, 32], [64, 64, 64], [64, 128, 64], [128, 128, 128], [128, 10, 256], [128, 256, 256], [128, 256, 784], [256, 784, 128], [512, 512, 512], [1024, 1024, 1024]];
  const ops = [one, many].map((k) => ({ k, a: fill(k.alloc(1024 * 1024)), b: fill(k.alloc(1024 * 1024)), c: k.alloc(1024 * 1024) }));
  for (const [m, n, kk] of sizes) {
    const reps = Math.max(5, Math.min(400, Math.round(2e8 / (m * n * kk))));
    const [s1, sN] = ops.map(({ k, a, b, c }) => wall(() => k.gemmNT(m, n, kk, a, 0, b, 0, c, 0, false, a, 0), reps));
    const g = (s: number): string => ((2 * m * n * kk) / s / 1e9).toFixed(1);
    row(`${m}×${n}×${kk} (${(m * n * kk / 1e6).toFixed(2)}M)`, [g(s1), g(sN), `${(s1 / sN).toFixed(2)}x`]);
  }
  many.dispose();
}

const threadsAt = process.argv.indexOf('--threads');
if (threadsAt >= 0) {
  await threadSweep(Math.max(2, Number(process.argv[threadsAt + 1] ?? 2)));
} else if (process.argv.includes('--sweep')) {
  console.log('1024³ A·B, zero copy, GFLOP/s best/median, by tile and blocks');
  const tries: Partial<GemmShape>[] = [
    {}, { mr: 5, mc: 80 }, { mr: 3, nr: 12, mc: 63, nc: 1032 }, { mr: 2, nr: 16 }, { unroll: 2 }, { unroll: 4 },
    { kc: 128 }, { kc: 512 }, { mc: 128 }, { mc: 32 }, { nc: 512 }, { nc: 2048 },
  ];
  for (const t of tries) {
    const s = { ...DEFAULT_SHAPE, ...t };
    const w = must(createWasmKernels({ shape: s, arenaFloats: 3 * 1024 * 1024 + 64 }));
    row(JSON.stringify(t), [fmt(gflops(w, w.gemmNN, (n) => w.alloc(n), 1024, 1024, 1024, 5))]);
  }
} else {
  const ts = createKernels('float32');
  const wasm = must(createWasmKernels({ arenaFloats: 3 * 1024 * 1024 + 64 }));
  console.log(`gemm, float32, one thread, GFLOP/s best/median (CPU time); wasm tile ${wasm.shape.mr}×${wasm.shape.nr}, ${wasm.shape.fma ? 'relaxed-SIMD FMA' : 'mul+add (no relaxed SIMD)'}`);
  row('shape (m×k → n), kernels', ['A·B', 'Aᵀ·B', 'A·Bᵀ']);
  for (const [m, kk, n, reps] of shapes) {
    const kinds = (k: Kernels): Gemm[] => [k.gemmNN, k.gemmTN, k.gemmNT];
    row(`${m}×${kk} → ${n}, TypeScript`, kinds(ts).map((g) => fmt(gflops(ts, g, plain, m, n, kk, m === 1024 ? 3 : reps))));
    // A fresh table per shape sized for its operands of the three transpositions (growing would detach earlier views).
    const w = must(createWasmKernels({ arenaFloats: 3 * (m * kk + kk * n + m * n + 16) }));
    row(`${m}×${kk} → ${n}, wasm SIMD zero copy`, kinds(w).map((g) => fmt(gflops(w, g, (x) => w.alloc(x), m, n, kk, reps))));
    row(`${m}×${kk} → ${n}, wasm SIMD copying`, kinds(wasm).map((g) => fmt(gflops(wasm, g, plain, m, n, kk, reps))));
  }
  // The three products of a dense layer 784 → 256 at batch 128 (W stored [out×in] as in PyTorch).
  console.log('\ndense 784 → 256, batch 128: forward X·Wᵀ, grad input dZ·W, grad weight dZᵀ·X');
  row('kernels', ['X·Wᵀ', 'dZ·W', 'dZᵀ·X']);
  const dense: [Kind, number, number, number][] = [['gemmNT', 128, 256, 784], ['gemmNN', 128, 784, 256], ['gemmTN', 256, 784, 128]];
  const w = must(createWasmKernels({ arenaFloats: 3 * (128 * 784 + 784 * 256 + 128 * 256 + 16) }));
  row('TypeScript', dense.map(([g, m, n, kk]) => fmt(gflops(ts, ts[g], plain, m, n, kk, 21))));
  row('wasm SIMD zero copy', dense.map(([g, m, n, kk]) => fmt(gflops(w, w[g], (x) => w.alloc(x), m, n, kk, 41))));
}
