import { format as prettierFormat } from 'prettier/standalone';
import { defaultPrintWidth, nnPlugin } from './plugin.js';

export { nnPlugin, defaultPrintWidth } from './plugin.js';
export { NnSyntaxError } from './parse.js';
export type { AttachedComment, CommentAttachment, CommentSlots, ListEntry, Placement } from './comments.js';

/** Layout options of {@link format}. */
export interface FormatOptions {
  /** The line width to fit in; default {@link defaultPrintWidth}. */
  readonly printWidth?: number;
  /** Spaces per indentation level; default 2. */
  readonly tabWidth?: number;
}

/**
 * Formats `.nn` source text with prettier (standalone build, so it runs in a browser too) and the
 * `.nn` plugin. Rejects with `NnSyntaxError` if the text has a syntax error.
 */
export function format(text: string, options: FormatOptions = {}): Promise<string> {
  return prettierFormat(text, {
    parser: 'nn',
    plugins: [nnPlugin],
    printWidth: options.printWidth ?? defaultPrintWidth,
    tabWidth: options.tabWidth ?? 2,
  });
}
