import type { CallExpr, Expr, Identifier, ListExpr } from '../ast/types.js';
import { findBuiltin } from '../builtins/index.js';
import { kindPhrase, reportUnknown, type CheckContext } from './context.js';

/**
 * The value of an expression after constant folding. Bare names that are not `let` constants
 * stay names (they may be built-ins such as `he_normal` or words such as `same`); calls stay
 * calls. `bad` means an error was already reported (or the parser left a hole).
 */
export type Value =
  | { readonly t: 'number'; readonly v: number }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'boolean'; readonly v: boolean }
  | { readonly t: 'list'; readonly items: readonly Value[]; readonly expr: ListExpr }
  | { readonly t: 'name'; readonly id: Identifier }
  | { readonly t: 'call'; readonly call: CallExpr }
  | { readonly t: 'bad' };

const BAD: Value = { t: 'bad' };

/** A short description of a value for "expects X, got Y" messages. */
export function describe(value: Value): string {
  switch (value.t) {
    case 'number':
      return `the number ${value.v}`;
    case 'string':
      return `the string ${JSON.stringify(value.v)}`;
    case 'boolean':
      return `${value.v}`;
    case 'list':
      return `a list of ${value.items.length}`;
    case 'name': {
      const spec = findBuiltin(value.id.name);
      return spec ? `${kindPhrase(spec.kind)} '${value.id.name}'` : `the name '${value.id.name}'`;
    }
    case 'call': {
      const spec = findBuiltin(value.call.callee.name);
      return spec ? `${kindPhrase(spec.kind)} '${value.call.callee.name}(...)'` : `a call of '${value.call.callee.name}'`;
    }
    case 'bad':
      return 'an invalid value';
  }
}

/** Folds an expression. Reports arithmetic errors (NN4009, NN4011, NN4013) and unknown constants in arithmetic. */
export function evaluate(ctx: CheckContext, expr: Expr): Value {
  switch (expr.kind) {
    case 'Number':
      return { t: 'number', v: expr.value };
    case 'String':
      return { t: 'string', v: expr.value };
    case 'Boolean':
      return { t: 'boolean', v: expr.value };
    case 'Name': {
      if (!ctx.lets.has(expr.name.name)) return { t: 'name', id: expr.name };
      const v = letValue(ctx, expr.name.name);
      return v === null ? BAD : { t: 'number', v };
    }
    case 'List':
      return { t: 'list', items: expr.items.map((item) => evaluate(ctx, item)), expr };
    case 'Call':
      return { t: 'call', call: expr };
    case 'Paren':
      return evaluate(ctx, expr.expr);
    case 'Unary': {
      const v = numericOperand(ctx, expr.op, evaluate(ctx, expr.operand), expr.operand);
      if (v === null) return BAD;
      return { t: 'number', v: expr.op === '-' ? -v : v };
    }
    case 'Binary': {
      const a = numericOperand(ctx, expr.op, evaluate(ctx, expr.left), expr.left);
      const b = numericOperand(ctx, expr.op, evaluate(ctx, expr.right), expr.right);
      if (a === null || b === null) return BAD;
      if ((expr.op === '/' || expr.op === '%') && b === 0) {
        ctx.sink.report('NN4009', expr.range, { op: expr.op });
        return BAD;
      }
      const v = expr.op === '+' ? a + b : expr.op === '-' ? a - b : expr.op === '*' ? a * b : expr.op === '/' ? a / b : a % b;
      if (!Number.isFinite(v)) {
        ctx.sink.report('NN4011', expr.range, { value: String(v) });
        return BAD;
      }
      return { t: 'number', v };
    }
    case 'Missing':
      return BAD;
  }
}

function numericOperand(ctx: CheckContext, op: string, value: Value, expr: Expr): number | null {
  if (value.t === 'number') return value.v;
  if (value.t === 'bad') return null;
  if (value.t === 'name' && !findBuiltin(value.id.name)) {
    reportUnknown(ctx, 'NN2003', value.id, ctx.lets.keys());
    return null;
  }
  ctx.sink.report('NN4013', expr.range, { op, actual: describe(value) });
  return null;
}

/**
 * The folded value of a `let` constant (any order; cycles reported once as NN2008 and
 * folded to `null`).
 */
export function letValue(ctx: CheckContext, name: string): number | null {
  if (ctx.letValues.has(name)) return ctx.letValues.get(name)!;
  const decl = ctx.lets.get(name);
  if (!decl) return null;
  const at = ctx.evaluating.indexOf(name);
  if (at >= 0) {
    const cycle = [...ctx.evaluating.slice(at), name];
    ctx.sink.report('NN2008', decl.name.range, { name, cycle: cycle.join(' -> ') });
    for (const member of cycle) ctx.letValues.set(member, null);
    return null;
  }
  ctx.evaluating.push(name);
  const value = evaluate(ctx, decl.value);
  ctx.evaluating.pop();
  if (ctx.letValues.has(name)) return ctx.letValues.get(name)!;
  let result: number | null = null;
  if (value.t === 'number') result = value.v;
  else if (value.t === 'name' && !findBuiltin(value.id.name)) reportUnknown(ctx, 'NN2003', value.id, ctx.lets.keys());
  else if (value.t !== 'bad') ctx.sink.report('NN4014', decl.value.range, { name, actual: describe(value) });
  ctx.letValues.set(name, result);
  return result;
}
