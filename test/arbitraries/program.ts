import fc from 'fast-check';
import type {
  Argument,
  BinaryOperator,
  CallExpr,
  Decl,
  Expr,
  Identifier,
  LayerStmt,
  ModelStmt,
  NameRef,
  Program,
  TrainEntry,
} from '../../src/ast/types.js';
import { quoteString } from '../../src/lexer/index.js';
import { keywords } from '../../src/lexer/index.js';
import { fileStartRange } from '../../src/source/index.js';

/**
 * fast-check arbitraries for well-formed `.nn` programs, as ASTs whose ranges are all
 * `fileStartRange` (compare with `stripRanges`). Every syntactic construct appears: `let`,
 * models with `input`, labelled and bare layers, calls with positional and named arguments,
 * nested calls, lists, arithmetic with parentheses and signs, `repeat` and `residual` nesting,
 * and `train` blocks. Trees are canonical: printing and parsing one gives it back, so operands
 * that would re-associate are wrapped in `Paren`.
 */

const range = fileStartRange;
const reserved = new Set<string>(keywords);

export const identifierArb: fc.Arbitrary<Identifier> = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,7}$/)
  .filter((name: string) => !reserved.has(name))
  .map((name: string): Identifier => ({ kind: 'Identifier', name, range }));

const numberArb: fc.Arbitrary<Expr> = fc
  .oneof(
    fc.nat({ max: 100_000 }).map(String),
    fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
    fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -9, max: 9 })).map(([m, e]) => `${m}e${e}`),
    fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}_${String(b).padStart(3, '0')}`),
  )
  .map((raw) => ({ kind: 'Number', raw, value: Number(raw.replace(/_/g, '')), range }));

const stringArb: fc.Arbitrary<Expr> = fc
  .string({ unit: fc.oneof(fc.constantFrom('a', 'Z', ' ', '/', '.', '"', '\\', '\n', '\t', 'é', '😀', '\u0001'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) })
  .map((value) => ({ kind: 'String', value, raw: quoteString(value), range }));

const booleanArb: fc.Arbitrary<Expr> = fc.boolean().map((value) => ({ kind: 'Boolean', value, range }));

const nameRefArb: fc.Arbitrary<NameRef> = identifierArb.map((name) => ({ kind: 'Name', name, range }));

const binaryOpArb = fc.constantFrom<BinaryOperator>('+', '-', '*', '/', '%');
const precedence = (op: BinaryOperator): number => (op === '+' || op === '-' ? 1 : 2);

function paren(expr: Expr): Expr {
  return { kind: 'Paren', expr, range };
}

/** Wraps operands that the parser would group differently, so the tree is what the text says. */
function binary(op: BinaryOperator, left: Expr, right: Expr): Expr {
  const l = left.kind === 'Binary' && precedence(left.op) < precedence(op) ? paren(left) : left;
  const r = right.kind === 'Binary' && precedence(right.op) <= precedence(op) ? paren(right) : right;
  return { kind: 'Binary', op, left: l, right: r, range };
}

function unary(op: '-' | '+', operand: Expr): Expr {
  return { kind: 'Unary', op, operand: operand.kind === 'Binary' ? paren(operand) : operand, range };
}

/** Expressions of bounded depth, covering every expression kind except `Missing`. */
export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr; call: CallExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberArb,
    stringArb,
    booleanArb,
    nameRefArb,
    tie('call'),
    fc.array(tie('expr'), { maxLength: 4 }).map((items): Expr => ({ kind: 'List', items, range })),
    fc.tuple(binaryOpArb, tie('expr'), tie('expr')).map(([op, l, r]) => binary(op, l, r)),
    fc.tuple(fc.constantFrom<'-' | '+'>('-', '+'), tie('expr')).map(([op, e]) => unary(op, e)),
    tie('expr').map(paren),
  ),
  call: fc
    .tuple(identifierArb, fc.array(tie('expr'), { maxLength: 3 }), fc.array(fc.tuple(identifierArb, tie('expr')), { maxLength: 3 }))
    .map(([callee, positional, named]): CallExpr => {
      const args: Argument[] = [
        ...positional.map((value): Argument => ({ kind: 'Argument', value, range })),
        ...named.map(([name, value]): Argument => ({ kind: 'Argument', name, value, range })),
      ];
      return { kind: 'Call', callee, args, range };
    }),
})).expr;

const callArb: fc.Arbitrary<CallExpr> = fc
  .tuple(identifierArb, fc.array(exprArb, { maxLength: 3 }), fc.array(fc.tuple(identifierArb, exprArb), { maxLength: 3 }))
  .map(([callee, positional, named]) => ({
    kind: 'Call',
    callee,
    args: [
      ...positional.map((value): Argument => ({ kind: 'Argument', value, range })),
      ...named.map(([name, value]): Argument => ({ kind: 'Argument', name, value, range })),
    ],
    range,
  }));

const layerArb: fc.Arbitrary<LayerStmt> = fc
  .tuple(fc.option(identifierArb, { nil: undefined }), fc.oneof(callArb, nameRefArb))
  .map(([label, layer]) => ({ kind: 'Layer', ...(label ? { label } : {}), layer, range }));

/** Model statements, with `repeat` and `residual` nested a few levels. */
export const modelStmtArb: fc.Arbitrary<ModelStmt> = fc.letrec<{ stmt: ModelStmt }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    layerArb,
    exprArb.map((shape): ModelStmt => ({ kind: 'Input', shape, range })),
    fc.tuple(exprArb, fc.array(tie('stmt'), { maxLength: 3 })).map(([count, body]): ModelStmt => ({ kind: 'Repeat', count, body, range })),
    fc.array(tie('stmt'), { maxLength: 3 }).map((body): ModelStmt => ({ kind: 'Residual', body, range })),
  ),
})).stmt;

const trainEntryArb: fc.Arbitrary<TrainEntry> = fc
  .tuple(identifierArb, exprArb)
  .map(([key, value]) => ({ kind: 'TrainEntry', key, value, range }));

export const declArb: fc.Arbitrary<Decl> = fc.oneof(
  fc.tuple(identifierArb, exprArb).map(([name, value]): Decl => ({ kind: 'Let', name, value, range })),
  fc.tuple(identifierArb, fc.array(modelStmtArb, { maxLength: 6 })).map(([name, body]): Decl => ({ kind: 'Model', name, body, range })),
  fc.tuple(identifierArb, fc.array(trainEntryArb, { maxLength: 6 })).map(([model, entries]): Decl => ({ kind: 'Train', model, entries, range })),
);

/** A random well-formed program (file `<input>`, every range `fileStartRange`). */
export const programArb: fc.Arbitrary<Program> = fc
  .array(declArb, { maxLength: 6 })
  .map((decls) => ({ kind: 'Program', file: '<input>', decls, range }));

/** A deep copy of an AST value with every `range` property removed, for structural comparison. */
export function stripRanges<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'range' ? undefined : v))) as T;
}
