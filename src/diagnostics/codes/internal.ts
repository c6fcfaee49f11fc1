import type { MessageSpec } from '../types.js';

/** NN9xxx: internal errors, a bug in nn rather than in the user's program. */
export const internalMessages = {
  NN9001: {
    severity: 'error',
    title: 'internal compiler error',
    template: 'internal error in {stage}: {detail}',
    explanation:
      'A stage of the compiler failed on this input. This is a bug in nn, not in your program; the other diagnostics are still valid.',
    example: '// any input that triggers a bug',
    fix: 'Report the bug with the input file. Meanwhile, try rewriting the construct near the reported place.',
  },
} as const satisfies Record<string, MessageSpec>;
