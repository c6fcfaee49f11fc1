import pc from 'picocolors';
import { checkText } from '../../compiler.js';
import { diagnosticToJson, plainPalette, renderDiagnostic, renderSummary, type DiagnosticJson, type Palette } from '../../diagnostics/index.js';
import { readSourceFile } from '../files.js';
import { parseFlags, UserError, type CliIO, type Command } from '../io.js';

/** Colours for a terminal, from picocolors. */
export function terminalPalette(io: CliIO): Palette {
  if (!io.isTTY || process.env['NO_COLOR']) return plainPalette;
  return { error: pc.red, warning: pc.yellow, info: pc.blue, hint: pc.cyan, bold: pc.bold, dim: pc.dim };
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'type-check .nn files: errors, shape mismatches and training warnings',
  usage: `Usage: nn check FILE... [--json]

Checks each file and prints every diagnostic with its place, the source line and a caret.
Exit status: 1 if any file has an error, 0 otherwise (warnings alone do not fail).

  --json   print one JSON array of {file, range, severity, code, message, hint?}`,
  run(argv, io) {
    const { values, positionals } = parseFlags('check', argv, { json: { type: 'boolean' } });
    if (positionals.length === 0) throw new UserError("nn check: no input files. Usage: nn check FILE... [--json]", 2);
    const palette = terminalPalette(io);
    const json: DiagnosticJson[] = [];
    const all = [];
    for (const file of positionals) {
      const result = checkText(readSourceFile(file, io.cwd), file);
      all.push(...result.diagnostics);
      if (values['json']) json.push(...result.diagnostics.map((d) => diagnosticToJson(d, file)));
      else for (const d of result.diagnostics) io.stdout(`${renderDiagnostic(d, result.source, palette)}\n\n`);
    }
    if (values['json']) io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    else {
      io.stdout(`${positionals.length === 1 ? positionals[0] : `${positionals.length} files`}: ${renderSummary(all)}\n`);
      const first = all.find((d) => d.severity === 'error' || d.severity === 'warning');
      if (first) io.stdout(`For more about a code, with an example and the fix, try \`nn explain ${first.code}\`.\n`);
    }
    return all.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
