/**
 * The plan's code: `function build(seed, kernels?)` creating storage, initializing parameters from the
 * seed, and returning the plan object (train step, evaluate, predict, monitors, state, weights).
 * The same text serves the standalone TypeScript module and, without annotations, the
 * in-process plan (one execution path).
 */
import type { Plan } from '../planner/types.js';
import { CodeWriter, commentText, lit, type Flavor } from './code.js';
import { arenaFloats, inputFeedsProduct, KERNELS_TYPE } from './arena.js';
import { tanhHelper, usesTanh } from './dense.js';
import {
  backwardLines, bindInputs, declareBackward, declarePhase, forwardLines, Names, setBatchLines,
} from './steps.js';

function declareStorage(w: CodeWriter, plan: Plan): void {
  const inputSize = plan.inputShape.reduce((a, b) => a * b, 1);
  w.line(`// the kernel table: every matrix product below goes through it, so another table swaps them all`);
  w.line(`const K${w.t(KERNELS_TYPE)} = kernels ?? rt.createKernels("float32");`);
  w.line(`const ops = rt.createOps(K);`);
  w.line(`// float32 storage: with a table that allocates (WebAssembly), views of one arena in its memory, so`);
  w.line(`// every product runs in place; plain arrays otherwise. Offsets stay multiples of 4 floats (16 bytes).`);
  w.line(`const ARENA${w.t('Float32Array | null')} = K.alloc !== undefined ? K.alloc(${arenaFloats(plan)}) : null;`);
  w.line(`let arenaTop = 0;`);
  w.open(`function f32(size${w.t('number')})${w.t('Float32Array')}`);
  w.line('if (ARENA === null) return new Float32Array(size);');
  w.line('const v = ARENA.subarray(arenaTop, arenaTop + size);');
  w.line('arenaTop += Math.ceil(size / 4) * 4;');
  w.line('return v;');
  w.close();
  w.line(`const P = f32(${plan.paramCount});`);
  w.line(`const G = f32(${plan.paramCount});`);
  w.line(`const B = f32(${plan.bufferCount});`);
  w.line(`const SCRATCH = f32(${plan.scratch});`);
  if (inputFeedsProduct(plan)) {
    w.line(`// the input is copied into the arena once per call, so the first layer's products run in place too`);
    w.line(`const XIN = ARENA === null ? null : f32(${plan.capacity * inputSize});`);
  }
  w.line(`const EMPTY = new Float32Array(0);`);
  w.line(`const SEED = new Float32Array([1]);`);
  w.line(`const GN = new Float64Array(${plan.paramLayers.length});`);
  w.line(`const LSE = new Float64Array(${plan.capacity});`);
  w.line(`const root = rt.createRng(seed);`);
  w.line(`const initRng = root.fork(0);`);
  w.line(`const dropRng = root.fork(1);`);
  for (const p of plan.params) {
    w.line(`rt.initialize(${lit(p.init.name)}, ${lit(p.init.args)}, ${lit(p.shape)}, ${p.trainable ? 'P' : 'B'}, ${p.offset}, initRng);`);
  }
  w.line(`// with an arena the optimizer's slots live in it too, and a WebAssembly table updates them in place`);
  // the layers' boundaries in P: a threaded table splits the update layer by layer
  const layers = [...plan.paramLayers.map((l) => l.offset), plan.paramCount];
  w.line(`const opt = rt.createOptimizer(${lit(plan.optimizer.name)}, ${lit(plan.optimizer.args)}, ${plan.paramCount}, "float32", ARENA === null ? undefined : rt.optimizerBackend(K, f32, ${lit(layers)}));`);
  w.line(`let lr = ${lit(plan.optimizer.args['lr'] ?? 0.01)};`);
  plan.regularizers.forEach((r, i) => {
    w.line(`const REG_ARGS${i} = ${lit(r.args)};`);
    w.line(`const REG_SEGS${i} = ${lit(r.segments)};`);
  });
  if (plan.clip) {
    w.line(`const CLIP_ARGS = ${lit(plan.clip.args)};`);
    w.line(`const CLIP_SEGS = ${lit(plan.params.filter((p) => p.trainable).map((p) => ({ offset: p.offset, length: p.length })))};`);
  }
}

/** With an arena, copies the live input into it and uses the copy from here on (a loop: nothing allocated). */
function stageInput(w: CodeWriter, plan: Plan): void {
  if (!inputFeedsProduct(plan)) return;
  const inputSize = plan.inputShape.reduce((a, b) => a * b, 1);
  w.open('if (XIN !== null)');
  // a whole array is one block copy (a W1 batch: ~10 µs against ~65 element by element)
  w.line(`const m = n * ${inputSize};`);
  w.line('if (x.length === m) XIN.set(x);');
  w.line('else for (let i = 0; i < m; i++) XIN[i] = x[i];');
  w.line('x = XIN;');
  w.close();
}

