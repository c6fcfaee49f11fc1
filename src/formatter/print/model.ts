import type { Doc } from 'prettier';
import type { ModelDecl, ModelStmt } from '../../ast/types.js';
import { danglingInline } from './comments.js';
import type { PrintContext } from './context.js';
import { printExpr, printIdentifier } from './expressions.js';
import { printBraced } from './lists.js';

/** `model NAME { ... }`. `indentWidth` is the column the declaration starts at. */
export function printModel(ctx: PrintContext, decl: ModelDecl, indentWidth: number): Doc {
  return ['model ', printIdentifier(ctx, decl.name), ' ', printBlock(ctx, decl, decl.body, indentWidth)];
}

function printBlock(ctx: PrintContext, container: ModelDecl | ModelStmt, body: readonly ModelStmt[], indentWidth: number): Doc {
  return printBraced(ctx, container, body, (stmt, inner) => printModelStmt(ctx, stmt as ModelStmt, inner), indentWidth);
}

/** One statement of a model body, starting a line at column `indentWidth`. */
export function printModelStmt(ctx: PrintContext, stmt: ModelStmt, indentWidth: number): Doc {
  switch (stmt.kind) {
    case 'Input':
      return ['input ', printExpr(ctx, stmt.shape)];
    case 'Layer':
      return stmt.label ? [printIdentifier(ctx, stmt.label), ': ', printExpr(ctx, stmt.layer)] : printExpr(ctx, stmt.layer);
    case 'Repeat':
      return ['repeat ', printExpr(ctx, stmt.count), ' ', printBlock(ctx, stmt, stmt.body, indentWidth)];
    case 'Residual':
      return ['residual', danglingInline(ctx, stmt), ' ', printBlock(ctx, stmt, stmt.body, indentWidth)];
  }
}
