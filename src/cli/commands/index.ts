import type { Command } from '../io.js';
import { checkCommand } from './check.js';
import { summaryCommand } from './summary.js';
import { explainCommand } from './explain.js';
import { fmtCommand } from './fmt.js';
import { lspCommand } from './lsp.js';
import { exportCommand } from './export.js';
import { compileCommand } from './compile.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { predictCommand } from './predict.js';

/**
 * Every `nn` sub-command, in the order `nn help` lists them. Each lives in its own file in this
 * folder; adding a command is adding a file and a line here.
 */
export const commands: readonly Command[] = [checkCommand, fmtCommand, summaryCommand, trainCommand, evalCommand, predictCommand, compileCommand, explainCommand, exportCommand, lspCommand];
