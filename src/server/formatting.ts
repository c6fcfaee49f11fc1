import type { TextEdit } from 'vscode-languageserver';
import { lspRangeOf, type DocumentAnalysis } from './analysis.js';

/** Formats `.nn` text (the prettier plugin's `format`); rejects a text it refuses to format. */
export type Formatter = (text: string) => Promise<string>;

/**
 * The edits that format the whole document: one replacement when the formatter changes
 * anything, none when the text is already formatted or has syntax errors (the formatter
 * refuses those rather than drop text, and so does the server).
 */
export async function formattingEdits(analysis: DocumentAnalysis, format: Formatter): Promise<TextEdit[]> {
  if (analysis.front.parsed.diagnostics.some((d) => d.severity === 'error')) return [];
  const formatted = await format(analysis.text);
  if (formatted === analysis.text) return [];
  return [{ range: lspRangeOf(analysis.source, 0, analysis.text.length), newText: formatted }];
}
