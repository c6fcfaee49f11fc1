import type { Doc } from 'prettier';
import { builders } from 'prettier/doc';
import type { Decl, Program } from '../../ast/types.js';
import type { PrintContext } from './context.js';
import { printExpr, printIdentifier } from './expressions.js';
import { printListBody } from './lists.js';
import { printModel } from './model.js';
import { printTrain } from './train.js';

const { hardline } = builders;

/** A whole file: declarations and comment lines, blank lines between them kept (runs collapsed to one), one final newline. */
export function printProgram(ctx: PrintContext, program: Program): Doc {
  const body = printListBody(ctx, program, program.decls, (decl, indentWidth) => printDecl(ctx, decl as Decl, indentWidth), 0);
  return body.length === 0 ? '' : [body, hardline];
}

function printDecl(ctx: PrintContext, decl: Decl, indentWidth: number): Doc {
  switch (decl.kind) {
    case 'Let':
      return ['let ', printIdentifier(ctx, decl.name), ' = ', printExpr(ctx, decl.value)];
    case 'Model':
      return printModel(ctx, decl, indentWidth);
    case 'Train':
      return printTrain(ctx, decl, indentWidth);
  }
}
