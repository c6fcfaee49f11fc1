import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { format } from '../../src/formatter/index.js';

const dir = join(import.meta.dirname, '..', '..', 'examples');
const examples = readdirSync(dir).filter((f) => f.endsWith('.nn')).sort();

describe('formatting the examples', () => {
  it('finds the examples', () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  it.each(examples)('leaves %s unchanged: every example is already formatted', async (name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    expect(await format(text)).toBe(text);
  });
});
