import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allBuiltins } from '../../src/builtins/index.js';
import { renderReference } from '../../src/builtins/docs.js';
import { renderDiagnosticsDoc } from '../../src/checker/explain.js';
import { messages } from '../../src/diagnostics/index.js';

const docs = join(import.meta.dirname, '..', '..', 'docs');
const update = process.env['NN_UPDATE_DOCS'] === '1';

function expectCurrent(file: string, text: string): void {
  const path = join(docs, file);
  if (update) writeFileSync(path, text);
  const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '';
  expect(onDisk, `docs/${file} is stale: run NN_UPDATE_DOCS=1 npx vitest run test/builtins/docs.test.ts`).toBe(text);
}

describe('generated docs', () => {
  it('docs/reference.md matches the registry', () => {
    expectCurrent('reference.md', renderReference());
  });

  it('docs/diagnostics.md matches the message table', () => {
    expectCurrent('diagnostics.md', renderDiagnosticsDoc());
  });

  it('the reference names every built-in and alias, and the diagnostics page every code', () => {
    const reference = renderReference();
    for (const b of allBuiltins()) for (const n of [b.name, ...b.aliases]) expect(reference).toContain(`\`${n}\``);
    const diagnostics = renderDiagnosticsDoc();
    for (const code of Object.keys(messages)) expect(diagnostics).toContain(`### ${code}:`);
  });
});
