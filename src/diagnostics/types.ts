import type { Range } from '../source/index.js';

/** How serious a diagnostic is; the same four levels as the Language Server Protocol. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit that mechanically applies a fix. */
export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** A machine-applicable fix, offered by the CLI as a hint and by the language server as a code action. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

/** Another place that explains a diagnostic (the first definition of a duplicate, say). */
export interface RelatedLocation {
  readonly file?: string;
  readonly range: Range;
  readonly message: string;
}

/**
 * One problem found in a source file. `code` is stable (banded: NN1xxx syntax, NN2xxx names,
 * NN3xxx shapes, NN4xxx arguments, NN5xxx training setup, NN6xxx files and data, NN8xxx warnings
 * and lints, NN9xxx internal); `message` always comes from the message table.
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: Range;
  readonly file?: string;
  readonly hints: readonly string[];
  readonly related: readonly RelatedLocation[];
  readonly fix?: Fix;
}

/** Values substituted into a message template's `{placeholders}`. */
export type MessageArgs = Readonly<Record<string, string | number>>;

/** One row of the message table. */
export interface MessageSpec {
  readonly severity: Severity;
  /** A short title, used by `nn explain` and the docs. */
  readonly title: string;
  /** The message, with `{name}` placeholders filled from `MessageArgs`. */
  readonly template: string;
  /** What it means, in a paragraph (Markdown). */
  readonly explanation: string;
  /** A small `.nn` program that produces the diagnostic. */
  readonly example: string;
  /** How to fix it (Markdown). */
  readonly fix: string;
}
