import type { Range } from '../source/index.js';

/**
 * The abstract syntax tree of a `.nn` file. Every node has a source range. Produced once, from
 * the concrete syntax tree, by `buildAst`; everything after the parser reads only this.
 *
 * Where the parser recovered from an error, a `Missing` node stands in the hole, so later stages
 * can walk a complete tree (they treat `Missing` as "already reported, compatible with anything").
 */

export interface NodeBase {
  readonly range: Range;
}

/** A name as written, with its own range (for go-to-definition, rename, "did you mean"). */
export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

/** A hole left by error recovery. */
export interface Missing extends NodeBase {
  readonly kind: 'Missing';
}

// ---------------------------------------------------------------------------------------------
// Expressions: the values of arguments, `let` constants and `train` entries.

export interface NumberLiteral extends NodeBase {
  readonly kind: 'Number';
  readonly value: number;
  /** The text as written (`1_000`, `1e-3`), kept for the formatter. */
  readonly raw: string;
}

export interface StringLiteral extends NodeBase {
  readonly kind: 'String';
  /** The value with escapes resolved. */
  readonly value: string;
  /** The text as written, quotes included. */
  readonly raw: string;
}

export interface BooleanLiteral extends NodeBase {
  readonly kind: 'Boolean';
  readonly value: boolean;
}

/** A bare name in an expression: a `let` constant or a built-in used without arguments (`he_normal`). */
export interface NameRef extends NodeBase {
  readonly kind: 'Name';
  readonly name: Identifier;
}

/** `[a, b, c]`: a shape, or a list such as `metrics: [accuracy, mse]`. */
export interface ListExpr extends NodeBase {
  readonly kind: 'List';
  readonly items: readonly Expr[];
}

/** `name(positional..., key: value, ...)`. A name with no parentheses is a `NameRef`, not a `Call`. */
export interface CallExpr extends NodeBase {
  readonly kind: 'Call';
  readonly callee: Identifier;
  readonly args: readonly Argument[];
}

/** One argument of a call: positional when `name` is absent. */
export interface Argument extends NodeBase {
  readonly kind: 'Argument';
  readonly name?: Identifier;
  readonly value: Expr;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr extends NodeBase {
  readonly kind: 'Binary';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
}

export interface UnaryExpr extends NodeBase {
  readonly kind: 'Unary';
  readonly op: '-' | '+';
  readonly operand: Expr;
}

/** `( expr )`, kept so the formatter can print what was written. */
export interface ParenExpr extends NodeBase {
  readonly kind: 'Paren';
  readonly expr: Expr;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NameRef
  | ListExpr
  | CallExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | Missing;

// ---------------------------------------------------------------------------------------------
// Model bodies.

/** `input [784]`. */
export interface InputStmt extends NodeBase {
  readonly kind: 'Input';
  readonly shape: Expr;
}

/**
 * A layer: `fc1: dense(256, init: he_normal)`, `relu`, `dropout(0.2)`. The layer itself is a
 * `CallExpr` when written with parentheses and a `NameRef` when written bare.
 */
export interface LayerStmt extends NodeBase {
  readonly kind: 'Layer';
  readonly label?: Identifier;
  readonly layer: CallExpr | NameRef | Missing;
}

/** `repeat N { ... }`: unrolled N times by the checker. */
export interface RepeatStmt extends NodeBase {
  readonly kind: 'Repeat';
  readonly count: Expr;
  readonly body: readonly ModelStmt[];
}

/** `residual { ... }`: computes `x + body(x)`. */
export interface ResidualStmt extends NodeBase {
  readonly kind: 'Residual';
  readonly body: readonly ModelStmt[];
}

export type ModelStmt = InputStmt | LayerStmt | RepeatStmt | ResidualStmt;

// ---------------------------------------------------------------------------------------------
// Top-level declarations.

export interface LetDecl extends NodeBase {
  readonly kind: 'Let';
  readonly name: Identifier;
  readonly value: Expr;
}

export interface ModelDecl extends NodeBase {
  readonly kind: 'Model';
  readonly name: Identifier;
  readonly body: readonly ModelStmt[];
}

/** `key: value` inside a `train` block. */
export interface TrainEntry extends NodeBase {
  readonly kind: 'TrainEntry';
  readonly key: Identifier;
  readonly value: Expr;
}

export interface TrainDecl extends NodeBase {
  readonly kind: 'Train';
  /** The model trained: `train Mnist { ... }`. */
  readonly model: Identifier;
  readonly entries: readonly TrainEntry[];
}

export type Decl = LetDecl | ModelDecl | TrainDecl;

/** A whole `.nn` file. */
export interface Program extends NodeBase {
  readonly kind: 'Program';
  readonly file: string;
  readonly decls: readonly Decl[];
}

export type AstNode =
  | Program
  | Decl
  | ModelStmt
  | TrainEntry
  | Expr
  | Argument
  | Identifier;
