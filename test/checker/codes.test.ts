import { describe, expect, it } from 'vitest';
import { argumentMessages } from '../../src/diagnostics/codes/arguments.js';
import { lintMessages } from '../../src/diagnostics/codes/lints.js';
import { nameMessages } from '../../src/diagnostics/codes/names.js';
import { shapeMessages } from '../../src/diagnostics/codes/shapes.js';
import { trainingMessages } from '../../src/diagnostics/codes/training.js';
import { messages } from '../../src/diagnostics/index.js';
import { codes } from './helpers.js';

const bands = { ...nameMessages, ...shapeMessages, ...argumentMessages, ...trainingMessages, ...lintMessages };

describe('the checker\'s diagnostic codes', () => {
  it.each(Object.entries(bands))('%s is produced by its own documented example', (code, spec) => {
    expect(codes(spec.example)).toContain(code);
  });

  it.each(Object.entries(bands))('%s is in the merged table, documented, in its band', (code, spec) => {
    expect(messages[code as keyof typeof messages]).toBe(spec);
    expect(spec.title.length).toBeGreaterThan(3);
    expect(spec.explanation.length).toBeGreaterThan(20);
    expect(spec.fix.length).toBeGreaterThan(5);
    const band = code[2];
    expect(spec.severity).toBe(band === '8' ? 'warning' : 'error');
  });

  it('has no code defined in two band files', () => {
    const all = [nameMessages, shapeMessages, argumentMessages, trainingMessages, lintMessages].flatMap((t) => Object.keys(t));
    expect(new Set(all).size).toBe(all.length);
  });
});
