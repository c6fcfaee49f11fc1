import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SourceFile } from '../src/source/index.js';

describe('SourceFile', () => {
  it('maps offsets to 1-based lines and columns across \\n, \\r\\n and \\r', () => {
    const f = new SourceFile('ab\ncd\r\nef\rg');
    expect(f.position(0)).toEqual({ line: 1, column: 1 });
    expect(f.position(3)).toEqual({ line: 2, column: 1 });
    expect(f.position(7)).toEqual({ line: 3, column: 1 });
    expect(f.position(10)).toEqual({ line: 4, column: 1 });
    expect(f.lineText(2)).toBe('cd');
    expect(f.lineCount).toBe(4);
  });

  it('round-trips every offset through its position', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', ' ', 'é') }), (text) => {
        const f = new SourceFile(text);
        for (let o = 0; o <= text.length; o++) {
          // an offset between \r and \n is not a position of its own
          if (text[o - 1] === '\r' && text[o] === '\n') continue;
          expect(f.offset(f.position(o))).toBe(o);
        }
      }),
    );
  });
});
