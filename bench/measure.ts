/**
 * Timing and allocation measurement shared by every framework in `npm run bench`.
 *
 * Throughput: after a warm-up, each run calls `step` until a fixed wall time has passed and
 * counts steps; the figure is the median over runs. A step slower than the run time (tfjs-cpu
 * on W4) gets fewer, one-step runs so the benchmark still ends. CPU time (`process.cpuUsage`)
 * is recorded beside wall time: on a shared, loaded machine it shows what the core did.
 *
 * Allocations: the bytes the V8 heap and array-buffer stores grow by over N steps, with the
 * young generation made large enough (`--max-semi-space-size`) that no collection runs inside
 * the window; a GC observer rejects a window in which one did run (it would hide allocations).
 */
import { PerformanceObserver } from 'node:perf_hooks';

/** One training step; tfjs' trainOnBatch is asynchronous, the plan and tfjs minimize loops are not. */
export type Step = () => unknown;

/** Throughput of one framework on one workload. */
export interface Throughput {
  /** Steps per wall-clock second, one figure per run. */
  readonly stepsPerSecond: readonly number[];
  /** Steps per CPU second of this process, one figure per run. */
  readonly stepsPerCpuSecond: readonly number[];
  /** Steps per run (1 when a step outlasts the run time). */
  readonly stepsPerRun: readonly number[];
}

/** How long to measure. */
export interface TimingOptions {
  readonly warmupSeconds: number;
  readonly runSeconds: number;
  readonly runs: number;
}

async function call(step: Step): Promise<void> {
  const r = step();
  if (r instanceof Promise) await r;
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Warm-up, then `runs` runs of at least `runSeconds` each (fewer runs when one step outlasts a run). */
export async function measureThroughput(step: Step, o: TimingOptions): Promise<Throughput> {
  const w0 = performance.now();
  let warmSteps = 0;
  while (warmSteps < 3 || (performance.now() - w0) / 1000 < o.warmupSeconds) {
    await call(step);
    warmSteps++;
    if ((performance.now() - w0) / 1000 > o.runSeconds && warmSteps >= 1) break;
  }
  const perStep = (performance.now() - w0) / 1000 / warmSteps;
  const runs = perStep > o.runSeconds ? Math.max(1, Math.min(o.runs, Math.ceil((o.runs * o.runSeconds) / perStep))) : o.runs;
  const wall: number[] = [];
  const cpu: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    let elapsed = 0;
    do {
      await call(step);
      n++;
      elapsed = (performance.now() - t0) / 1000;
    } while (elapsed < o.runSeconds);
    const c = process.cpuUsage(c0);
    wall.push(n / elapsed);
    cpu.push(n / ((c.user + c.system) / 1e6));
    counts.push(n);
  }
  return { stepsPerSecond: wall, stepsPerCpuSecond: cpu, stepsPerRun: counts };
}

function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Bytes allocated per call of a synchronous `step`, in steady state (call it after a warm-up).
 * Measures windows of n and 2n steps and divides their difference by n, which cancels the fixed
 * cost of the measurement itself; the smallest of three such estimates. `gc` forces a full collection (node --expose-gc). Retries with
 * fewer steps when a collection ran inside a window; returns null when every try saw one.
 */
export async function allocatedBytesPerStep(step: () => void, steps: number, gc: () => void): Promise<number | null> {
  const collections: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) collections.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  const window = async (n: number): Promise<number | null> => {
    gc();
    gc();
    await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    const before = heapBytes();
    for (let i = 0; i < n; i++) step();
    const after = heapBytes();
    const t1 = performance.now();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    return collections.some((t) => t >= t0 && t <= t1) ? null : after - before;
  };
  try {
    // Background work (a finished optimizing compile installing its code) can only add bytes,
    // a real per-step allocation shows in every try: keep the smallest of three estimates.
    let best: number | null = null;
    for (let n = steps, tries = 0; n >= 8 && tries < 3;) {
      const one = await window(n);
      const two = one === null ? null : await window(2 * n);
      if (one !== null && two !== null) {
        const est = Math.max(0, two - one) / n;
        best = best === null ? est : Math.min(best, est);
        tries++;
      } else n = Math.floor(n / 4);
    }
    return best;
  } finally {
    observer.disconnect();
  }
}

/**
 * `allocatedBytesPerStep` again after each further warm-up (20·`steps` calls and a pause) until
 * an estimate is under `below`, at most `rounds` times; the smallest estimate. On a loaded
 * machine V8's optimizing compiles run late on their background thread, and until they land the
 * step runs in code that boxes its doubles: a few hundred warm-up calls are not always steady
 * state. A real per-step allocation stays in every round.
 */
export async function settledBytesPerStep(step: () => void, steps: number, gc: () => void, below: number, rounds = 5): Promise<number | null> {
  let best: number | null = null;
  for (let r = 0; r < rounds; r++) {
    const bytes = await allocatedBytesPerStep(step, steps, gc);
    if (bytes !== null) best = best === null ? bytes : Math.min(best, bytes);
    if (best !== null && best < below) break;
    for (let i = 0; i < 20 * steps; i++) step();
    await new Promise((res) => setTimeout(res, 20));
  }
  return best;
}
