import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from './io.js';

/** Reads a text file named on the command line, or throws a `UserError` naming it. */
export function readSourceFile(path: string, cwd: string): string {
  const full = resolve(cwd, path);
  let stat;
  try {
    stat = statSync(full);
  } catch {
    throw new UserError(`${path}: no such file`);
  }
  if (stat.isDirectory()) throw new UserError(`${path}: is a directory, not a .nn file`);
  try {
    return readFileSync(full, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read the file (${e instanceof Error ? e.message : String(e)})`);
  }
}
