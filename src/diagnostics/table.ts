import type { MessageArgs, MessageSpec } from './types.js';
import { internalMessages } from './codes/internal.js';
import { nameMessages } from './codes/names.js';
import { shapeMessages } from './codes/shapes.js';
import { argumentMessages } from './codes/arguments.js';
import { trainingMessages } from './codes/training.js';
import { compileMessages } from './codes/compile.js';
import { lintMessages } from './codes/lints.js';
import { fileMessages } from './codes/files.js';
import { syntaxMessages } from './codes/syntax.js';

/**
 * THE message table: every diagnostic code nn can produce, merged from one file per band in
 * `codes/`. A code is added by adding a row to its band's file; `DiagnosticCode` follows.
 */
export const messages = {
  ...internalMessages,
  ...nameMessages,
  ...shapeMessages,
  ...argumentMessages,
  ...trainingMessages,
  ...compileMessages,
  ...lintMessages,
  ...fileMessages,
  ...syntaxMessages,
} as const satisfies Record<string, MessageSpec>;

export type DiagnosticCode = keyof typeof messages;

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(messages, code);
}

/** Fill a template's `{name}` placeholders; an unknown placeholder is kept as written. */
export function formatMessage(template: string, args: MessageArgs = {}): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : whole,
  );
}
