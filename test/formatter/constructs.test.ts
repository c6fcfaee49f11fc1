import { describe, expect, it } from 'vitest';
import { format, nnPlugin, NnSyntaxError } from '../../src/formatter/index.js';
import { format as prettierFormat } from 'prettier/standalone';

const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

describe('formatter layout', () => {
  it('aligns train values one space after the longest key and its colon, and drops entry commas', async () => {
    const out = await format('train M { data: csv("d.csv", label: "y"), validation: split(0.1)\n loss: mse }');
    expect(out).toBe(lines('train M {', '  data:       csv("d.csv", label: "y")', '  validation: split(0.1)', '  loss:       mse', '}'));
  });

  it('aligns each train block on its own longest key', async () => {
    const out = await format('train A { optimizer: sgd(0.1) }\ntrain B { loss: mse }');
    expect(out).toBe(lines('train A {', '  optimizer: sgd(0.1)', '}', 'train B {', '  loss: mse', '}'));
  });

  it('indents nested blocks by two spaces and puts one statement on each line', async () => {
    const out = await format('model M{input [4] repeat 2{residual{dense(4) relu}} fc: dense(1)}');
    expect(out).toBe(
      lines('model M {', '  input [4]', '  repeat 2 {', '    residual {', '      dense(4)', '      relu', '    }', '  }', '  fc: dense(1)', '}'),
    );
  });

  it('keeps one blank line where the source had one or more, and none where it had none', async () => {
    const out = await format('let a = 1\nlet b = 2\n\n\n\nmodel M {\n  input [a]\n\n\n  dense(b)\n}\n');
    expect(out).toBe(lines('let a = 1', 'let b = 2', '', 'model M {', '  input [a]', '', '  dense(b)', '}'));
  });

  it('prints literals as written and normalizes spaces around operators and colons', async () => {
    const out = await format('let x = ( 1_000*2 )+-1e-3 % 4\nlet s = "a\\tb"\nlet t=- -x');
    expect(out).toBe(lines('let x = (1_000 * 2) + -1e-3 % 4', 'let s = "a\\tb"', 'let t = - -x'));
  });

  it('breaks a call that does not fit one argument per line with a trailing comma', async () => {
    const out = await format('model M { dense(64, activation: relu, init: he_normal, regularizer: l2(1e-4)) }', { printWidth: 40 });
    expect(out).toBe(
      lines('model M {', '  dense(', '    64,', '    activation: relu,', '    init: he_normal,', '    regularizer: l2(1e-4),', '  )', '}'),
    );
  });

  it('fills a long list of plain values over as few lines as fit', async () => {
    const out = await format('let s = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]', { printWidth: 30 });
    expect(out).toBe(lines('let s = [', '  1000, 2000, 3000, 4000,', '  5000, 6000, 7000, 8000,', ']'));
  });

  it('prints empty blocks, calls and lists compactly', async () => {
    expect(await format('model M {\n\n}\ntrain M {}\nlet e = f( )\nlet l = [ ]')).toBe(lines('model M {}', 'train M {}', 'let e = f()', 'let l = []'));
  });

  it('formats an empty file, or one with only comments', async () => {
    expect(await format('')).toBe('');
    expect(await format('\n\n// only\n\n\n/* me */\n')).toBe(lines('// only', '', '/* me */'));
  });
});

describe('formatter comments', () => {
  it('keeps a trailing comment at its column when the code leaves room, else one space after', async () => {
    const src = lines('model M {', '  relu                // a', '  dense(10,activation:relu) // b', '  dense(1,   activation: relu) // c', '}');
    expect(await format(src)).toBe(
      lines('model M {', '  relu                // a', '  dense(10, activation: relu) // b', '  dense(1, activation: relu)   // c', '}'),
    );
    const shrunk = lines('model M {', '  relu // a', '}');
    expect(await format(shrunk)).toBe(shrunk);
  });

  it('keeps comments before declarations, after an opening brace, in empty blocks and between train entries', async () => {
    const src = lines(
      '// header',
      '',
      '/* about M */',
      'model M { // opens',
      '  // first',
      '  input [4]',
      '  residual {',
      '    // nothing yet',
      '  }',
      '}',
      'train M {',
      '  data: csv("a.csv", label: "y")',
      '  // the loss',
      '  loss: mse /* inline */ // and more',
      '}',
      '// footer',
    );
    expect(await format(src)).toBe(
      lines(
        '// header',
        '',
        '/* about M */',
        'model M { // opens',
        '  // first',
        '  input [4]',
        '  residual {',
        '    // nothing yet',
        '  }',
        '}',
        'train M {',
        '  data: csv("a.csv", label: "y")',
        '  // the loss',
        '  loss: mse /* inline */ // and more',
        '}',
        '// footer',
      ),
    );
  });

  it('keeps comments between call arguments next to their argument, breaking the call', async () => {
    const out = await format('model M {\n  dense(10, // units\n    activation: relu)\n}');
    expect(out).toBe(lines('model M {', '  dense(', '    10, // units', '    activation: relu,', '  )', '}'));
    expect(await format('let x = f(/* none */)\nlet y = f(1, /* two */ 2)')).toBe(lines('let x = f(/* none */)', 'let y = f(1, /* two */ 2)'));
    expect(await format('let z = f(\n  1,\n  // last\n)')).toBe(lines('let z = f(', '  1,', '  // last', ')'));
  });

  it('keeps inline comments beside the node they touch inside declarations', async () => {
    expect(await format('let /* a */ x /* b */ = /* c */ 1')).toBe(lines('let /* a */ x /* b */ = /* c */ 1'));
    expect(await format('train M {\n  data: /* d */ csv("a")\n}')).toBe(lines('train M {', '  data: /* d */ csv("a")', '}'));
  });

  it('ends the line after a line comment inside an expression so nothing is swallowed by it', async () => {
    const out = await format('let x = 1 + // one\n  2\nlet y = f(a // two\n)\nlet z = 3 // three\n  * 4');
    expect(out).toBe(lines('let x = 1 + // one', '  2', 'let y = f(', '  a, // two', ')', 'let z = 3 // three', ' *', '  4'));
    expect(await format(out)).toBe(out);
  });
});

describe('formatter errors and plugin', () => {
  it('refuses a file with a syntax error, naming its place and message', async () => {
    const attempt = format('model M {\n  dense(10,, 2)\n}\n');
    await expect(attempt).rejects.toBeInstanceOf(NnSyntaxError);
    await expect(attempt).rejects.toThrow(/^2:\d+: .*\(NN1\d{3}\)/);
  });

  it('works through prettier with the plugin: language nn for .nn files, parser nn', async () => {
    expect(nnPlugin.languages?.[0]).toMatchObject({ name: 'nn', extensions: ['.nn'], parsers: ['nn'] });
    const out = await prettierFormat('let  a=1', { filepath: 'x.nn', plugins: [nnPlugin] });
    expect(out).toBe('let a = 1\n');
  });

  it('keeps the formatter free of Node built-ins, so it runs in a browser', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = join(import.meta.dirname, '..', '..', 'src', 'formatter');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(readFileSync(join(root, f), 'utf8')).not.toMatch(/from '(node:|fs|path)/);
  });
});
