import { DataError, showShape } from './data-error.js';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON header `{name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__"?: {string: string}}` (padded with spaces to a multiple of 8), then the data,
 * little-endian, offsets relative to the end of the header. Browser-safe: bytes in, bytes out.
 */

/** A named float32 tensor, row-major. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The contents of a safetensors file: tensors in data order, and the metadata strings. */
export interface SafetensorsContents {
  readonly tensors: NamedTensor[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** The reference implementation's header size limit. */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/**
 * Encodes tensors (in the order given) and metadata as safetensors bytes, dtype F32. Throws a
 * plain Error on a programming mistake (data length not matching the shape, a duplicate name).
 */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  // The header is written key by key: a JavaScript object would put names that are array
  // indices ("3") first, and zero-size tensors, which share an offset, then lose the order given.
  const keys: string[] = [];
  if (Object.keys(metadata).length > 0) keys.push(`"__metadata__":${JSON.stringify(metadata)}`);
  const names = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) throw new Error(`encodeSafetensors: tensor '${t.name}' has shape ${showShape(t.shape)} but ${t.data.length} values`);
    if (t.name === '__metadata__' || names.has(t.name)) throw new Error(`encodeSafetensors: duplicate or reserved tensor name '${t.name}'`);
    names.add(t.name);
    keys.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * numel] })}`);
    offset += 4 * numel;
  }
  let json = new TextEncoder().encode(`{${keys.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(at + 4 * i, t.data[i]!, true);
    at += 4 * t.data.length;
  }
  return out;
}

interface Entry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Decodes and validates safetensors bytes: header length bounds, JSON, every entry's fields,
 * offsets in range, tensors tiling the data section (no overlap, no gap), and byte length =
 * dtype size * element count. F32 is read as is; F64, F16 and BF16 are converted to float32;
 * other dtypes are refused. Every problem throws a DataError naming `file` (and the tensor).
 */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContents {
  const where = { file };
  if (bytes.length < 8) throw new DataError('NN6031', where, { length: 'missing', size: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8)) || length < 2n) {
    throw new DataError('NN6031', where, { length: length.toString(), size: bytes.length });
  }
  const headerEnd = 8 + Number(length);
  let header: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd));
    header = JSON.parse(text);
  } catch (e) {
    throw new DataError('NN6032', where, { detail: (e as Error).message });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new DataError('NN6032', where, { detail: 'the header is not an object' });
  const metadata = readMetadata((header as Record<string, unknown>)['__metadata__'], file);
  // data order; zero-size tensors at one offset in the header's order (which JSON.parse loses)
  const order = topLevelKeys(text);
  const at = (e: Entry): number => order.get(e.name) ?? 0;
  const entries = Object.entries(header as Record<string, unknown>)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => readEntry(name, value, file))
    .sort((a, b) => a.begin - b.begin || a.end - b.end || at(a) - at(b));
  const dataSize = bytes.length - headerEnd;
  checkLayout(entries, dataSize, file);
  const tensors = entries.map((e) => ({ name: e.name, shape: e.shape, data: toFloat32(bytes.subarray(headerEnd + e.begin, headerEnd + e.end), e, file) }));
  return { tensors, metadata };
}

/**
 * The keys of a JSON object text's top level, by first position in the text (the text is valid
 * JSON: `JSON.parse` read it). `JSON.parse` itself puts names that are array indices first.
 */
function topLevelKeys(text: string): Map<string, number> {
  const keys = new Map<string, number>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (!keys.has(key)) keys.set(key, keys.size);
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

function readMetadata(value: unknown, file: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataError('NN6038', { file }, { key: '__metadata__', problem: 'it must be an object of strings' });
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new DataError('NN6038', { file }, { key, problem: `the value must be a string, found ${JSON.stringify(v)}` });
  }
  return value as Record<string, string>;
}

function readEntry(name: string, value: unknown, file: string): Entry {
  const bad = (problem: string): never => {
    throw new DataError('NN6033', { file }, { tensor: name, problem });
  };
  if (typeof value !== 'object' || value === null) return bad('expected an object with dtype, shape and data_offsets');
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return bad('"dtype" must be a string');
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) return bad('"shape" must be an array of non-negative integers');
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((d) => !Number.isSafeInteger(d) || (d as number) < 0) || offsets[0] > offsets[1]) {
    return bad('"data_offsets" must be [begin, end] with 0 <= begin <= end');
  }
  const size = DTYPE_SIZES[dtype];
  if (size === undefined) throw new DataError('NN6034', { file }, { tensor: name, dtype });
  const entry = { name, dtype, shape: shape as number[], begin: offsets[0] as number, end: offsets[1] as number };
  const expected = size * (shape as number[]).reduce((a, b) => a * b, 1);
  if (expected !== entry.end - entry.begin) {
    throw new DataError('NN6037', { file }, { tensor: name, shape: showShape(entry.shape), dtype, expected, found: entry.end - entry.begin });
  }
  return entry;
}

function checkLayout(entries: readonly Entry[], dataSize: number, file: string): void {
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of entries) {
    if (e.end > dataSize) throw new DataError('NN6035', { file }, { tensor: e.name, begin: e.begin, end: e.end, size: dataSize });
    if (e.begin < covered) {
      throw new DataError('NN6036', { file }, { tensor: e.name, begin: e.begin, end: e.end, problem: `overlaps tensor '${previous!.name}' at [${previous!.begin}, ${previous!.end}]` });
    }
    if (e.begin > covered) {
      throw new DataError('NN6036', { file }, { tensor: e.name, begin: e.begin, end: e.end, problem: `leaves bytes ${covered} to ${e.begin} unused before it` });
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataSize) {
    const last = previous;
    throw new DataError('NN6036', { file }, {
      tensor: last?.name ?? '(none)',
      begin: last?.begin ?? 0,
      end: last?.end ?? 0,
      problem: `is followed by ${dataSize - covered} bytes that belong to no tensor`,
    });
  }
}

function toFloat32(raw: Uint8Array, e: Entry, file: string): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.length / DTYPE_SIZES[e.dtype]!;
  const out = new Float32Array(n);
  switch (e.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    case 'BF16': {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    default:
      throw new DataError('NN6034', { file }, { tensor: e.name, dtype: e.dtype });
  }
}

/** IEEE 754 half precision to a number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** What a model expects of one tensor. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Every way the tensors of a file differ from the expected list (empty when they match). */
export function tensorDifferences(actual: readonly TensorSpec[], expected: readonly TensorSpec[]): string[] {
  const found = new Map(actual.map((t) => [t.name, t]));
  const wanted = new Set(expected.map((t) => t.name));
  const out: string[] = [];
  for (const e of expected) {
    const a = found.get(e.name);
    if (!a) out.push(`missing ${e.name} ${showShape(e.shape)}`);
    else if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) {
      out.push(`${e.name} has shape ${showShape(a.shape)} but the model expects ${showShape(e.shape)}`);
    }
  }
  for (const a of actual) if (!wanted.has(a.name)) out.push(`unexpected ${a.name} ${showShape(a.shape)}`);
  return out;
}

/** Throws DataError NN6039 listing all differences when the file's tensors do not fit. */
export function assertTensorsMatch(file: string, actual: readonly TensorSpec[], expected: readonly TensorSpec[]): void {
  const differences = tensorDifferences(actual, expected);
  if (differences.length === 0) return;
  throw new DataError('NN6039', { file }, { count: differences.length, differences: differences.length === 1 ? 'difference' : 'differences', list: differences.join('; ') });
}
