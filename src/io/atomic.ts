import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError } from './data-error.js';

/** What `writeFileAtomic` writes: text (UTF-8), bytes, or bytes in chunks (streamed). */
export type AtomicContent = string | Uint8Array | Iterable<Uint8Array>;

/**
 * Writes a file so that readers see either the old content or the new, never a part: the data
 * goes to a temporary file in the same folder (`.NAME.PID-RANDOM.tmp`), is flushed with fsync,
 * and is renamed over `path`. On any error the temporary file is removed, any old file at `path`
 * is left as it was, and DataError NN6042 names the path. Synchronous, so that a signal handler
 * cannot run between the steps.
 *
 * A process killed outright (SIGKILL, power loss) mid-write cannot remove its temporary file;
 * the next write to the same path does, once the process that wrote it is gone (its pid no
 * longer exists), so a live concurrent writer's file is never touched.
 */
export function writeFileAtomic(path: string, content: AtomicContent): void {
  removeStaleTemporaries(path);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const chunks = typeof content === 'string' ? [new TextEncoder().encode(content)] : content instanceof Uint8Array ? [content] : content;
    for (const chunk of chunks) {
      for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // the temporary file was never created, or is already gone
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw new DataError('NN6042', { file: path }, { path, reason });
  }
  syncDirectory(dirname(path));
}

/** Removes `.NAME.PID-RANDOM.tmp` files left beside `path` by writers that no longer run. */
function removeStaleTemporaries(path: string): void {
  const name = basename(path);
  const prefix = `.${name}.`;
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return; // the write itself reports a missing or unreadable folder
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const m = /^(\d+)-[0-9a-f]{12}\.tmp$/.exec(entry.slice(prefix.length));
    if (m === null || processRuns(Number(m[1]))) continue;
    try {
      unlinkSync(join(dirname(path), entry));
    } catch {
      // removed meanwhile, or not ours to remove: either way nothing is lost
    }
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes the rename durable where the platform allows fsync on a folder (not on Windows). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort: the file itself is complete either way
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
