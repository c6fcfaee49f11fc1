/**
 * Worker threads for the CLI (and Node programs): `nodeSpawn` starts the library's worker
 * source on `node:worker_threads`, and `threadsFlag` reads `--threads N`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { KernelChoice } from '../plan/index.js';
import type { Spawn } from '../runtime/wasm/threads.js';
import { UserError } from './io.js';

// The worker source is written for browser worker globals; this gives it `self.onmessage`.
const SHIM = `const self = { set onmessage(f) { if (f) require("node:worker_threads").parentPort.once("message", (data) => f({ data })); } };\n`;

/**
 * Starts a worker thread running `source` (the library's `WORKER_SOURCE`), unref'd so a
 * process whose main work is done exits without waiting for its idle workers.
 */
export const nodeSpawn: Spawn = (source) => {
  const w = new Worker(SHIM + source, { eval: true });
  w.unref();
  return w;
};

/** Help text of `--threads`, shared by the commands that run a plan. */
export const THREADS_HELP = `  --threads N      threads for the wasm kernels' large matrix products (default: all
                   cores, ${availableParallelism()} here; 1 = no worker threads)`;

/**
 * The `--threads` value: a positive integer; default all cores with wasm kernels, 1 with ts
 * (whose kernels run on one thread: asking for more with ts is an error).
 */
export function threadsFlag(command: string, value: unknown, kernels: KernelChoice): number {
  if (value === undefined) return kernels === 'wasm' ? availableParallelism() : 1;
  const s = String(value);
  const n = /^\s*\d+\s*$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UserError(`nn ${command}: --threads must be a whole number of at least 1, got '${s}'`, 2);
  if (n > 1 && kernels === 'ts') throw new UserError(`nn ${command}: --threads ${n} needs the wasm kernels (the TypeScript kernels run on one thread); drop --threads or use --kernels wasm`, 2);
  return n;
}
