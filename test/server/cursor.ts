import { analyze, type DocumentAnalysis } from '../../src/server/analysis.js';

/** Splits a text with one `<|>` cursor marker into the analysis of the text without it and the cursor offset. */
export function atCursor(marked: string): { analysis: DocumentAnalysis; offset: number } {
  const offset = marked.indexOf('<|>');
  if (offset < 0 || marked.indexOf('<|>', offset + 1) >= 0) throw new Error('expected exactly one <|> marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 3);
  return { analysis: analyze('file:///test.nn', 1, text), offset };
}
