/**
 * `npm run bench:frontend`: parse + check time of a generated 10,000-line file (the examples,
 * renamed and repeated). Prints the best of 25 runs, so other load on the machine counts less,
 * by wall time (the budget) and by CPU time (what the front end itself costs, steadier on a
 * shared machine: it leaves out time spent waiting for a core). Then the parse time of the largest
 * file the parser accepts, made of random bytes (the worst case for error recovery).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../src/checker/index.js';
import { maxSourceLength, parse } from '../src/parser/index.js';
import { garbage } from './garbage.js';

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
let cpu = { parse: Infinity, check: Infinity, total: Infinity };
// CPU time of the whole process (GC helper threads included), in ms.
const ms = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
let diagnostics = 0;
for (let run = 0; run < 25; run++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const parsed = parse(text, 'bench.nn');
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const checked = check(parsed.program, parsed.source);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  diagnostics = parsed.diagnostics.length + checked.diagnostics.filter((d) => d.severity === 'error').length;
  best = { parse: Math.min(best.parse, t1 - t0), check: Math.min(best.check, t2 - t1), total: Math.min(best.total, t2 - t0) };
  const p = ms(c1) - ms(c0);
  const c = ms(c2) - ms(c1);
  cpu = { parse: Math.min(cpu.parse, p), check: Math.min(cpu.check, c), total: Math.min(cpu.total, p + c) };
}
const f = (n: number): string => n.toFixed(1);
console.log(
  `${text.split('\n').length} lines (${Math.round(text.length / 1000)} KB), ${diagnostics} errors; best of 25: ` +
    `parse ${f(best.parse)} ms, check ${f(best.check)} ms, parse+check ${f(best.total)} ms (budget 200 ms); ` +
    `CPU time: parse ${f(cpu.parse)} ms, check ${f(cpu.check)} ms, parse+check ${f(cpu.total)} ms`,
);

const junk = garbage(maxSourceLength);
let fastest = Infinity;
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  parse(junk, 'garbage.nn');
  fastest = Math.min(fastest, performance.now() - t0);
}
console.log(`${maxSourceLength.toLocaleString('en')} characters of random bytes (the largest accepted file): parse ${f(fastest)} ms, best of 3`);
