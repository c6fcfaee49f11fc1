import { describe, expect, it } from 'vitest';
import { format } from '../../src/formatter/index.js';

const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

/** Formats `source`, checks the result, and checks that formatting the result again changes nothing. */
async function formatsStably(source: string, expected: string): Promise<void> {
  const once = await format(source);
  expect(once).toBe(expected);
  expect(await format(once)).toBe(once);
}

/* Counterexamples found by the properties in properties.test.ts, reduced by hand. */
describe('formatter regressions', () => {
  it('leaves a block comment that starts a line before an item with that item, however many comments and commas precede it', async () => {
    // A pattern over the text read `/**/, /* x */` as a single comment, so the last `/**/` seemed to touch `1`.
    const expected = lines('let l = [', '  1 /**/, /* x */', '  /**/ 2,', ']');
    await formatsStably('let l = [1 /**/, /* x */\n  /**/ 2]', expected);
    await formatsStably('let l = [(4385) /*\n*/  \n/**/ , /**/  9e-7]', lines('let l = [', '  (4385) /**/, /*', '*/', '  /**/ 9e-7,', ']'));
  });
});
