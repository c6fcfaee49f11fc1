import { commands } from './commands/index.js';
import { UserError, type CliIO } from './io.js';
import { version } from './version.js';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'nn: a declarative language for neural networks',
    '',
    'Usage: nn COMMAND [ARGS...]',
    '',
    'Commands:',
    ...rows,
    `  ${'help'.padEnd(width)}  usage of every command and flag (nn help COMMAND)`,
    '',
    'Options: --version, --help',
    '',
  ].join('\n');
}

/**
 * Runs `nn` with the given arguments and returns the exit code. User mistakes become one
 * message on stderr; anything else is reported as an internal error (stack only with NN_DEBUG=1).
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      io.stdout(helpText());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      io.stdout(`nn ${version()}\n`);
      return 0;
    }
    if (name === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        io.stdout(helpText());
        return 0;
      }
      const command = commands.find((c) => c.name === topic);
      if (!command) throw new UserError(`nn help: unknown command '${topic}'. Commands: ${commands.map((c) => c.name).join(', ')}`, 2);
      io.stdout(`${command.usage.trimEnd()}\n`);
      return 0;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) {
      throw new UserError(`nn: unknown command '${name}'. Run 'nn help' for the list of commands.`, 2);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${command.usage.trimEnd()}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr(`${e.message}\n`);
      return e.exitCode;
    }
    const detail = e instanceof Error ? e.message : String(e);
    io.stderr(`nn: internal error: ${detail}\nThis is a bug in nn; please report it with the input that caused it.\n`);
    if (process.env['NN_DEBUG'] && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return 70;
  }
}