function trainStep(w: CodeWriter, names: Names, plan: Plan, ids: ReturnType<typeof declarePhase>): void {
  const t = plan.train;
  w.line('// trainStep returns this one object, updated in place by every call (no allocation per step)');
  w.line(`const RESULT = { loss: 0, dataLoss: 0, gradNorm: 0 };`);
  w.open(`function trainStep(x${w.t('Float32Array')}, y${w.t('Float32Array')}, n${w.t('number')})${w.t('rt_StepResult')}`);
  w.line('checkBatch(x, y, n, true);');
  w.line('setBatch(n);');
  stageInput(w, plan);
  bindInputs(w, names, ids, 'S', true);
  forwardLines(w, names, ids, 'S', ids.length);
  w.line(`const dataLoss = ${names.ref(t.loss, 'S')}[0];`);
  w.line('lastN = n;');
  w.line('actLayer = dataLoss - dataLoss === 0 ? null : scanActivations(n);');
  backwardLines(w, names, t.backward, ids, plan.params.filter((p) => p.trainable));
  w.line('let penalty = 0;');
  plan.regularizers.forEach((r, i) => w.line(`penalty += rt.regularize(${lit(r.name)}, REG_ARGS${i}, P, G, REG_SEGS${i});`));
  w.line('let total = 0;');
  // Four running sums: one would wait on each add's latency (the loop ran at ~0.65 ns an element).
  plan.paramLayers.forEach((l, i) => {
    const end = l.offset + l.length;
    w.open('');
    w.line(`let a0 = 0, a1 = 0, a2 = 0, a3 = 0, i = ${l.offset};`);
    w.line(`for (; i + 4 <= ${end}; i += 4) { const g0 = G[i], g1 = G[i + 1], g2 = G[i + 2], g3 = G[i + 3]; a0 += g0 * g0; a1 += g1 * g1; a2 += g2 * g2; a3 += g3 * g3; }`);
    w.line(`for (; i < ${end}; i++) { const g = G[i]; a0 += g * g; }`);
    w.line(`const s = (a0 + a1) + (a2 + a3);`);
    w.line(`GN[${i}] = s; total += s; // ${commentText(l.layer)}`);
    w.close();
  });
  if (plan.clip) w.line(`rt.clip(${lit(plan.clip.name)}, CLIP_ARGS, G, CLIP_SEGS);`);
  w.line('opt.step(P, G, lr);');
  w.line('RESULT.loss = dataLoss + penalty;');
  w.line('RESULT.dataLoss = dataLoss;');
  w.line('RESULT.gradNorm = Math.sqrt(total);');
  w.line('return RESULT;');
  w.close();
}

function evalFunctions(w: CodeWriter, names: Names, plan: Plan, ids: ReturnType<typeof declarePhase>): void {
  const e = plan.eval;
  const lossIndex = ids.findIndex((s) => s.step.output === e.loss);
  const out = names.ref(e.output, 'E');
  w.open(`function runInference(x${w.t('Float32Array')}, y${w.t('Float32Array | null')}, n${w.t('number')})${w.t('void')}`);
  w.line('setBatch(n);');
  stageInput(w, plan);
  bindInputs(w, names, ids, 'E', false);
  forwardLines(w, names, ids, 'E', lossIndex);
  w.open('if (y !== null)');
  bindInputs(w, names, ids.slice(lossIndex), 'E', true);
  forwardLines(w, names, ids.slice(lossIndex), 'E', ids.length - lossIndex);
  w.close();
  w.close();
  w.line('// evaluate returns this one object and the outputs as views made once per batch size (valid until the next call)');
  w.line(`const EVAL${w.t('{ loss: number; output: Float32Array }')} = { loss: 0, output: EMPTY };`);
  w.line(`const OUT_E${w.t('Float32Array[]')} = [];`);
  w.line(`const OUT_S${w.t('Float32Array[]')} = [];`);
  w.open(`function evaluate(x${w.t('Float32Array')}, y${w.t('Float32Array')}, n${w.t('number')})${w.t('{ loss: number; output: Float32Array }')}`);
  w.line('checkBatch(x, y, n, true);');
  w.line('runInference(x, y, n);');
  w.line(`EVAL.loss = ${names.ref(e.loss, 'E')}[0];`);
  w.line(`EVAL.output = OUT_E[n] ??= ${out}.subarray(0, n * ${plan.outputShape.reduce((a, b) => a * b, 1)});`);
  w.line('return EVAL;');
  w.close();
  w.open(`function predict(x${w.t('Float32Array')}, n${w.t('number')})${w.t('Float32Array')}`);
  w.line('checkBatch(x, null, n, false);');
  w.line('runInference(x, null, n);');
  w.line(`return OUT_E[n] ??= ${out}.subarray(0, n * ${plan.outputShape.reduce((a, b) => a * b, 1)});`);
  w.close();
}

