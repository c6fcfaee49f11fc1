/**
 * `npm run bench:frontend`: parse + check time of a generated 10,000-line file (the examples,
 * renamed and repeated). Prints the best of 25 runs, so other load on the machine counts less.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../src/checker/index.js';
import { parse } from '../src/parser/index.js';

// Bundled into dist/bench, so resolve from the package root npm runs scripts in.
const dir = join(process.cwd(), 'examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.nn'))
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'));

/** The examples with every model, train block and constant renamed by copy number `i`. */
function copy(text: string, i: number): string {
  const lets = [...text.matchAll(/^let (\w+)/gm)].map((m) => m[1]!);
  let out = text.replace(/\b(model|train) (\w+)/g, (_, k: string, n: string) => `${k} ${n}_${i}`);
  for (const name of lets) out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}_${i}`);
  return out;
}

const parts: string[] = [];
let lines = 0;
for (let i = 0; lines < 10_000; i++) {
  const text = copy(examples[i % examples.length]!, i);
  parts.push(text);
  lines += text.split('\n').length;
}
const text = parts.join('\n');

let best = { parse: Infinity, check: Infinity, total: Infinity };
let diagnostics = 0;
for (let run = 0; run < 25; run++) {
  const t0 = performance.now();
  const parsed = parse(text, 'bench.nn');
  const t1 = performance.now();
  const checked = check(parsed.program, parsed.source);
  const t2 = performance.now();
  diagnostics = parsed.diagnostics.length + checked.diagnostics.filter((d) => d.severity === 'error').length;
  best = { parse: Math.min(best.parse, t1 - t0), check: Math.min(best.check, t2 - t1), total: Math.min(best.total, t2 - t0) };
}
console.log(`${text.split('\n').length} lines, ${diagnostics} errors; best of 25: parse ${best.parse.toFixed(1)} ms, check ${best.check.toFixed(1)} ms, parse+check ${best.total.toFixed(1)} ms (budget 200 ms)`);
