import { explainPage } from '../../checker/explain.js';
import { parseFlags, UserError, type CliIO, type Command } from '../io.js';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'what a diagnostic code means, an example, and the fix (nn explain NN8001)',
  usage: `Usage: nn explain CODE

Prints the documentation of a diagnostic code, as rustc --explain does: what it means,
a small program that produces it, and how to fix it. CODE is like NN2001 (case-insensitive).`,
  run(argv: readonly string[], io: CliIO): number {
    const { positionals } = parseFlags('explain', argv, {});
    if (positionals.length !== 1) throw new UserError('nn explain: expects one CODE, e.g. nn explain NN8001', 2);
    const page = explainPage(positionals[0]!.toUpperCase());
    if (!page) throw new UserError(`nn explain: unknown diagnostic code '${positionals[0]}'. Codes look like NN2001; docs/diagnostics.md lists them all.`, 2);
    io.stdout(page);
    return 0;
  },
};
