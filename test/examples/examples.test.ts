import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBuiltins } from '../../src/builtins/index.js';
import type { ArgValue, BuiltinRef, CheckedNode, CheckResult } from '../../src/checker/index.js';
import { checkText } from '../checker/helpers.js';

const dir = join(import.meta.dirname, '..', '..', 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.nn')).sort();
/** Warnings each example is meant to produce (every other example must be clean). */
const intendedWarnings: Record<string, string[]> = { 'deep-sigmoid.nn': ['NN8001'] };

function isRef(v: ArgValue | undefined): v is BuiltinRef {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refsIn(args: Readonly<Record<string, ArgValue>>, out: Set<string>): void {
  for (const v of Object.values(args)) {
    if (isRef(v)) {
      out.add(`${v.kind}:${v.builtin}`);
      refsIn(v.args, out);
    }
  }
}

function nodesUse(nodes: readonly CheckedNode[], out: Set<string>): void {
  for (const n of nodes) {
    if (n.type === 'residual') nodesUse(n.body, out);
    else {
      out.add(`${n.kind}:${n.builtin}`);
      refsIn(n.args, out);
    }
  }
}

/** Every `kind:name` a checked program uses as written (defaults included, fixed layer inits not). */
function used(result: CheckResult): Set<string> {
  const out = new Set<string>();
  for (const m of result.program.models) nodesUse(m.nodes, out);
  for (const t of result.program.trains) {
    for (const ref of [t.data, t.validation, t.loss, t.optimizer, t.schedule, t.clip, t.regularize, t.earlyStop, ...t.metrics]) {
      if (ref) {
        out.add(`${ref.kind}:${ref.builtin}`);
        refsIn(ref.args, out);
      }
    }
  }
  return out;
}

describe('examples', () => {
  it('there are at least 8 of them', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s checks without errors, with warnings only where intended', (file) => {
    const result = checkText(readFileSync(join(dir, file), 'utf8'), file);
    expect(result.all.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(result.all.filter((d) => d.severity === 'warning').map((d) => d.code)).toEqual(intendedWarnings[file] ?? []);
    expect(result.program.models.every((m) => m.valid)).toBe(true);
  });

  it('together use every built-in of the registry', () => {
    const all = new Set<string>();
    for (const file of files) for (const u of used(checkText(readFileSync(join(dir, file), 'utf8'), file))) all.add(u);
    const missing = allBuiltins()
      .map((b) => `${b.kind}:${b.name}`)
      .filter((k) => !all.has(k) && !(k.startsWith('activation:') && all.has(k.replace('activation:', 'layer:'))));
    expect(missing).toEqual([]);
  });

  it('together use repeat, residual, labels, let constants and arithmetic', () => {
    const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    for (const construct of [/repeat \w+ \{/, /residual \{/, /^\s+\w+: (dense|conv2d)\(/m, /^let /m, /\w+ \* \d/, /batch:\s+full/, /\/\*|\/\//]) {
      expect(text).toMatch(construct);
    }
  });
});
