// @ts-check
'use strict';

/**
 * The VS Code client for `.nn` files: starts the nn language server (`nn lsp --stdio` by default,
 * see the `nn.server.*` settings) and connects it to every `nn` document. Plain JavaScript, so the
 * extension needs no build step; `vscode-languageclient` comes from `npm install` in this folder.
 */
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  const config = vscode.workspace.getConfiguration('nn');
  const command = config.get('server.command', 'nn');
  const args = config.get('server.args', ['lsp', '--stdio']);
  // Documents longer than this many characters get one diagnostic instead of live analysis.
  const maxDocumentLength = config.get('maxDocumentLength', 262144);
  // An executable without `transport` talks over stdin/stdout; `--stdio` is already in `args`.
  const run = { command, args, options: { shell: process.platform === 'win32' } };
  const client = new LanguageClient(
    'nn',
    'nn language server',
    { run, debug: run },
    {
      documentSelector: [{ language: 'nn' }],
      initializationOptions: { maxDocumentLength },
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.nn') },
    },
  );
  // VS Code disposes subscriptions on deactivation, which stops the server: no module state needed.
  context.subscriptions.push(client, vscode.commands.registerCommand('nn.restartServer', () => client.restart()));
  await client.start();
}

function deactivate() {}

module.exports = { activate, deactivate };
