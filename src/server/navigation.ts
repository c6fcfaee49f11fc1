import type { Location } from 'vscode-languageserver';
import type { Identifier } from '../ast/types.js';
import { walk } from '../ast/walk.js';
import { pathAt, toLspRange, type DocumentAnalysis } from './analysis.js';

/** A name the user declared: a `let` constant, a model, or a layer's `name:` label (scoped to its model). */
export interface SymbolKey {
  readonly kind: 'let' | 'model' | 'layer';
  /** The name; for layers `MODEL/label`. */
  readonly key: string;
}

interface Occurrence {
  readonly symbol: SymbolKey;
  readonly id: Identifier;
  readonly declaration: boolean;
}

/** Every declaration and use of a user-declared name in the document, in source order. */
function occurrences(analysis: DocumentAnalysis): Occurrence[] {
  const program = analysis.front.parsed.program;
  const lets = new Set(program.decls.flatMap((d) => (d.kind === 'Let' ? [d.name.name] : [])));
  const out: Occurrence[] = [];
  let model = '';
  walk(program, (node, parent) => {
    if (node.kind === 'Let') out.push({ symbol: { kind: 'let', key: node.name.name }, id: node.name, declaration: true });
    else if (node.kind === 'Model') {
      model = node.name.name;
      out.push({ symbol: { kind: 'model', key: model }, id: node.name, declaration: true });
    } else if (node.kind === 'Train') out.push({ symbol: { kind: 'model', key: node.model.name }, id: node.model, declaration: false });
    else if (node.kind === 'Layer' && node.label) out.push({ symbol: { kind: 'layer', key: `${model}/${node.label.name}` }, id: node.label, declaration: true });
    else if (node.kind === 'Name' && parent?.kind !== 'Layer' && lets.has(node.name.name)) out.push({ symbol: { kind: 'let', key: node.name.name }, id: node.name, declaration: false });
  });
  return out;
}

/** The occurrence under the cursor, if the cursor is on a user-declared name. */
function occurrenceAt(analysis: DocumentAnalysis, offset: number, all: readonly Occurrence[]): Occurrence | undefined {
  const path = pathAt(analysis.front.parsed.program, offset);
  const node = path[path.length - 1];
  if (node?.kind !== 'Identifier') return undefined;
  return all.find((o) => o.id === node);
}

const sameSymbol = (a: SymbolKey, b: SymbolKey): boolean => a.kind === b.kind && a.key === b.key;

/** Go to definition: the declaration of the `let`, model or labelled layer under the cursor. */
export function definition(analysis: DocumentAnalysis, offset: number): Location[] {
  const all = occurrences(analysis);
  const at = occurrenceAt(analysis, offset, all);
  if (!at) return [];
  const decl = all.find((o) => o.declaration && sameSymbol(o.symbol, at.symbol));
  return decl ? [{ uri: analysis.uri, range: toLspRange(decl.id.range) }] : [];
}

/** Find references: every use of the name under the cursor, and its declaration when asked. */
export function references(analysis: DocumentAnalysis, offset: number, includeDeclaration: boolean): Location[] {
  const all = occurrences(analysis);
  const at = occurrenceAt(analysis, offset, all);
  if (!at) return [];
  return all
    .filter((o) => sameSymbol(o.symbol, at.symbol) && (includeDeclaration || !o.declaration))
    .map((o) => ({ uri: analysis.uri, range: toLspRange(o.id.range) }));
}
