/**
 * Runs a Python script under Debian's python3-torch 1.13 (/usr/bin/python3) and returns its
 * JSON output. Used by the cross-checks of optimizers, clipping and schedules against PyTorch.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const TORCH_PYTHON = '/usr/bin/python3';

/** Whether the system Python has torch installed (checked once per test file). */
export function torchAvailable(): boolean {
  if (!existsSync(TORCH_PYTHON)) return false;
  try {
    // find_spec does not import torch, which takes over a second
    const found = execFileSync(TORCH_PYTHON, ['-c', 'import importlib.util as u; print(u.find_spec("torch") is not None)'], { encoding: 'utf8', timeout: 60_000 });
    return found.trim() === 'True';
  } catch {
    return false;
  }
}

/** Runs `script` with `input` as JSON on stdin and parses its stdout as JSON. */
export function runTorch<T>(script: string, input: unknown): T {
  const out = execFileSync(TORCH_PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

/** |a - b| <= rel·|b| + abs for every element, reporting the first offender. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-10, abs = 1e-14): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!(Math.abs(a - b) <= rel * Math.abs(b) + abs)) return `element ${i}: ${a} vs ${b}`;
  }
  return null;
}
