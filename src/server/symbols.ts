import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { printExpr } from '../ast/print.js';
import type { ModelStmt } from '../ast/types.js';
import { formatCount, formatShape, layersAt, toLspRange, type DocumentAnalysis } from './analysis.js';

function statementSymbol(analysis: DocumentAnalysis, stmt: ModelStmt): DocumentSymbol | undefined {
  const range = toLspRange(stmt.range);
  switch (stmt.kind) {
    case 'Input':
      return { name: 'input', kind: SymbolKind.Field, detail: printExpr(stmt.shape), range, selectionRange: range };
    case 'Layer': {
      if (stmt.layer.kind === 'Missing') return undefined;
      const builtin = stmt.layer.kind === 'Call' ? stmt.layer.callee.name : stmt.layer.name.name;
      const checked = layersAt(analysis, stmt.range.startOffset)?.layers[0];
      const name = stmt.label?.name ?? checked?.name ?? builtin;
      const detail = checked ? `${builtin} → ${formatShape(checked.outputShape)}` : builtin;
      return { name, kind: SymbolKind.Field, detail, range, selectionRange: toLspRange((stmt.label ?? stmt.layer).range) };
    }
    case 'Repeat':
      return { name: `repeat ${printExpr(stmt.count)}`, kind: SymbolKind.Namespace, range, selectionRange: range, children: bodySymbols(analysis, stmt.body) };
    case 'Residual':
      return { name: 'residual', kind: SymbolKind.Namespace, range, selectionRange: range, children: bodySymbols(analysis, stmt.body) };
  }
}

function bodySymbols(analysis: DocumentAnalysis, body: readonly ModelStmt[]): DocumentSymbol[] {
  return body.flatMap((s) => statementSymbol(analysis, s) ?? []);
}

/** The outline: `let` constants, models with their layers (nested through repeat/residual), trains with their keys. */
export function documentSymbols(analysis: DocumentAnalysis): DocumentSymbol[] {
  const checked = analysis.front.checked.program;
  return analysis.front.parsed.program.decls.map((decl): DocumentSymbol => {
    const range = toLspRange(decl.range);
    switch (decl.kind) {
      case 'Let': {
        const value = checked.constants.get(decl.name.name);
        return { name: decl.name.name, kind: SymbolKind.Constant, detail: value === undefined ? printExpr(decl.value) : String(value), range, selectionRange: toLspRange(decl.name.range) };
      }
      case 'Model': {
        const model = checked.models.find((m) => m.range.startOffset === decl.range.startOffset);
        const detail = model ? `${formatShape(model.inputShape)} → ${formatShape(model.outputShape)}, ${formatCount(model.totalParams)} params` : '';
        return { name: decl.name.name, kind: SymbolKind.Class, detail, range, selectionRange: toLspRange(decl.name.range), children: bodySymbols(analysis, decl.body) };
      }
      case 'Train':
        return {
          name: `train ${decl.model.name}`,
          kind: SymbolKind.Struct,
          range,
          selectionRange: toLspRange(decl.model.range),
          children: decl.entries.map((e) => ({ name: e.key.name, kind: SymbolKind.Property, detail: printExpr(e.value), range: toLspRange(e.range), selectionRange: toLspRange(e.key.range) })),
        };
    }
  });
}
