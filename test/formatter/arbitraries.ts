import fc from 'fast-check';
import { print } from '../../src/ast/print.js';
import { parse } from '../../src/parser/index.js';
import type { Decl, Program } from '../../src/ast/types.js';
import { programArb } from '../arbitraries/program.js';

/** The longest program (as printed) that the formatter properties format, in characters. */
const maxProgramChars = 1200;

/**
 * Random well-formed programs of at most {@link maxProgramChars} printed characters: the leading
 * declarations of a random program that fit. Formatting is the cost of each run, and without the
 * bound a few programs of several kilobytes took most of the time of a property.
 */
export const boundedProgramArb: fc.Arbitrary<Program> = programArb.map((program) => {
  const decls: Decl[] = [];
  let chars = 0;
  for (const decl of program.decls) {
    chars += print({ ...program, decls: [decl] }).length;
    if (chars > maxProgramChars) break;
    decls.push(decl);
  }
  return { ...program, decls };
});

/** One comment and what follows it: a line break after a line comment, a space or nothing after a block comment. */
const commentArb = fc.oneof(
  fc.stringMatching(/^[ a-z0-9.,:()]{0,12}$/).map((body) => ({ text: `//${body}`, after: '\n' })),
  fc.stringMatching(/^[ a-z0-9.,:()]{0,12}$/).map((body) => ({ text: `/*${body}*/`, after: ' ' })),
  fc.tuple(fc.stringMatching(/^[a-z ]{0,6}$/), fc.stringMatching(/^[a-z ]{0,6}$/)).map(([a, b]) => ({ text: `/*${a}\n${b}*/`, after: ' ' })),
  fc.stringMatching(/^[a-z ]{0,6}$/).map((body) => ({ text: `/*${body}*/`, after: '' })),
);

// Never glued to the text before: after a `/` operator, `/*` would read as `//*`.
const beforeArb = fc.constantFrom(' ', '\n', '  ', '\n\n', ' \n', '\t', '\r\n');

/**
 * `.nn` source text with comments in random places: a random well-formed program (bounded,
 * printed by the canonical printer) with line comments (`// ...` and a line break) and block
 * comments (`/* ... *\/`, some spanning lines, some glued to the next token) inserted between
 * random tokens, before the first token and after the last, each after spaces, a tab or (LF or
 * CRLF) line breaks. Comments never change what a file means, so the text parses to the same
 * AST as the program.
 */
export const commentedSourceArb: fc.Arbitrary<string> = boundedProgramArb.chain((program) => {
  const text = print(program);
  const cuts = [0, ...parse(text).tokens.map((t) => t.startOffset + t.image.length)];
  // Only the cut points depend on the program: the comment arbitraries are built once, outside
  // `chain` (building `stringMatching` arbitraries for every program was most of the test time).
  const insertion = fc.record({ at: fc.constantFrom(...cuts), before: beforeArb, comment: commentArb });
  return fc.array(insertion, { maxLength: 6 }).map((insertions) => {
    let out = text;
    for (const ins of [...insertions].sort((a, b) => b.at - a.at)) {
      out = `${out.slice(0, ins.at)}${ins.before}${ins.comment.text}${ins.comment.after}${out.slice(ins.at)}`;
    }
    return out;
  });
});
