import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { format } from '../../formatter/index.js';
import { startServer } from '../../server/index.js';
import { parseFlags, UserError, type Command } from '../io.js';

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
    startServer(connection, { format: (text) => format(text) });
    // The connection exits the process on the client's 'exit' notification or when stdin closes.
    return new Promise<number>(() => {});
  },
};
