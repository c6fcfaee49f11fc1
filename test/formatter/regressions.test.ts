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

  it('starts a new line after a line comment that follows a binary operator, so the comments after it are not swallowed', async () => {
    const expected = lines('let x = a / // one', '  /* two */', '  /*', '*/ 3');
    await formatsStably('let x = a / // one\n /* two */ \n/*\n*/  3\n', expected);
  });

  it('writes a comment deferred to the end of an item line after a deferred line comment on a line of its own', async () => {
    // Both were line suffixes after `1`, printed as `// a /* b */`: the line comment swallowed the other.
    await formatsStably('let l = [1 // a\n, /* b */\n 2]', lines('let l = [', '  1, // a', '  /* b */', '  2,', ']'));
  });

  it('sees other comments through when asking whether a comment ends its line or starts one', async () => {
    // `/* a */` ended its line, then was printed before `// b` and no longer did: it moved past the operator.
    await formatsStably('let x = y % /* a */ \n\n// b\n -1e5\n', lines('let x = y % /* a */ // b', '  -1e5'));
    // The same in a list: `/* c */` after `/* b */` on a line of its own is on a line of its own too.
    await formatsStably('let l = [1, // a\n /* b */ /* c */\n 2]', lines('let l = [', '  1, // a', '  /* b */', '  /* c */', '  2,', ']'));
    // A comment on the line of the next token stays before it, whatever comments come first on the line.
    await formatsStably('let l = [1,\n /* b */ /* c */ 2]', lines('let l = [1, /* b */ /* c */ 2]'));
  });
});
