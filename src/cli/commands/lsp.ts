import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { startServer, type Formatter } from '../../server/index.js';
import { parseFlags, UserError, type Command } from '../io.js';

/**
 * The prettier plugin's `format`, if the formatter module is present. Loaded by a computed
 * specifier so the server builds and runs whether or not that module exists yet.
 */
async function loadFormatter(): Promise<Formatter | undefined> {
  const specifier = '../../formatter/index.js';
  try {
    const mod = (await import(specifier)) as { format?: unknown };
    return typeof mod.format === 'function' ? (mod.format as Formatter) : undefined;
  } catch {
    return undefined;
  }
}

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'the language server (diagnostics, hover, completion, ...) over stdio',
  usage: `Usage: nn lsp --stdio

Runs the .nn language server, speaking the Language Server Protocol (JSON-RPC) on stdin and
stdout. Editors start it; it runs until the client sends 'exit' or closes the stream.

  --stdio   talk over stdin/stdout (the only transport)`,
  async run(argv) {
    const { values } = parseFlags('lsp', argv, { stdio: { type: 'boolean' } });
    if (!values['stdio']) throw new UserError('nn lsp: give --stdio (the only transport). Usage: nn lsp --stdio', 2);
    const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
    startServer(connection, { format: await loadFormatter() });
    // The connection exits the process on the client's 'exit' notification or when stdin closes.
    return new Promise<number>(() => {});
  },
};
