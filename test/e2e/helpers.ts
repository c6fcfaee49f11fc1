import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** The repository root and the built CLI. */
export const root = resolve(import.meta.dirname, '..', '..');
export const cli = join(root, 'dist', 'cli', 'main.js');

/** True when every src/ module has a compiled dist/ counterpart newer than it. */
function distIsFresh(): boolean {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return walk(join(root, 'src'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .every((f) => {
      const out = join(root, 'dist', relative(join(root, 'src'), f)).replace(/\.ts$/, '.js');
      return existsSync(out) && statSync(out).mtimeMs >= statSync(f).mtimeMs;
    });
}

/**
 * Builds dist/ with `npm run build` (tsc), as a user's `npm ci` does. A type error elsewhere in
 * the tree makes tsc exit non-zero but it still emits; the CLI must then exist and be fresh.
 * Skipped when dist/ is already newer than every source file.
 */
export function build(): void {
  if (distIsFresh()) return;
  const before = Date.now();
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  } catch {
    // reported below if nothing usable was emitted
  }
  if (!existsSync(cli) || statSync(cli).mtimeMs < before - 1000) throw new Error('npm run build did not produce dist/cli/main.js');
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `nn ARGS` in `cwd` (stdout is a pipe, so not a terminal). */
export function nn(args: readonly string[], cwd = root): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `nn ARGS` and SIGKILLs it as soon as a stdout line satisfies `when`. */
export function nnKilledWhen(args: readonly string[], when: (line: string) => boolean, cwd = root): Promise<{ signal: NodeJS.Signals | null; lines: string[] }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let rest = '';
    child.stdout.on('data', (chunk: Buffer) => {
      rest += chunk.toString('utf8');
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (when(line)) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => done({ signal, lines }));
  });
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nn-e2e-'));
}

/** The files in a folder (sorted), to check that a failed command left nothing behind. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** True when the text looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.*:\d+:\d+\)$/m.test(text) || /\n\s+at /.test(text);
}
