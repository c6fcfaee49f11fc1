import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyString } from '../../src/export/python.js';
import { exportProgram, python, tempDir } from './helpers.js';

const nasty = [
  'a"b',
  "a'b",
  'back\\slash\\',
  'new\nline',
  '"""',
  "'''",
  "__import__('os').system('touch PWNED')",
  '"); __import__("os").system("touch PWNED"); ("',
  '\\"; import os; os.system("touch PWNED") #',
  'tab\tand\rcarriage',
  'unicode é ☃ 𝔘',
];

/** A .nn string literal holding `s` (the language's escapes). */
const nnString = (s: string): string => JSON.stringify(s);

describe('pyString', () => {
  it('round-trips every string through Python exactly', () => {
    const dir = tempDir('pystring');
    const samples = [...nasty, '', '\ud800 lone surrogate', 'x'.repeat(3)];
    writeFileSync(join(dir, 'check.py'), `import json, sys\nvalues = [${samples.map(pyString).join(', ')}]\nsys.stdout.write(json.dumps(values))\n`);
    expect(JSON.parse(python(['check.py'], dir))).toEqual(samples);
  });

  it('emits only printable ASCII, so no character can end the literal or the line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const lit = pyString(s);
        expect(lit).toMatch(/^"([\x20-\x7e])*"$/);
        // An unescaped quote would end the literal early: every quote inside is preceded by an odd run of backslashes.
        const inner = lit.slice(1, -1);
        for (let i = 0; i < inner.length; i++) {
          if (inner[i] === '"') {
            let k = i - 1;
            while (k >= 0 && inner[k] === '\\') k--;
            expect((i - 1 - k) % 2).toBe(1);
          }
        }
      }),
    );
  });
});

describe('hostile names and paths in the .nn file', () => {
  it('give a program that compiles, runs and creates no file, with names reaching Python as plain data', () => {
    const dir = tempDir('hostile');
    const out = join(dir, 'out');
    const path = nasty.join('/');
    const text = `model __class__ {
  input [2]
  forward: dense(3, activation: relu)
  training: dense(3)
  state_dict: dense(2)
  __init__: dense(1)
}

train __class__ {
  data: csv(${nnString(path)}, label: ${nnString(nasty[7]!)})
  validation: idx(${nnString(nasty[6]!)}, ${nnString(nasty[3]!)})
  loss: mse
  optimizer: sgd(0.1)
}
`;
    exportProgram(text, out, nasty[4]!);
    python(['-m', 'py_compile', 'model.py', 'train.py'], out);
    const probe = `import json, sys
sys.path.insert(0, ".")
import model, train
m = model.Model()
print(json.dumps({"name": model.MODEL_NAME, "keys": sorted(model.weights_of(m)), "data_dir": train.DATA_DIR, "path": train.data_path(${pyString(path)})}))
try:
    train.load_data()
except (FileNotFoundError, OSError) as e:
    print(json.dumps({"missing": e.filename}))
`;
    writeFileSync(join(out, 'probe.py'), probe);
    const lines = python(['probe.py'], out).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      name: '__class__',
      keys: ['__init__.bias', '__init__.weight', 'forward.bias', 'forward.weight', 'state_dict.bias', 'state_dict.weight', 'training.bias', 'training.weight'],
    });
    expect(String(lines[0]!['data_dir']).endsWith(`/${nasty[4]}`)).toBe(true);
    expect(lines[1]!['missing']).toBe(join(String(lines[0]!['data_dir']), path));
    expect(existsSync(join(out, 'PWNED')) || readdirSync(dir).includes('PWNED')).toBe(false);
    // The label column reaches train.py as one escaped literal, nothing else.
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toContain(`label=${pyString(nasty[7]!)})`);
  });
});
