import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  ShutdownRequest,
  SignatureHelpRequest,
  createProtocolConnection,
  type PublishDiagnosticsParams,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node.js';

/**
 * Drives the real `nn lsp --stdio` (the CLI bundled from src with esbuild) over JSON-RPC, as an
 * editor would.
 */

const uri = 'file:///work/example.nn';
const text = `let hidden = 64
model Net {
  input [4]
  fc1: dense(hidden, activation: rleu)
  dense(3, activation: softmax)
}
train Net {
  data: csv("iris.csv", label: "species")
  loss: cross_entropy
  optimizer: adam(lr: 1e-3)
}
`;

let child: ChildProcess;
let connection: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];
const waiters: ((p: PublishDiagnosticsParams) => void)[] = [];
let stderr = '';
let outdir: string | undefined;

/** The next diagnostics published for `uri` after this call. */
function nextDiagnostics(): Promise<PublishDiagnosticsParams> {
  return new Promise((resolve) => waiters.push(resolve));
}

beforeAll(async () => {
  mkdirSync(join('node_modules', '.cache'), { recursive: true });
  // Inside the project, so the bundle's external packages resolve from its node_modules.
  outdir = mkdtempSync(join('node_modules', '.cache', 'nn-lsp-'));
  const outfile = join(outdir, 'nn.mjs');
  await build({
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    packages: 'external',
    logLevel: 'error',
  });
  child = spawn(process.execPath, [outfile, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  connection = createProtocolConnection(child.stdout!, child.stdin!);
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    waiters.shift()?.(p);
  });
  connection.listen();
}, 60_000);

afterAll(() => {
  connection?.dispose();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
  if (child && child.exitCode === null) child.kill();
});

describe('nn lsp --stdio', () => {
  it('initializes and announces its capabilities', async () => {
    // a live-analysis limit far below the default 256 KiB, as an editor setting would send it
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { maxDocumentLength: 2000 },
    });
    expect(result.serverInfo?.name).toBe('nn');
    expect(result.capabilities).toMatchObject({
      textDocumentSync: { openClose: true, change: 2 },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
    });
    expect(result.capabilities.completionProvider?.triggerCharacters).toContain(':');
    await connection.sendNotification(InitializedNotification.type, {});
  });

  it('publishes the checker diagnostics when a document opens', async () => {
    const next = nextDiagnostics();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'nn', version: 1, text } });
    const { diagnostics } = await next;
    expect(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['NN2002', 3, 33]]);
    expect(diagnostics[0]!.message).toContain("did you mean 'relu'?");
  });

  it('answers hover with the layer and its built-in', async () => {
    const result = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 10 } });
    expect(JSON.stringify(result?.contents)).toContain('**fc1** (`dense`)');
    expect(JSON.stringify(result?.contents)).toContain('dense(units: integer');
  });

  it('completes activations after activation:', async () => {
    const result = await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 4, character: 23 } });
    const labels = (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);
    expect(labels).toContain('softmax');
    expect(labels).not.toContain('dense');
  });

  it('gives signature help inside a call', async () => {
    const result = await connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position: { line: 9, character: 18 } });
    expect(result?.signatures[0]?.label).toMatch(/^adam\(lr: number = 0.001/);
    expect(result?.activeParameter).toBe(0);
  });

  it('goes to the model a train block names, and finds the uses of a let', async () => {
    const def = await connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 6, character: 7 } });
    expect(def).toEqual([{ uri, range: { start: { line: 1, character: 6 }, end: { line: 1, character: 9 } } }]);
    const refs = await connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: { line: 0, character: 5 }, context: { includeDeclaration: true } });
    expect(refs?.map((r) => r.range.start)).toEqual([{ line: 0, character: 4 }, { line: 3, character: 13 }]);
  });

  it('lists document symbols', async () => {
    const result = await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
    expect(result?.map((s) => s.name)).toEqual(['hidden', 'Net', 'train Net']);
  });

  it('offers the checker fix as a quick fix', async () => {
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 3, character: 34 }, end: { line: 3, character: 34 } },
      context: { diagnostics: [] },
    });
    const action = actions?.[0];
    expect(action && 'edit' in action ? action.edit?.changes?.[uri] : undefined).toEqual([
      { range: { start: { line: 3, character: 33 }, end: { line: 3, character: 37 } }, newText: 'relu' },
    ]);
  });

  it('formats the document through the prettier plugin', async () => {
    const edits = await connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits![0]!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 11, character: 0 } });
    expect(edits![0]!.newText).toContain('  data:      csv("iris.csv", label: "species")\n  loss:      cross_entropy\n');
  });

  it('re-checks after an incremental change', async () => {
    const next = nextDiagnostics();
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 33 }, end: { line: 3, character: 37 } }, text: 'relu' }],
    });
    expect((await next).diagnostics).toEqual([]);
    const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 3 } });
    expect(JSON.stringify(hover?.contents)).toContain('[4] → [64], 320 parameters');
  });

  it('takes the live-analysis limit from the initialization options', async () => {
    const body = `model Long {\n  input [4]\n${'  dense(4, activation: relu)\n'.repeat(80)}}\n`;
    expect(body.length).toBeGreaterThan(2000);
    const next = nextDiagnostics();
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///work/long.nn', languageId: 'nn', version: 1, text: body } });
    const { diagnostics } = await next;
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['NN1022', `this file has ${body.length} characters; nn reads files of at most 2000`]]);
  });

  it('survives garbage and a megabyte document, then still answers', async () => {
    const garbage = 'model { ( [ : , } } ) train train let = = \u0000 "unterminated\n/* open';
    const huge = `model Big {\n  input [4]\n${'  dense(4, activation: relu)\n'.repeat(40_000)}}\n`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    for (const [i, body] of [garbage, huge].entries()) {
      const docUri = `file:///work/stress${i}.nn`;
      const next = nextDiagnostics();
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: docUri, languageId: 'nn', version: 1, text: body } });
      const { diagnostics } = await next;
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const position of [{ line: 0, character: 3 }, { line: 2, character: 10 }, { line: 500, character: 2 }]) {
        await connection.sendRequest(HoverRequest.type, { textDocument: { uri: docUri }, position });
        await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: docUri }, position });
        await connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri: docUri }, position });
      }
      await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: docUri } });
    }
    const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 3, character: 3 } });
    expect(hover).not.toBeNull();
    expect(child.exitCode).toBeNull();
  }, 60_000);

  it('shuts down and exits cleanly', async () => {
    await connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await connection.sendNotification(ExitNotification.type);
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
