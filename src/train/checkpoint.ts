/**
 * Weights and checkpoint files, as safetensors bytes. Browser-safe: bytes in, bytes out.
 *
 * A checkpoint is a safetensors file (written next to the weights as `WEIGHTS.ckpt`) holding
 * - the parameters and buffers under the contract's names (so a checkpoint is also a weights
 *   file: `nn eval --weights run.safetensors.ckpt` works),
 * - `optimizer.slot_I` for each flat optimizer slot, and `early_stop.params` /
 *   `early_stop.buffers` for the best epoch's weights when early stopping has one,
 * - metadata: the weights keys (`nn.model`, `nn.classes`, `nn.normalization`) and
 *   `nn.checkpoint`, JSON with the completed epoch, the optimizer scalars, the plan's and the
 *   shuffle generator's states, the schedule state, the early-stopping figures and the history.
 */
import { DataError } from '../io/data-error.js';
import { assertTensorsMatch, decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';
import type { PlanParam, TrainingPlan } from '../plan/types.js';
import { rngStateFromArray, rngStateToArray } from '../runtime/random.js';
import { decodeWeightsMetadata, encodeWeightsMetadata, type WeightsMetadata } from './data/metadata.js';
import type { EpochRecord, LoopState } from './loop.js';

/** The checkpoint metadata key. */
export const checkpointKey = 'nn.checkpoint';
const FORMAT_VERSION = 1;

function tensorOf(p: PlanParam, params: Float32Array, buffers: Float32Array): NamedTensor {
  const source = p.trainable ? params : buffers;
  return { name: p.name, shape: p.shape, data: source.slice(p.offset, p.offset + p.length) };
}

/**
 * The plan's parameters and buffers as safetensors bytes (contract names, PyTorch layouts), from
 * the live plan or from a saved state's flat arrays.
 */
export function encodeWeights(plan: TrainingPlan, meta: WeightsMetadata, from: { params: Float32Array; buffers: Float32Array } = { params: plan.paramData, buffers: plan.bufferData }): Uint8Array {
  return encodeSafetensors(
    plan.params.map((p) => tensorOf(p, from.params, from.buffers)),
    encodeWeightsMetadata(meta),
  );
}

/**
 * Reads a weights file into the plan. Names and shapes must fit the model exactly (every
 * difference is listed in one DataError NN6039); extra tensors of a checkpoint are allowed.
 */
export function loadWeights(plan: TrainingPlan, bytes: Uint8Array, file: string): WeightsMetadata {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const isCheckpoint = metadata[checkpointKey] !== undefined;
  const relevant = isCheckpoint ? tensors.filter((t) => !t.name.startsWith('optimizer.') && !t.name.startsWith('early_stop.')) : tensors;
  assertTensorsMatch(file, relevant, plan.params);
  const byName = new Map(relevant.map((t) => [t.name, t]));
  for (const p of plan.params) (p.trainable ? plan.paramData : plan.bufferData).set(byName.get(p.name)!.data, p.offset);
  return decodeWeightsMetadata(metadata, file);
}

interface CheckpointJson {
  version: number;
  model: string;
  epoch: number;
  optimizerScalars: number[];
  planRng: number[];
  shuffleRng: number[];
  schedule: LoopState['schedule'];
  earlyStop: { best: number | null; bestEpoch: number; badEpochs: number };
  history: EpochRecord[];
}

/** A checkpoint: the loop state and the weights metadata (classes, normalization). */
export function encodeCheckpoint(plan: TrainingPlan, state: LoopState, meta: WeightsMetadata): Uint8Array {
  const tensors = plan.params.map((p) => tensorOf(p, state.plan.params, state.plan.buffers));
  state.plan.optimizer.slots.forEach((slot, i) => tensors.push({ name: `optimizer.slot_${i}`, shape: [slot.length], data: slot }));
  const es = state.earlyStop;
  if (es.params && es.buffers) {
    tensors.push({ name: 'early_stop.params', shape: [es.params.length], data: es.params });
    tensors.push({ name: 'early_stop.buffers', shape: [es.buffers.length], data: es.buffers });
  }
  const json: CheckpointJson = {
    version: FORMAT_VERSION,
    model: plan.model,
    epoch: state.epoch,
    optimizerScalars: [...state.plan.optimizer.scalars],
    planRng: [...state.plan.rng],
    shuffleRng: rngStateToArray(state.shuffleRng),
    schedule: state.schedule,
    // JSON has no Infinity: null is "no best yet".
    earlyStop: { best: Number.isFinite(es.best) ? es.best : null, bestEpoch: es.bestEpoch, badEpochs: es.badEpochs },
    history: [...state.history],
  };
  return encodeSafetensors(tensors, { ...encodeWeightsMetadata(meta), [checkpointKey]: JSON.stringify(json) });
}

function bad(file: string, problem: string): DataError {
  return new DataError('NN6038', { file }, { key: checkpointKey, problem });
}

/**
 * Reads a checkpoint for `plan`: the loop state to resume from and the saved metadata. A file
 * that is not a checkpoint, belongs to another model, or whose tensors do not fit is a DataError.
 */
export function decodeCheckpoint(plan: TrainingPlan, bytes: Uint8Array, file: string): { state: LoopState; meta: WeightsMetadata } {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const text = metadata[checkpointKey];
  if (text === undefined) throw bad(file, 'the file has no checkpoint entry: it is a weights file, not a checkpoint (checkpoints are written as WEIGHTS.ckpt)');
  let json: CheckpointJson;
  try {
    json = JSON.parse(text) as CheckpointJson;
  } catch (e) {
    throw bad(file, `it is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || json.version !== FORMAT_VERSION || !Number.isInteger(json.epoch) || !Array.isArray(json.history)) {
    throw bad(file, `it is not a version-${FORMAT_VERSION} nn checkpoint`);
  }
  if (json.model !== plan.model) throw bad(file, `it was written for model '${json.model}', not '${plan.model}'`);
  const weights = tensors.filter((t) => !t.name.startsWith('optimizer.') && !t.name.startsWith('early_stop.'));
  assertTensorsMatch(file, weights, plan.params);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const params = new Float32Array(plan.paramData.length);
  const buffers = new Float32Array(plan.bufferData.length);
  for (const p of plan.params) (p.trainable ? params : buffers).set(byName.get(p.name)!.data, p.offset);
  const slots: Float32Array[] = [];
  for (let i = 0; byName.has(`optimizer.slot_${i}`); i++) slots.push(byName.get(`optimizer.slot_${i}`)!.data);
  const expected = plan.getState().optimizer.slots;
  if (slots.length !== expected.length || slots.some((slot, i) => slot.length !== expected[i]!.length)) {
    throw bad(file, `its optimizer state (${slots.length} slots) does not fit the train block's optimizer (${expected.length} slots); was the optimizer changed?`);
  }
  const esParams = byName.get('early_stop.params')?.data ?? null;
  const esBuffers = byName.get('early_stop.buffers')?.data ?? null;
  const state: LoopState = {
    epoch: json.epoch,
    plan: { params, buffers, optimizer: { slots, scalars: json.optimizerScalars }, rng: json.planRng },
    shuffleRng: rngStateFromArray(json.shuffleRng),
    schedule: json.schedule,
    earlyStop: { best: json.earlyStop.best ?? Infinity, bestEpoch: json.earlyStop.bestEpoch, badEpochs: json.earlyStop.badEpochs, params: esParams, buffers: esBuffers },
    history: json.history,
  };
  return { state, meta: decodeWeightsMetadata(metadata, file) };
}
