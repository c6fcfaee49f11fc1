import { DataError } from '../../io/data-error.js';
import { normalizationFromJson, normalizationToJson, type NormalizationStats } from './normalize.js';

/**
 * The `__metadata__` keys nn writes into weights and checkpoint files (documented in
 * docs/data.md). Values are strings, as safetensors requires; the `nn.*` ones hold JSON.
 */
export const metadataKeys = {
  /** `"pt"`: what Hugging Face tools expect, so `safetensors.torch.load_file` reads the file. */
  format: 'format',
  /** JSON array of strings: the class names, index i being class i. */
  classes: 'nn.classes',
  /** JSON from `normalizationToJson`: the training split's normalization statistics. */
  normalization: 'nn.normalization',
  /** The model's name in the `.nn` file. */
  model: 'nn.model',
} as const;

/** What nn stores besides the tensors. */
export interface WeightsMetadata {
  readonly model?: string;
  readonly classes?: readonly string[];
  readonly normalization?: NormalizationStats;
}

/** The metadata map for `encodeSafetensors`. */
export function encodeWeightsMetadata(meta: WeightsMetadata): Record<string, string> {
  const out: Record<string, string> = { [metadataKeys.format]: 'pt' };
  if (meta.model !== undefined) out[metadataKeys.model] = meta.model;
  if (meta.classes) out[metadataKeys.classes] = JSON.stringify(meta.classes);
  if (meta.normalization) out[metadataKeys.normalization] = normalizationToJson(meta.normalization);
  return out;
}

/** Reads nn's entries back from a file's metadata; malformed ones throw DataError NN6038. */
export function decodeWeightsMetadata(metadata: Readonly<Record<string, string>>, file: string): WeightsMetadata {
  const out: { model?: string; classes?: readonly string[]; normalization?: NormalizationStats } = {};
  const model = metadata[metadataKeys.model];
  if (model !== undefined) out.model = model;
  const classes = metadata[metadataKeys.classes];
  if (classes !== undefined) {
    let v: unknown;
    try {
      v = JSON.parse(classes);
    } catch {
      v = undefined;
    }
    if (!Array.isArray(v) || v.some((c) => typeof c !== 'string')) {
      throw new DataError('NN6038', { file }, { key: metadataKeys.classes, problem: 'it must be a JSON array of strings' });
    }
    out.classes = v as string[];
  }
  const normalization = metadata[metadataKeys.normalization];
  if (normalization !== undefined) out.normalization = normalizationFromJson(normalization, file, metadataKeys.normalization);
  return out;
}
