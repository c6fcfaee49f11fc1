import { resolve } from 'node:path';
import { renderDiagnostic } from '../../diagnostics/index.js';
import { format } from '../../formatter/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { DataError } from '../../io/data-error.js';
import { parse } from '../../parser/index.js';
import { readSourceFile } from '../files.js';
import { parseFlags, UserError, type CliIO, type Command } from '../io.js';
import { terminalPalette } from './check.js';

export const fmtCommand: Command = {
  name: 'fmt',
  summary: 'format .nn files with the prettier plugin (comments kept, train values aligned)',
  usage: `Usage: nn fmt FILE... [--check|--write]

Formats each file. With no flag, prints the formatted text to stdout. A file with a syntax error
is never formatted: its diagnostics are printed and the exit status is 1.

  --check  print the files that are not formatted; exit 1 if there is any
  --write  rewrite the files that are not formatted, in place (atomically)`,
  async run(argv, io) {
    const { values, positionals } = parseFlags('fmt', argv, { check: { type: 'boolean' }, write: { type: 'boolean' } });
    if (positionals.length === 0) throw new UserError('nn fmt: no input files. Usage: nn fmt FILE... [--check|--write]', 2);
    if (values['check'] && values['write']) throw new UserError('nn fmt: --check and --write cannot be used together', 2);
    const mode = values['check'] ? 'check' : values['write'] ? 'write' : 'print';
    let failed = false;
    let unformatted = 0;
    for (const file of positionals) {
      const text = readSourceFile(file, io.cwd);
      const outcome = await formatFile(text, file, io);
      if (outcome === undefined) {
        failed = true;
        continue;
      }
      if (mode === 'print') io.stdout(outcome);
      else if (outcome !== text) {
        unformatted++;
        if (mode === 'check') io.stdout(`${file}\n`);
        else {
          try {
            writeFileAtomic(resolve(io.cwd, file), outcome);
          } catch (e) {
            throw e instanceof DataError ? new UserError(e.format()) : e;
          }
          io.stdout(`formatted ${file}\n`);
        }
      }
    }
    if (mode === 'check' && unformatted > 0) {
      io.stderr(`${unformatted} file${unformatted === 1 ? '' : 's'} not formatted; run nn fmt --write\n`);
    }
    return failed || (mode === 'check' && unformatted > 0) ? 1 : 0;
  },
};

/** The formatted text, or undefined after printing the syntax errors that keep the file from being formatted. */
async function formatFile(text: string, file: string, io: CliIO): Promise<string | undefined> {
  const parsed = parse(text, file);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const palette = terminalPalette(io);
    for (const d of errors) io.stderr(`${renderDiagnostic(d, parsed.source, palette)}\n\n`);
    io.stderr(`${file}: not formatted: fix the syntax error${errors.length === 1 ? '' : 's'} first\n`);
    return undefined;
  }
  return format(text);
}
