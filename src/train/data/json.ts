import { DataError, showFound, showShape } from '../../io/data-error.js';
import { encodeLabels } from './cells.js';
import { shapeSize, type Dataset } from './dataset.js';
import { findJsonSyntaxError, findJsonValue, type JsonPath } from './json-scan.js';
import type { ReadOptions } from './options.js';

/**
 * Reads a JSON data file. Two layouts are accepted (see docs/data.md):
 * - an array of samples: `[{"x": [5.1, 3.5, 1.4, 0.2], "y": "setosa"}, ...]`
 * - columns: `{"x": [[5.1, 3.5, 1.4, 0.2], ...], "y": ["setosa", ...]}`
 *
 * `x` is a number or (nested, rectangular) arrays of numbers, flattened row-major; `y` is a
 * class index or name (`class`, `binary`), or a number or array of numbers (`value`); `y` may be
 * left out when `labels.kind` is `none`. Errors name the line and character column.
 */
export function parseJsonData(text: string, file: string, options: ReadOptions): Dataset {
  if (text.trim().replace(/^\uFEFF/, '') === '') throw new DataError('NN6002', { file });
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    const problem = findJsonSyntaxError(text) ?? { line: 1, column: 1, detail: 'the JSON parser rejected the file' };
    throw new DataError('NN6021', { file, line: problem.line, column: problem.column }, { detail: problem.detail });
  }
  return new JsonReader(text, file, options).read(root);
}

type Path = (string | number)[];

class JsonReader {
  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly options: ReadOptions,
  ) {}

  read(root: unknown): Dataset {
    const wantsLabels = this.options.labels.kind !== 'none';
    let samples: { x: unknown; xPath: Path; y: unknown; yPath: Path }[];
    if (Array.isArray(root)) {
      samples = root.map((s: unknown, i) => {
        if (!isObject(s) || !('x' in s) || (wantsLabels && !('y' in s))) {
          this.fail([i], `an object with ${wantsLabels ? '"x" and "y"' : '"x"'}`, s);
        }
        return { x: s['x'], xPath: [i, 'x'], y: s['y'], yPath: [i, 'y'] };
      });
    } else if (isObject(root) && Array.isArray(root['x']) && (!wantsLabels || Array.isArray(root['y']))) {
      const xs = root['x'] as unknown[];
      const ys = (root['y'] ?? []) as unknown[];
      if (wantsLabels && xs.length !== ys.length) {
        throw new DataError('NN6024', this.where(['y']), { samplesWhere: '"x"', samples: xs.length, labelsWhere: '"y"', labels: ys.length });
      }
      samples = xs.map((x, i) => ({ x, xPath: ['x', i], y: ys[i], yPath: ['y', i] }));
    } else {
      this.fail([], 'an array of {"x": ..., "y": ...} samples, or an object {"x": [...], "y": [...]}', root);
    }
    if (samples.length === 0) this.fail([], 'at least one sample', root);

    const firstShape = this.shapeOf(samples[0]!.x, samples[0]!.xPath);
    const size = shapeSize(firstShape);
    const sampleShape = this.options.inputShape ?? firstShape;
    if (shapeSize(sampleShape) !== size) {
      throw new DataError('NN6011', this.where(samples[0]!.xPath), { found: size, shape: showShape(sampleShape), expected: shapeSize(sampleShape) });
    }
    const x = new Float32Array(samples.length * size);
    samples.forEach((s, i) => {
      const shape = i === 0 ? firstShape : this.shapeOf(s.x, s.xPath);
      if (shapeSize(shape) !== size || shape.length !== firstShape.length || shape.some((d, k) => d !== firstShape[k])) {
        throw new DataError('NN6023', this.where(s.xPath), { index: i + 1, found: showShape(shape), expected: showShape(firstShape) });
      }
      this.flatten(s.x, x, i * size);
    });
    const labels = this.labels(samples);
    return {
      x,
      y: labels.y,
      n: samples.length,
      sampleShape,
      sampleSize: size,
      featureNames: Array.from({ length: size }, (_, k) => `x[${k}]`),
      labelName: wantsLabels ? 'y' : '',
      labelKind: this.options.labels.kind,
      labelSize: labels.labelSize,
      ...(labels.classes ? { classes: labels.classes } : {}),
      sourceFile: this.file,
    };
  }

  private labels(samples: readonly { y: unknown; yPath: Path }[]): { y: Float32Array; labelSize: number; classes?: readonly string[] } {
    const spec = this.options.labels;
    if (spec.kind === 'value') {
      const y = new Float32Array(samples.length * spec.outputs);
      samples.forEach((s, i) => {
        const values = typeof s.y === 'number' ? [s.y] : s.y;
        if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) {
          this.fail(s.yPath, spec.outputs === 1 ? 'a number' : `an array of ${spec.outputs} numbers`, s.y);
        }
        if (values.length !== spec.outputs) throw new DataError('NN6017', this.where(s.yPath), { outputs: spec.outputs, found: values.length });
        y.set(values as number[], i * spec.outputs);
      });
      return { y, labelSize: spec.outputs };
    }
    samples.forEach((s) => {
      if (spec.kind !== 'none' && typeof s.y !== 'number' && typeof s.y !== 'string') this.fail(s.yPath, 'a class index or a class name', s.y);
    });
    return encodeLabels(
      {
        count: samples.length,
        text: (i) => String(samples[i]!.y),
        where: (i) => ({ ...this.where(samples[i]!.yPath), column: this.where(samples[i]!.yPath).column ?? 1, columnName: 'y' }),
      },
      spec,
      this.file,
    );
  }

  /** The shape of a number or nested rectangular arrays of numbers. */
  private shapeOf(value: unknown, path: Path): number[] {
    if (typeof value === 'number') return [];
    if (!Array.isArray(value) || value.length === 0) this.fail(path, 'a number or a non-empty array of numbers', value);
    const inner = this.shapeOf(value[0], [...path, 0]);
    for (let i = 1; i < value.length; i++) {
      const other = this.shapeOf(value[i], [...path, i]);
      if (other.length !== inner.length || other.some((d, k) => d !== inner[k])) {
        this.fail([...path, i], inner.length === 0 ? 'a number' : `an array of shape ${showShape(inner)} like element 0`, value[i]);
      }
    }
    return [value.length, ...inner];
  }

  private flatten(value: unknown, out: Float32Array, offset: number): number {
    if (typeof value === 'number') {
      out[offset] = value;
      return offset + 1;
    }
    for (const v of value as unknown[]) offset = this.flatten(v, out, offset);
    return offset;
  }

  private where(path: JsonPath): { file: string; line?: number; column?: number } {
    const place = findJsonValue(this.text, path);
    return { file: this.file, ...(place ?? {}) };
  }

  private fail(path: JsonPath, expected: string, found: unknown): never {
    throw new DataError('NN6022', this.where(path), { where: showPath(path), expected, found: describe(found) });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSONPath-style name for a place: `$[3].x[1]`. */
function showPath(path: JsonPath): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${showFound(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of ${v.length} items`;
  return 'an object';
}
