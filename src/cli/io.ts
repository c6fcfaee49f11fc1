import { parseArgs } from 'node:util';

/** Where a command writes; tests substitute buffers. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stdout is a terminal (progress bars, colours). */
  readonly isTTY: boolean;
  readonly cwd: string;
}

/** A mistake by the user (bad flag, missing file, bad data): printed as one message, no stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** One `nn` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for `nn help`. */
  readonly summary: string;
  /** The usage line(s) and flags, for `nn help COMMAND`. */
  readonly usage: string;
  readonly run: (argv: readonly string[], io: CliIO) => Promise<number> | number;
}

/** A flag's declaration, as `util.parseArgs` takes it. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}

/** Parsed flags: strings, booleans, or arrays of them for `multiple` flags. */
export interface ParsedFlags {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** `util.parseArgs` with errors turned into `UserError`s that name the command. */
export function parseFlags(command: string, argv: readonly string[], options: Record<string, FlagSpec>): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: options as never, allowPositionals: true, strict: true });
    return { values: values as ParsedFlags['values'], positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^TypeError \[[A-Z_]+\]: /, '') : String(e);
    throw new UserError(`nn ${command}: ${msg}\nRun 'nn help ${command}' for usage.`, 2);
  }
}

/** Parses a numeric flag, or throws a `UserError` naming it. */
export function numberFlag(command: string, flag: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(`nn ${command}: --${flag} expects ${integer ? 'an integer' : 'a number'}, got '${value}'`, 2);
  }
  return n;
}