/** Writes `function build(seed, kernels?)` (kernels: the kernel table, default the runtime's plain one); in the TypeScript flavor its return type is `CompiledPlan`. */
export function emitBuild(plan: Plan, flavor: Flavor): string {
  const w = new CodeWriter(flavor);
  const names = new Names(w);
  const inputSize = plan.inputShape.reduce((a, b) => a * b, 1);
  const outputSize = plan.outputShape.reduce((a, b) => a * b, 1);
  w.open(`function build(seed${w.t('number')}, kernels${w.flavor === 'ts' ? `?: ${KERNELS_TYPE}` : ''})${w.t('CompiledPlan')}`);
  declareStorage(w, plan);
  const body = new CodeWriter(flavor);
  const bodyNames = new Names(body);
  const trainIds = declarePhase(bodyNames, plan.train, 'S');
  declareBackward(bodyNames, plan.train.backward, trainIds);
  const evalIds = declarePhase(bodyNames, plan.eval, 'E');
  // views are declared once the steps have named them
  for (const d of bodyNames.viewDecls) w.line(d);
  for (const l of body.text().trimEnd().split('\n')) w.line(l);
  w.line(`if (ARENA !== null && arenaTop !== ${arenaFloats(plan)}) throw new Error("plan: arena layout mismatch");`);
  if (usesTanh(plan.train.forward) || usesTanh(plan.eval.forward)) tanhHelper(w);
  w.line(`let curN = -1;`);
  w.line(`let lastN = 0;`);
  w.line(`let actLayer${w.t('string | null')} = null;`);
  w.open(`function setBatch(n${w.t('number')})${w.t('void')}`);
  w.line('if (n === curN) return;');
  w.line('curN = n;');
  setBatchLines(w, trainIds);
  setBatchLines(w, evalIds);
  w.close();
  w.open(`function checkBatch(x${w.t('Float32Array')}, y${w.t('Float32Array | null')}, n${w.t('number')}, withTarget${w.t('boolean')})${w.t('void')}`);
  w.line('if (ARENA !== null && ARENA.length === 0) throw new Error("plan: the kernel memory grew after this plan was built and its buffers are detached; give every plan its own kernels, created with arenaFloats of at least " + ' + arenaFloats(plan) + ');');
  w.line(`if (!(Number.isInteger(n) && n >= 1 && n <= ${plan.capacity})) throw new RangeError("batch size " + n + " is outside 1.." + ${plan.capacity});`);
  w.line(`if (x.length < n * ${inputSize}) throw new RangeError("x holds " + x.length + " values, expected " + n * ${inputSize});`);
  w.line(`if (withTarget && (y === null || y.length < n * ${plan.targetSize})) throw new RangeError("y holds too few values for " + n + " samples");`);
  w.close();
  const acts = plan.train.activations.map((a) => `[${names.ref(a.ref, 'S')}, ${lit(a.ref.kind === 'slot' ? a.ref.perSample : 0)}, ${lit(a.ref.kind === 'slot' ? a.ref.length : 0)}, ${lit(a.layer)}]`);
  w.line(`const ACTS${w.t('[rt.FloatArray, number, number, string][]')} = [${acts.join(', ')}];`);
  w.open(`function scanActivations(n${w.t('number')})${w.t('string | null')}`);
  w.open('for (const [a, per, len, layer] of ACTS)');
  w.line('const m = per > 0 ? n * per : len;');
  w.line('for (let i = 0; i < m; i++) if (!Number.isFinite(a[i])) return layer;');
  w.close();
  w.line('return null;');
  w.close();
  trainStep(w, names, plan, trainIds);
  evalFunctions(w, names, plan, evalIds);
  emitApi(w, names, plan, inputSize, outputSize);
  w.close();
  return w.text();
}

