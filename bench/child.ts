/** What one benchmark child process does: a throughput run, the W1 peak-RSS run, or the allocation run. */
import { loadTfjs, planSetup, planStep, tfjsStep, type Framework, type TfjsMode } from './frameworks.js';
import { allocatedBytesPerStep, measureThroughput, type Step, type TimingOptions } from './measure.js';
import type { KernelChoice } from '../src/plan/index.js';
import { workload, type WorkloadId } from './workloads.js';

/** A request from the parent. */
export type ChildRequest =
  | { readonly kind: 'throughput'; readonly workload: WorkloadId; readonly framework: Framework; readonly timing: TimingOptions; readonly chooseMode: boolean }
  | { readonly kind: 'rss'; readonly workload: WorkloadId; readonly seconds: number; readonly kernels: KernelChoice; readonly threads?: number }
  | { readonly kind: 'alloc'; readonly workloads: readonly WorkloadId[]; readonly steps: number };

/** The child's answer (one JSON line on stdout). */
export type ChildResult =
  | { readonly kind: 'throughput'; readonly stepsPerSecond: number[]; readonly stepsPerCpuSecond: number[]; readonly stepsPerRun: number[]; readonly note?: string }
  | { readonly kind: 'rss'; readonly peakRss: number; readonly baselineRss: number; readonly planBytes: number }
  | { readonly kind: 'alloc'; readonly rows: { label: string; bytes: number | null }[] }
  | { readonly kind: 'error'; readonly message: string };

/** Seconds per step of a few steps after one warm-up step. */
async function secondsPerStep(step: Step, steps: number): Promise<number> {
  await step();
  const t = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (performance.now() - t) / 1000 / steps;
}

/** The faster of trainOnBatch and a minimize loop for this workload, by a short trial of each. */
async function fastestTfjs(tf: Awaited<ReturnType<typeof loadTfjs>>, id: WorkloadId, choose: boolean): Promise<{ step: Step; note: string }> {
  const w = workload(id);
  const modes: TfjsMode[] = w.tfjs.clipNorm !== null ? ['minimize'] : choose ? ['trainOnBatch', 'minimize'] : ['minimize'];
  if (modes.length === 1) return { step: tfjsStep(tf, w, modes[0]), note: modes[0] };
  const trial: [TfjsMode, number][] = [];
  for (const m of modes) {
    const s = tfjsStep(tf, w, m);
    const one = await secondsPerStep(s, 1);
    trial.push([m, one > 0.5 ? one : await secondsPerStep(s, Math.max(2, Math.ceil(0.3 / one)))]);
  }
  trial.sort((a, b) => a[1] - b[1]);
  return { step: tfjsStep(tf, w, trial[0][0]), note: `${trial[0][0]} (trial ms/step: ${trial.map(([m, t]) => `${m} ${(t * 1e3).toFixed(2)}`).join(', ')})` };
}

async function throughput(req: Extract<ChildRequest, { kind: 'throughput' }>): Promise<ChildResult> {
  const w = workload(req.workload);
  let step: Step;
  let note: string | undefined;
  const setup = planSetup(req.framework);
  if (setup) {
    const p = planStep(w, setup.kernels, setup.threads);
    await p.ready;
    step = p.step;
    if (setup.threads > 1) note = `${setup.threads} threads; CPU time counts every thread`;
  } else {
    const tf = await loadTfjs(req.framework === 'tfjs-wasm' ? 'wasm' : 'cpu');
    ({ step, note } = await fastestTfjs(tf, w.id, req.chooseMode));
  }
  const t = await measureThroughput(step, req.timing);
  return { kind: 'throughput', stepsPerSecond: [...t.stepsPerSecond], stepsPerCpuSecond: [...t.stepsPerCpuSecond], stepsPerRun: [...t.stepsPerRun], note };
}

async function rss(req: Extract<ChildRequest, { kind: 'rss' }>): Promise<ChildResult> {
  const baselineRss = process.memoryUsage().rss;
  const { plan, step, ready } = planStep(workload(req.workload), req.kernels, req.threads ?? 1);
  await ready;
  const t0 = performance.now();
  while (performance.now() - t0 < req.seconds * 1000) step();
  const planBytes = (plan.paramData.length + plan.bufferData.length) * 4;
  return { kind: 'rss', peakRss: process.resourceUsage().maxRSS * 1024, baselineRss, planBytes };
}

async function alloc(req: Extract<ChildRequest, { kind: 'alloc' }>): Promise<ChildResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { kind: 'error', message: 'the allocation child needs node --expose-gc' };
  const rows: { label: string; bytes: number | null }[] = [];
  // Warm-up long enough for V8 to finish optimizing the step (a plan whose products run in
  // WebAssembly has little JavaScript, which the JIT optimizes late: after 300 steps W1 on wasm
  // still boxed a few numbers per step, after 3,000 none), bounded in time so the slow W4 step
  // does not take minutes; window lengths bounded likewise.
  const measure = async (label: string, step: () => void): Promise<void> => {
    const t0 = performance.now();
    let warm = 0;
    while (warm < 5 || (warm < 3000 && performance.now() - t0 < 4000)) { step(); warm++; }
    const perStep = (performance.now() - t0) / warm;
    const steps = Math.max(8, Math.min(req.steps, Math.ceil(1000 / perStep)));
    rows.push({ label, bytes: await allocatedBytesPerStep(step, steps, gc) });
  };
  // The control keeps its array reachable, so escape analysis cannot remove the allocation.
  let sink = 0;
  let held = new Float32Array(0);
  await measure('control: empty step', () => { sink++; });
  await measure('control: a step allocating one Float32Array(256)', () => { held = new Float32Array(256); });
  for (const id of req.workloads) {
    const w = workload(id);
    await measure(`plan ${id} trainStep`, planStep(w).step);
    await measure(`plan-wasm ${id} trainStep`, planStep(w, 'wasm').step);
    if (id === 'W1') {
      const two = planStep(w, 'wasm', 2);
      await two.ready;
      await measure(`plan-wasm-2t ${id} trainStep`, two.step);
      two.plan.dispose();
    }
    if (id === req.workloads[0]) {
      const { step } = planStep(w);
      await measure(`control: plan ${id} trainStep + one Float32Array(256)`, () => { step(); held = new Float32Array(256); });
    }
  }
  if (sink < 0 || held.length < 0) rows.push({ label: 'unreachable', bytes: sink });
  return { kind: 'alloc', rows };
}

/** Runs one request in this process. */
export async function runChild(req: ChildRequest): Promise<ChildResult> {
  try {
    if (req.kind === 'throughput') return await throughput(req);
    if (req.kind === 'rss') return await rss(req);
    return await alloc(req);
  } catch (e) {
    return { kind: 'error', message: e instanceof Error ? `${e.message}` : String(e) };
  }
}
