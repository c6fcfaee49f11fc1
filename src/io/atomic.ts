import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError } from './data-error.js';

/** What `writeFileAtomic` writes: text (UTF-8), bytes, or bytes in chunks (streamed). */
export type AtomicContent = string | Uint8Array | Iterable<Uint8Array>;

/**
 * Writes a file so that readers see either the old content or the new, never a part: the data
 * goes to a temporary file in the same folder (`.NAME.RANDOM.tmp`), is flushed with fsync, and
 * is renamed over `path`. On any error the temporary file is removed, any old file at `path`
 * is left as it was, and DataError NN6042 names the path. Synchronous, so that a signal handler
 * cannot run between the steps.
 */
export function writeFileAtomic(path: string, content: AtomicContent): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