function emitApi(w: CodeWriter, names: Names, plan: Plan, inputSize: number, outputSize: number): void {
  const relus = plan.train.relus.map((r) => `[${names.ref(r.ref, 'S')}, ${r.ref.kind === 'slot' ? r.ref.perSample : 1}]`);
  w.line(`const RELUS${w.t('[rt.FloatArray, number][]')} = [${relus.join(', ')}];`);
  w.line(`const PARAMS = ${lit(plan.params.map((p) => ({ name: p.name, layer: p.layer, shape: p.shape, trainable: p.trainable, offset: p.offset, length: p.length })))};`);
  w.line(`const LAYER_SEGS${w.t('[string, [number, number, number][]][]')} = ${lit(plan.layers.map((l) => [l, plan.params.filter((p) => p.layer === l).map((p) => [p.trainable ? 1 : 0, p.offset, p.length])]))};`);
  w.open(`function nonFinite(a${w.t('Float32Array')}, o${w.t('number')}, len${w.t('number')})${w.t('boolean')}`);
  w.line('for (let i = o; i < o + len; i++) if (!Number.isFinite(a[i])) return true;');
  w.line('return false;');
  w.close();
  w.open(`return`);
  w.line(`model: ${lit(plan.model)},`);
  w.line(`batchCapacity: ${plan.capacity},`);
  w.line(`inputShape: ${lit(plan.inputShape)},`);
  w.line(`outputShape: ${lit(plan.outputShape)},`);
  w.line(`inputSize: ${inputSize},`);
  w.line(`outputSize: ${outputSize},`);
  w.line(`targetSize: ${plan.targetSize},`);
  w.line('params: PARAMS,');
  w.line(`paramLayers: ${lit(plan.paramLayers.map((l) => l.layer))},`);
  w.line(`reluLayers: ${lit(plan.train.relus.map((r) => r.layer))},`);
  w.line('paramData: P,');
  w.line('bufferData: B,');
  w.line(`setLearningRate(rate${w.t('number')}) { lr = rate; },`);
  w.line('trainStep,');
  w.line('evaluate,');
  w.line('predict,');
  w.open(`lastGradNorms(out${w.t('Float64Array')})`);
  w.line('for (let i = 0; i < GN.length; i++) out[i] = Math.sqrt(GN[i]);');
  w.close('},');
  w.open(`lastDeadFractions(out${w.t('Float64Array')})`);
  w.open('for (let k = 0; k < RELUS.length; k++)');
  w.line('const [a, per] = RELUS[k];');
  w.line('let dead = 0;');
  w.open('for (let j = 0; j < per; j++)');
  w.line('let alive = false;');
  w.line('for (let i = 0; i < lastN && !alive; i++) alive = a[i * per + j] > 0;');
  w.line('if (!alive) dead++;');
  w.close();
  w.line('out[k] = per > 0 ? dead / per : 0;');
  w.close();
  w.close('},');
  w.line(`lastOutput() { return OUT_S[lastN] ??= ${names.ref(plan.train.output, 'S')}.subarray(0, lastN * ${outputSize}); },`);
  w.open(`findNonFinite()${w.t(`{ layer: string; where: "activations" | "parameters" | "gradients" } | null`)}`);
  w.open('for (const [layer, segs] of LAYER_SEGS)');
  w.line('if (actLayer === layer) return { layer, where: "activations" };');
  w.line('for (const [t, o, len] of segs) if (nonFinite(t === 1 ? P : B, o, len)) return { layer, where: "parameters" };');
  w.line('for (const [t, o, len] of segs) if (t === 1 && nonFinite(G, o, len)) return { layer, where: "gradients" };');
  w.close();
  w.line('return null;');
  w.close('},');
  w.open(`getState()${w.t('rt_PlanState')}`);
  w.line('const s = opt.saveState();');
  w.line('return { params: P.slice(), buffers: B.slice(), optimizer: { slots: s.slots.map((a) => Float32Array.from(a)), scalars: [...s.scalars] }, rng: rt.rngStateToArray(dropRng.getState()) };');
  w.close('},');
  w.open(`setState(state${w.t('rt_PlanState')})`);
  w.line('P.set(state.params);');
  w.line('B.set(state.buffers);');
  w.line('opt.loadState(state.optimizer);');
  w.line('dropRng.setState(rt.rngStateFromArray(state.rng));');
  w.close('},');
  w.open(`getWeights()${w.t('Uint8Array')}`);
  w.line('return rt.encodeSafetensors(PARAMS.map((p) => ({ name: p.name, shape: p.shape, data: (p.trainable ? P : B).slice(p.offset, p.offset + p.length) })));');
  w.close('},');
  w.open(`setWeights(bytes${w.t('Uint8Array')}, file${w.t('string')})`);
  w.line('const contents = rt.decodeSafetensors(bytes, file);');
  w.line('rt.assertTensorsMatch(file, contents.tensors, PARAMS);');
  w.line('const byName = new Map(contents.tensors.map((t) => [t.name, t.data]));');
  w.line('for (const p of PARAMS) (p.trainable ? P : B).set(byName.get(p.name)' + (w.flavor === 'ts' ? ' as Float32Array' : '') + ', p.offset);');
  w.close('},');
  w.close('};');
}
