import {
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, maxLiveLength, offsetAt, requestedMaxLength, type DocumentAnalysis } from './analysis.js';
import { codeActions } from './code-actions.js';
import { completions } from './completion.js';
import { documentDiagnostics } from './diagnostics.js';
import { formattingEdits, type Formatter } from './formatting.js';
import { hover } from './hover.js';
import { definition, references } from './navigation.js';
import { signatureHelp } from './signature.js';
import { documentSymbols } from './symbols.js';

export interface ServerOptions {
  /** The formatter behind `textDocument/formatting`; without one, formatting is not offered. */
  readonly format?: Formatter | undefined;
  /** Delay between the last change and publishing diagnostics, in ms (0 publishes at once). */
  readonly debounceMs?: number;
  /**
   * Longer documents are not analysed live (default `maxLiveLength`); an editor's
   * `initializationOptions.maxDocumentLength` overrides it.
   */
  readonly maxDocumentLength?: number;
}

/** What the server offers, as sent in the `initialize` result. */
export function serverCapabilities(options: ServerOptions): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    completionProvider: { triggerCharacters: [':', '(', ',', '[', ' '] },
    signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
    codeActionProvider: { codeActionKinds: ['quickfix'] },
    ...(options.format ? { documentFormattingProvider: true } : {}),
  };
}

/**
 * Wires the language server's handlers to a connection and starts listening. Every handler is
 * wrapped: an exception in one becomes a logged error and an empty result, so no document can
 * crash the server.
 */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache(options.maxDocumentLength);
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const debounceMs = options.debounceMs ?? 50;

  const guard = <T>(what: string, fallback: T, run: () => T): T => {
    try {
      return run();
    } catch (e) {
      connection.console.error(`nn lsp: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
  const withDocument = <T>(what: string, uri: string, fallback: T, run: (analysis: DocumentAnalysis) => T): T =>
    guard(what, fallback, () => {
      const document = documents.get(uri);
      return document ? run(cache.get(document)) : fallback;
    });

  const publish = (uri: string): void => {
    pending.delete(uri);
    const diagnostics = withDocument('diagnostics', uri, undefined, documentDiagnostics);
    if (diagnostics) void connection.sendDiagnostics({ uri, diagnostics });
  };
  const schedule = (uri: string): void => {
    clearTimeout(pending.get(uri));
    if (debounceMs <= 0) publish(uri);
    else pending.set(uri, setTimeout(() => publish(uri), debounceMs));
  };

  connection.onInitialize((params): InitializeResult => {
    // the editor's setting, if any, over the embedder's option
    const asked = requestedMaxLength(params.initializationOptions);
    if (typeof asked === 'number') cache.setMaxLength(asked);
    else if (asked !== undefined) connection.console.warn(`nn lsp: ${asked.error}; keeping ${options.maxDocumentLength ?? maxLiveLength}`);
    return { capabilities: serverCapabilities(options), serverInfo: { name: 'nn' } };
  });
  // Fired on open as well as on every change.
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = (analysis: DocumentAnalysis, position: { line: number; character: number }): number => offsetAt(analysis.source, position);
  connection.onHover((p) => withDocument('hover', p.textDocument.uri, null, (a) => hover(a, at(a, p.position))));
  connection.onCompletion((p) => withDocument('completion', p.textDocument.uri, [], (a) => completions(a, at(a, p.position))));
  connection.onSignatureHelp((p) => withDocument('signature help', p.textDocument.uri, null, (a) => signatureHelp(a, at(a, p.position))));
  connection.onDefinition((p) => withDocument('definition', p.textDocument.uri, [], (a) => definition(a, at(a, p.position))));
  connection.onReferences((p) => withDocument('references', p.textDocument.uri, [], (a) => references(a, at(a, p.position), p.context.includeDeclaration)));
  connection.onDocumentSymbol((p) => withDocument('document symbols', p.textDocument.uri, [], documentSymbols));
  connection.onCodeAction((p) => withDocument('code actions', p.textDocument.uri, [], (a) => codeActions(a, p.range)));
  connection.onDocumentFormatting(async (p) => {
    const format = options.format;
    if (!format) return [];
    try {
      const document = documents.get(p.textDocument.uri);
      return document ? await formattingEdits(cache.get(document), format) : [];
    } catch (e) {
      connection.console.error(`nn lsp: formatting failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  });

  documents.listen(connection);
  connection.listen();
}
