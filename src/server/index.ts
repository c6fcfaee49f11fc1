/**
 * The `.nn` language server: request handlers (one file per request family) over a shared
 * document analysis, and `startServer`, which wires them to an LSP connection.
 */
export { startServer, serverCapabilities, type ServerOptions } from './server.js';
export { analyze, maxLiveLength, AnalysisCache, offsetAt, toLspRange, type DocumentAnalysis } from './analysis.js';
export { documentDiagnostics, toLspDiagnostic } from './diagnostics.js';
export { hover } from './hover.js';
export { completions } from './completion.js';
export { signatureHelp } from './signature.js';
export { definition, references } from './navigation.js';
export { documentSymbols } from './symbols.js';
export { codeActions } from './code-actions.js';
export { formattingEdits, type Formatter } from './formatting.js';
export { cursorContext, type CursorContext, type Slot, type CallInfo } from './context.js';
