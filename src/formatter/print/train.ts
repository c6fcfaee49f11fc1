import type { Doc } from 'prettier';
import type { TrainDecl, TrainEntry } from '../../ast/types.js';
import type { PrintContext } from './context.js';
import { printExpr, printIdentifier } from './expressions.js';
import { printBraced } from './lists.js';

/**
 * `train MODEL { key: value ... }` with the values in one column: each key is followed by its
 * colon and enough spaces that every value starts one space after the longest `key:`, as in
 *
 * ```nn
 * train Mnist {
 *   data:       csv("data/mnist-train.csv", label: "label")
 *   validation: split(0.1)
 * }
 * ```
 *
 * Entry commas, which the grammar allows, are dropped.
 */
export function printTrain(ctx: PrintContext, decl: TrainDecl, indentWidth: number): Doc {
  const keyWidth = Math.max(0, ...decl.entries.map((e) => e.key.name.length));
  const printEntry = (entry: TrainEntry): Doc => [
    printIdentifier(ctx, entry.key),
    ':',
    ' '.repeat(keyWidth - entry.key.name.length + 1),
    printExpr(ctx, entry.value),
  ];
  return ['train ', printIdentifier(ctx, decl.model), ' ', printBraced(ctx, decl, decl.entries, (e) => printEntry(e as TrainEntry), indentWidth)];
}
