import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validProgram } from '../arbitraries/valid-program.js';
import { checkText } from './helpers.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');
const texts = readdirSync(examples).filter((f) => f.endsWith('.nn')).map((f) => readFileSync(join(examples, f), 'utf8'));
const pieces = ['dense', 'relu', '(', ')', '[', ']', '{', '}', ':', ',', 'repeat', 'residual', 'input', '0', '-1', '1e309', '/ 0', '"s"', 'x', 'train', 'model', 'let', '=', '*', 'softmax', 'conv2d', 'full', '\n'];

/** An example with random slices deleted, duplicated or replaced by grammar pieces. */
const mutated = fc.tuple(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...pieces, '')), { minLength: 1, maxLength: 6 })).map(([text, edits]) => {
  let t = text;
  for (const [at, len, insert] of edits) {
    const i = at % (t.length + 1);
    t = t.slice(0, i) + insert + t.slice(i + len);
  }
  return t;
});

/** Programs built around constant arithmetic, where folding has its edge cases (0, negatives, overflow). */
const arithmetic = fc
  .tuple(fc.constantFrom('0', '1', '-1', '2.5', '1e308', 'a', 'b'), fc.constantFrom('+', '-', '*', '/', '%'), fc.constantFrom('0', '1', '3', '1e308', 'a', '"s"'))
  .map(([x, op, y]) => `let a = ${x} ${op} ${y}\nlet b = a ${op} 2\nmodel M {\n  input [b]\n  repeat a {\n    dense(a ${op} ${y})\n  }\n}\n`);

describe('checker properties', () => {
  it('never throws and reports no internal error on random text or mutated examples', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated, arithmetic, fc.array(fc.constantFrom(...pieces)).map((p) => p.join(' '))), (text) => {
        const r = checkText(text);
        expect(r.all.filter((d) => d.code === 'NN9001')).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('accepts every random well-formed program whose shapes agree without errors', () => {
    fc.assert(
      fc.property(validProgram, (text) => {
        const r = checkText(text);
        expect(r.all.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
        expect(r.program.models[0]!.valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
