/**
 * bench:lsp: the language server's cost of an edit on a 1,000-line document. Drives the server
 * in-process over an in-memory JSON-RPC pipe (debounce off), applies one incremental change and
 * measures the time from sending didChange to receiving the published diagnostics, plus the
 * analysis (parse + check) alone and a few requests. Run with `npm run bench:lsp`.
 */
import { PassThrough } from 'node:stream';
import { createConnection } from 'vscode-languageserver/node.js';
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializeRequest,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { analyze } from '../src/server/analysis.js';
import { startServer } from '../src/server/server.js';

/** A realistic document of `lines` lines: many small models and train blocks, with lets and comments. */
function document(lines: number): string {
  const out: string[] = ['let hidden = 64', 'let rate = 0.1', ''];
  let i = 0;
  while (out.length < lines - 20) {
    i++;
    out.push(
      `// model ${i}`,
      `model M${i} {`,
      '  input [1, 28, 28]',
      '  conv2d(8, 3, padding: same, activation: relu, init: he_normal)',
      '  maxpool2d(2)',
      '  flatten',
      `  fc${i}: dense(hidden * 2, activation: relu)`,
      '  dropout(rate)',
      '  repeat 2 {',
      '    dense(hidden, activation: gelu)',
      '    layernorm',
      '  }',
      '  dense(10, activation: softmax)',
      '}',
      `train M${i} {`,
      '  data:       csv("data/train.csv", label: "label")',
      '  loss:       cross_entropy',
      '  optimizer:  adam(lr: 1e-3)',
      '  epochs:     5',
      '}',
    );
  }
  while (out.length < lines) out.push('');
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const lines = 1000;
  const text = document(lines);
  const uri = 'file:///bench.nn';

  for (let i = 0; i < 20; i++) analyze(uri, i, text); // warm up the JIT
  const analysisTimes: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    analyze(uri, i, text);
    analysisTimes.push(performance.now() - t);
  }

  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(toServer, toClient), { debounceMs: 0 });
  const client = createProtocolConnection(toClient, toServer);
  let resolve: ((p: PublishDiagnosticsParams) => void) | undefined;
  client.onNotification(PublishDiagnosticsNotification.type, (p) => resolve?.(p));
  client.listen();
  const published = (): Promise<PublishDiagnosticsParams> => new Promise((r) => (resolve = r));
  await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null });
  let next = published();
  await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'nn', version: 1, text } });
  await next;

  // Each edit toggles the activation of one dense layer in the middle of the file.
  const line = text.split('\n').findIndex((l, i) => i > lines / 2 && l.includes('dense(hidden, activation: gelu)'));
  const column = '    dense(hidden, activation: '.length;
  const editTimes: number[] = [];
  let diagnostics = 0;
  for (let version = 2; version < 42; version++) {
    next = published();
    const t = performance.now();
    await client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: column }, end: { line, character: column + 4 } }, text: version % 2 ? 'gelu' : 'relu' }],
    });
    diagnostics = (await next).diagnostics.length;
    editTimes.push(performance.now() - t);
  }

  const requestTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 6 } });
    await client.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: column } });
    requestTimes.push(performance.now() - t);
  }
  client.dispose();

  const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
  console.log(`document: ${lines} lines, ${text.length} characters, ${diagnostics} diagnostics after the last edit`);
  console.log(`analysis (parse + check), median of ${analysisTimes.length}: ${fmt(median(analysisTimes))} (best ${fmt(Math.min(...analysisTimes))})`);
  console.log(`didChange -> diagnostics published, median of ${editTimes.length}: ${fmt(median(editTimes))} (best ${fmt(Math.min(...editTimes))}, worst ${fmt(Math.max(...editTimes))})`);
  console.log(`hover + completion after the edit, median of ${requestTimes.length}: ${fmt(median(requestTimes))}`);
  process.exit(0);
}

await main();
