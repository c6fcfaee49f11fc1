import { DataError, showShape } from '../../io/data-error.js';
import { encodeLabels } from './cells.js';
import { shapeSize, type Dataset } from './dataset.js';
import type { ReadOptions } from './options.js';

/** An IDX element type: its name, byte size and big-endian reader. */
interface IdxType {
  readonly name: string;
  readonly size: number;
  readonly read: (view: DataView, offset: number) => number;
}

const IDX_TYPES: Readonly<Record<number, IdxType>> = {
  0x08: { name: 'ubyte', size: 1, read: (v, o) => v.getUint8(o) },
  0x09: { name: 'sbyte', size: 1, read: (v, o) => v.getInt8(o) },
  0x0b: { name: 'short', size: 2, read: (v, o) => v.getInt16(o, false) },
  0x0c: { name: 'int', size: 4, read: (v, o) => v.getInt32(o, false) },
  0x0d: { name: 'float', size: 4, read: (v, o) => v.getFloat32(o, false) },
  0x0e: { name: 'double', size: 8, read: (v, o) => v.getFloat64(o, false) },
};

/** The IDX type codes, for writers (tests make their own files). */
export const idxTypeCodes = { ubyte: 0x08, sbyte: 0x09, short: 0x0b, int: 0x0c, float: 0x0d, double: 0x0e } as const;

/** A decoded IDX array: its dimensions and its elements as float32, row-major. */
export interface IdxArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly type: keyof typeof idxTypeCodes;
}

const hex = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * Decodes one IDX file (already gunzipped): magic `00 00 TYPE NDIMS`, NDIMS big-endian uint32
 * dimensions, then the elements big-endian. The size must match the header exactly.
 */
export function decodeIdx(bytes: Uint8Array, file: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError('NN6025', { file }, { found: Array.from(bytes.subarray(0, 4), hex).join(' ') || 'missing (the file is empty)' });
  }
  const type = IDX_TYPES[bytes[2]!];
  if (!type) throw new DataError('NN6026', { file }, { found: `0x${hex(bytes[2]!)}` });
  const ndims = bytes[3]!;
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) {
    throw new DataError('NN6027', { file }, { found: bytes.length, expected: `at least ${headerSize} bytes`, layout: `a 4-byte magic number and ${ndims} dimensions of 4 bytes` });
  }
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shapeSize(shape);
  const expected = headerSize + count * type.size;
  if (bytes.length !== expected) {
    throw new DataError('NN6027', { file }, { found: bytes.length, expected: `${expected} bytes`, layout: `${headerSize} header bytes and ${showShape(shape)} ${type.name} elements` });
  }
  const data = new Float32Array(count);
  if (type.size === 1 && type.name === 'ubyte') data.set(bytes.subarray(headerSize, expected));
  else for (let i = 0; i < count; i++) data[i] = type.read(view, headerSize + i * type.size);
  return { shape, data, type: type.name as IdxArray['type'] };
}

/**
 * Pairs an IDX images file ([N, ...sample]) with an IDX labels file ([N]) into a Dataset.
 * Pixels are kept as they are (normalization is a separate step); `[N, H, W]` images fill a
 * `[1, H, W]` input row-major. Labels are read as `options.labels` says (class indices for
 * `cross_entropy`).
 */
export function idxDataset(images: IdxArray, labels: IdxArray, files: { images: string; labels: string }, options: ReadOptions): Dataset {
  if (images.shape.length < 1) throw new DataError('NN6029', { file: files.images }, { shape: showShape(images.shape) });
  if (labels.shape.length !== 1) throw new DataError('NN6029', { file: files.labels }, { shape: showShape(labels.shape) });
  const n = images.shape[0]!;
  if (labels.shape[0] !== n) {
    throw new DataError('NN6028', { file: files.labels }, { images: files.images, imageCount: n, labels: files.labels, labelCount: labels.shape[0]! });
  }
  const fileShape = images.shape.slice(1);
  const size = shapeSize(fileShape);
  const sampleShape = options.inputShape ?? fileShape;
  if (shapeSize(sampleShape) !== size) {
    throw new DataError('NN6011', { file: files.images }, { found: size, shape: showShape(sampleShape), expected: shapeSize(sampleShape) });
  }
  const encoded = encodeLabels(
    {
      count: n,
      text: (i) => String(labels.data[i]),
      // a binary file has no lines; the label's position is its sample number
      where: (i) => ({ file: files.labels, columnName: `label ${i + 1}`, column: i + 1 }),
    },
    options.labels,
    files.labels,
  );
  return {
    x: images.data,
    y: encoded.y,
    n,
    sampleShape,
    sampleSize: size,
    featureNames: Array.from({ length: size }, (_, k) => `x[${k}]`),
    labelName: options.labels.kind === 'none' ? '' : 'labels',
    labelKind: options.labels.kind,
    labelSize: encoded.labelSize,
    ...(encoded.classes ? { classes: encoded.classes } : {}),
    sourceFile: files.images,
  };
}
