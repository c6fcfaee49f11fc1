import type { Doc, Parser, Plugin, Printer, SupportLanguage } from 'prettier';
import type { AstNode } from '../ast/types.js';
import { parseForFormat, type NnRoot } from './parse.js';
import { printProgram } from './print/program.js';

/** The default line width of `.nn` files: as rustfmt, wider than prettier's 80, since data paths are long. */
export const defaultPrintWidth = 100;

type Node = NnRoot | AstNode;

const languages: SupportLanguage[] = [
  { name: 'nn', parsers: ['nn'], extensions: ['.nn'], vscodeLanguageIds: ['nn'], linguistLanguageId: undefined as never },
];

const parser: Parser<Node> = {
  parse: (text) => parseForFormat(text),
  astFormat: 'nn-ast',
  locStart: (node) => (node.kind === 'Root' ? 0 : node.range.startOffset),
  locEnd: (node) => (node.kind === 'Root' ? node.source.text.length : node.range.endOffset),
};

const printer: Printer<Node> = {
  print(path, options): Doc {
    const root = path.node;
    if (root.kind !== 'Root') throw new Error(`nn printer: expected the root, got ${root.kind}`);
    return printProgram(
      { attachment: root.attachment, source: root.source, printWidth: options.printWidth, tabWidth: options.tabWidth },
      root.program,
    );
  },
};

/**
 * The prettier plugin for `.nn`: language `nn` (files `*.nn`), parser `nn`, printer `nn-ast`.
 * The parser refuses a file with syntax errors (an `NnSyntaxError` naming the first one), so a
 * broken file is never rewritten; the printer keeps every comment.
 */
export const nnPlugin: Plugin<Node> = {
  languages,
  parsers: { nn: parser },
  printers: { 'nn-ast': printer },
  defaultOptions: { printWidth: defaultPrintWidth, tabWidth: 2 },
};
