import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/io/data-error.js';
import { assertTensorsMatch, decodeSafetensors, encodeSafetensors, tensorDifferences, type NamedTensor } from '../../src/io/safetensors.js';
import { decodeWeightsMetadata, encodeWeightsMetadata } from '../../src/train/data/metadata.js';

const tensorArb: fc.Arbitrary<NamedTensor[]> = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__metadata__'), { maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((shape) =>
          fc.array(fc.float({ noNaN: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((v) => ({ name, shape, data: Float32Array.from(v) })),
        ),
      ),
    ),
  );

/** Hand-made file bytes from a header object and a data section. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function errorOf(bytes: Uint8Array): DataError {
  try {
    decodeSafetensors(bytes, 'w.safetensors');
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('safetensors', () => {
  it('round-trips random tensors (in the order given) and metadata', () => {
    fc.assert(
      fc.property(tensorArb, fc.dictionary(fc.string(), fc.string()), (tensors, metadata) => {
        const back = decodeSafetensors(encodeSafetensors(tensors, metadata), 'w.safetensors');
        expect(back.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
        back.tensors.forEach((t, i) => {
          expect(t.shape).toEqual(tensors[i]!.shape);
          expect(Array.from(t.data)).toEqual(Array.from(tensors[i]!.data));
        });
        expect(back.metadata).toEqual(metadata);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the order given for zero-size tensors at one offset, names that are array indices included (JSON.parse puts those first)', () => {
    // found by the round-trip property with a random seed: '3' came back before the tensor given before it
    const names = ['b', '3', 'a', '1', '0x'];
    const tensors = names.map((name) => ({ name, shape: [0], data: new Float32Array(0) }));
    const both = [{ name: 'w', shape: [1], data: Float32Array.from([2]) }, ...tensors, { name: '7', shape: [1], data: Float32Array.from([3]) }];
    expect(decodeSafetensors(encodeSafetensors(tensors), 'w.safetensors').tensors.map((t) => t.name)).toEqual(names);
    expect(decodeSafetensors(encodeSafetensors(both), 'w.safetensors').tensors.map((t) => t.name)).toEqual(['w', ...names, '7']);
    // a file written by another tool: keys in its text order, escapes and nested braces skipped
    const text = '{"\\"q,": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "__metadata__": {"k": "{,\\"2\\":"}, "2": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}}';
    const json = new TextEncoder().encode(text);
    const other = new Uint8Array(8 + json.length);
    new DataView(other.buffer).setBigUint64(0, BigInt(json.length), true);
    other.set(json, 8);
    expect(decodeSafetensors(other, 'o.safetensors').tensors.map((t) => t.name)).toEqual(['"q,', '2']);
  });

  it('round-trips tensors and metadata keys named like Object.prototype members (__proto__, constructor, toString)', () => {
    // found by the property above with a random seed: on a plain {} header, '__proto__' set the prototype and the tensor vanished
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const tensors = names.map((name, i) => ({ name, shape: [2], data: Float32Array.from([i, -i]) }));
    const metadata = JSON.parse('{"__proto__": "a", "constructor": "b"}') as Record<string, string>;
    const back = decodeSafetensors(encodeSafetensors(tensors, metadata), 'w.safetensors');
    expect(back.tensors.map((t) => [t.name, Array.from(t.data)])).toEqual(names.map((n, i) => [n, [i, -i]]));
    expect(Object.entries(back.metadata)).toEqual([['__proto__', 'a'], ['constructor', 'b']]);
  });

  it('writes the layout of the reference implementation: u64 header length, space-padded JSON, little-endian F32', () => {
    const bytes = encodeSafetensors([{ name: 'dense_1.bias', shape: [2], data: Float32Array.from([1, -2]) }], { format: 'pt' });
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(JSON.parse(header)).toEqual({ __metadata__: { format: 'pt' }, 'dense_1.bias': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect([view.getFloat32(8 + n, true), view.getFloat32(12 + n, true)]).toEqual([1, -2]);
  });

  it('reads F64, F16 and BF16 as float32 and refuses integer dtypes by name', () => {
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 0.1, true);
    expect(decodeSafetensors(file({ a: { dtype: 'F64', shape: [], data_offsets: [0, 8] } }, f64), 'w').tensors[0]!.data[0]).toBe(Math.fround(0.1));
    const halves = Uint8Array.from([0x00, 0x3c, 0x00, 0xc0, 0x80, 0x3f]); // F16 1, -2; BF16 1
    const d = decodeSafetensors(file({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] } }, halves), 'w');
    expect(d.tensors.map((t) => Array.from(t.data))).toEqual([[1, -2], [1]]);
    const e = errorOf(file({ bn: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, new Uint8Array(8)));
    expect(e.format()).toBe("w.safetensors: error[NN6034]: tensor 'bn' has dtype I64; nn reads F32 (and converts F64, F16 and BF16 to F32)");
  });

  const bad: [string, Uint8Array, string, string][] = [
    ['a file shorter than the length field', new Uint8Array(3), 'NN6031', 'the safetensors header length missing does not fit a 3-byte file'],
    ['a header length beyond the file', file({}).subarray(0, 9), 'NN6031', 'the safetensors header length 2 does not fit a 9-byte file'],
    ['a header that is not JSON', Uint8Array.from([4, 0, 0, 0, 0, 0, 0, 0, 123, 120, 125, 32]), 'NN6032', 'not a valid JSON object'],
    ['a header that is an array', file([]), 'NN6032', 'the header is not an object'],
    ['a malformed shape', file({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), 'NN6033', `tensor 't' has a malformed header entry: "shape" must be an array of non-negative integers`],
    ['reversed offsets', file({ t: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }), 'NN6033', 'data_offsets'],
    ['an unknown dtype', file({ t: { dtype: 'F31', shape: [], data_offsets: [0, 4] } }, new Uint8Array(4)), 'NN6034', 'dtype F31'],
    ['offsets past the end', file({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), 'NN6035', "tensor 't' has data_offsets [0, 8] outside the 4-byte data section"],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), 'NN6036', "tensor 'b' at data_offsets [4, 8] overlaps tensor 'a' at [0, 8]"],
    ['a gap between tensors', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), 'NN6036', 'leaves bytes 0 to 4 unused before it'],
    ['trailing bytes', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(6)), 'NN6036', 'is followed by 2 bytes that belong to no tensor'],
    ['a byte length that does not match the shape', file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), 'NN6037', "tensor 't' of shape [3] and dtype F32 needs 12 bytes, but its data_offsets span 8"],
    ['metadata that is not strings', file({ __metadata__: { epochs: 3 } }), 'NN6038', "metadata entry 'epochs' is not valid: the value must be a string, found 3"],
  ];

  it.each(bad)('rejects %s with one message naming the file', (_, bytes, code, fragment) => {
    const e = errorOf(bytes);
    expect([e.code, e.file]).toEqual([code, 'w.safetensors']);
    expect(e.message).toContain(fragment);
  });

  it('turns any truncation or bit flip of a valid file into a DataError or a valid decode, never another exception', () => {
    fc.assert(
      fc.property(tensorArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (tensors, cut, at, bit, truncate) => {
        const bytes = encodeSafetensors(tensors, { 'nn.classes': '["a"]' });
        const damaged = truncate ? bytes.subarray(0, cut % bytes.length) : bytes.slice();
        if (!truncate) damaged[at % bytes.length]! ^= 1 << bit;
        try {
          decodeSafetensors(damaged, 'w.safetensors');
        } catch (e) {
          expect(e).toBeInstanceOf(DataError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lists every difference between a file and the model in one message', () => {
    const actual = [
      { name: 'dense_1.weight', shape: [4, 3] },
      { name: 'dense_1.bias', shape: [4] },
      { name: 'extra.weight', shape: [1] },
    ];
    const expected = [
      { name: 'dense_1.weight', shape: [4, 2] },
      { name: 'dense_1.bias', shape: [4] },
      { name: 'dense_2.weight', shape: [3, 4] },
    ];
    expect(tensorDifferences(actual, actual)).toEqual([]);
    expect(() => assertTensorsMatch('w.safetensors', actual, expected)).toThrowError(
      'the weights do not fit the model (3 differences): dense_1.weight has shape [4, 3] but the model expects [4, 2]; missing dense_2.weight [3, 4]; unexpected extra.weight [1]',
    );
  });

  it('stores class names, normalization statistics and the model name as documented metadata', () => {
    const meta = { model: 'Iris', classes: ['setosa', 'versicolor'], normalization: { kind: 'minmax' as const, min: Float32Array.from([0.5]), max: Float32Array.from([2]) } };
    const encoded = encodeWeightsMetadata(meta);
    expect(encoded).toEqual({ format: 'pt', 'nn.model': 'Iris', 'nn.classes': '["setosa","versicolor"]', 'nn.normalization': '{"kind":"minmax","min":[0.5],"max":[2]}' });
    const back = decodeSafetensors(encodeSafetensors([], encoded), 'w');
    expect(decodeWeightsMetadata(back.metadata, 'w')).toEqual(meta);
    expect(() => decodeWeightsMetadata({ 'nn.classes': '[1]' }, 'w')).toThrowError("metadata entry 'nn.classes' is not valid: it must be a JSON array of strings");
  });
});
