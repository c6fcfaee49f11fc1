import type { Argument, Expr, Identifier } from '../ast/types.js';
import { builtinNames, findBuiltin, nearestName, type BuiltinSpec, type ParamSpec } from '../builtins/index.js';
import type { Range } from '../source/index.js';
import { kindPhrase, kindWord, replaceFix, reportUnknown, type CheckContext } from './context.js';
import type { ArgValue, BuiltinKind, BuiltinRef } from './types.js';
import { describe, evaluate, type Value } from './values.js';

/** Arguments bound to a built-in's parameters. `ok` is false when any of them was reported. */
export interface BoundArgs {
  readonly values: Record<string, ArgValue>;
  readonly ranges: Record<string, Range>;
  readonly ok: boolean;
}

/** The callee and arguments of a built-in use, written `name` or `name(...)`. */
export interface Use {
  readonly id: Identifier;
  readonly args: readonly Argument[];
  readonly range: Range;
}

/** Splits an expression into a built-in use, or returns null if it is neither a name nor a call. */
export function useOf(expr: Expr): Use | null {
  if (expr.kind === 'Paren') return useOf(expr.expr);
  if (expr.kind === 'Name') return { id: expr.name, args: [], range: expr.range };
  if (expr.kind === 'Call') return { id: expr.callee, args: expr.args, range: expr.range };
  return null;
}

/** The default `BuiltinRef` of a built-in used without arguments (every parameter defaulted). */
export function defaultRef(ctx: CheckContext, spec: BuiltinSpec, range: Range): BuiltinRef {
  return { kind: spec.kind, builtin: spec.name, args: bindArgs(ctx, spec, [], range).values, range };
}

/**
 * Binds a use's arguments to the parameters of `spec`: positional then named, with every check
 * of the NN4xxx band, and fills defaults (size2 values normalized to `[h, w]`).
 */
export function bindArgs(ctx: CheckContext, spec: BuiltinSpec, args: readonly Argument[], range: Range): BoundArgs {
  const values: Record<string, ArgValue> = {};
  const ranges: Record<string, Range> = {};
  let ok = true;
  let position = 0;
  let sawNamed = false;
  let reportedExtra = false;
  for (const arg of args) {
    let param: ParamSpec | undefined;
    if (arg.name) {
      sawNamed = true;
      param = spec.params.find((p) => p.name === arg.name!.name);
      if (!param) {
        ok = false;
        reportUnknown(ctx, 'NN4004', arg.name, spec.params.map((p) => p.name), { builtin: spec.name, param: arg.name.name });
        continue;
      }
    } else {
      if (sawNamed) {
        ok = false;
        ctx.sink.report('NN4008', arg.range, { builtin: spec.name });
        continue;
      }
      param = position < spec.positional ? spec.params[position] : undefined;
      position++;
      if (!param) {
        ok = false;
        if (!reportedExtra) {
          const count = args.filter((a) => !a.name).length;
          ctx.sink.report('NN4007', arg.range, { builtin: spec.name, max: spec.positional, count });
          reportedExtra = true;
        }
        continue;
      }
    }
    if (Object.prototype.hasOwnProperty.call(ranges, param.name)) {
      ok = false;
      ctx.sink.report('NN4006', arg.range, { builtin: spec.name, param: param.name });
      continue;
    }
    ranges[param.name] = arg.value.range;
    const value = coerce(ctx, spec, param, arg.value);
    if (value === undefined) ok = false;
    else values[param.name] = value;
  }
  for (const param of spec.params) {
    if (Object.prototype.hasOwnProperty.call(values, param.name) || Object.prototype.hasOwnProperty.call(ranges, param.name)) continue;
    if (param.required) {
      ok = false;
      ctx.sink.report('NN4005', range, { builtin: spec.name, param: param.name });
      continue;
    }
    const d = param.default;
    if (d === undefined || d === null) values[param.name] = null;
    else if (typeof d === 'object') continue;
    else if (typeof d === 'string' && isBuiltinType(param)) {
      const target = findBuiltin(d, [param.type as BuiltinKind]);
      values[param.name] = target ? defaultRef(ctx, target, range) : null;
    } else values[param.name] = param.type === 'size2' && typeof d === 'number' ? [d, d] : d;
  }
  for (const param of spec.params) {
    const d = param.default;
    if (d && typeof d === 'object' && !Object.prototype.hasOwnProperty.call(values, param.name)) {
      values[param.name] = values[d.sameAs] ?? null;
    }
  }
  return { values, ranges, ok };
}

const isBuiltinType = (p: ParamSpec): boolean => p.type === 'initializer' || p.type === 'regularizer' || p.type === 'activation';

function constraintText(p: ParamSpec): string | null {
  const parts: string[] = [];
  if (p.min !== undefined) parts.push(`>= ${p.min}`);
  if (p.minExclusive !== undefined) parts.push(`> ${p.minExclusive}`);
  if (p.max !== undefined) parts.push(`<= ${p.max}`);
  if (p.maxExclusive !== undefined) parts.push(`< ${p.maxExclusive}`);
  return parts.length ? parts.join(' and ') : null;
}

function inRange(p: ParamSpec, v: number): boolean {
  return !(
    (p.min !== undefined && v < p.min) ||
    (p.minExclusive !== undefined && v <= p.minExclusive) ||
    (p.max !== undefined && v > p.max) ||
    (p.maxExclusive !== undefined && v >= p.maxExclusive)
  );
}

/** Checks a folded number against a numeric parameter; reports and returns false on failure. */
function checkNumber(ctx: CheckContext, spec: BuiltinSpec, p: ParamSpec, v: number, range: Range, integer: boolean): boolean {
  if (integer && !Number.isInteger(v)) {
    ctx.sink.report('NN4010', range, { builtin: spec.name, param: p.name, value: v });
    return false;
  }
  if (!inRange(p, v)) {
    ctx.sink.report('NN4002', range, { builtin: spec.name, param: p.name, constraint: constraintText(p) ?? 'valid', value: v });
    return false;
  }
  return true;
}

function wrongType(ctx: CheckContext, spec: BuiltinSpec, p: ParamSpec, expected: string, value: Value, range: Range): undefined {
  if (value.t === 'bad') return undefined;
  if (value.t === 'name' && !findBuiltin(value.id.name) && (p.type === 'number' || p.type === 'integer' || p.type === 'size2')) {
    reportUnknown(ctx, 'NN2003', value.id, ctx.lets.keys());
    return undefined;
  }
  ctx.sink.report('NN4001', range, { builtin: spec.name, param: p.name, expected, actual: describe(value) });
  return undefined;
}

const expectedText: Record<ParamSpec['type'], string> = {
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  string: 'a string',
  enum: 'one of a few words',
  shape: 'a shape such as [1, 28, 28]',
  size2: 'a whole number or [h, w]',
  initializer: 'an initializer',
  regularizer: 'a regularizer',
  activation: 'an activation',
};

function coerce(ctx: CheckContext, spec: BuiltinSpec, p: ParamSpec, expr: Expr): ArgValue | undefined {
  if (isBuiltinType(p)) return resolveBuiltin(ctx, expr, p.type as BuiltinKind, (actual) => ctx.sink.report('NN4001', expr.range, { builtin: spec.name, param: p.name, expected: expectedText[p.type], actual }));
  const value = evaluate(ctx, expr);
  switch (p.type) {
    case 'number':
    case 'integer':
      if (value.t !== 'number') return wrongType(ctx, spec, p, expectedText[p.type], value, expr.range);
      return checkNumber(ctx, spec, p, value.v, expr.range, p.type === 'integer') ? value.v : undefined;
    case 'boolean':
      return value.t === 'boolean' ? value.v : wrongType(ctx, spec, p, expectedText.boolean, value, expr.range);
    case 'string':
      return value.t === 'string' ? value.v : wrongType(ctx, spec, p, expectedText.string, value, expr.range);
    case 'enum': {
      const word = value.t === 'name' ? value.id.name : value.t === 'string' ? value.v : null;
      const values = p.values ?? [];
      if (word === null) return wrongType(ctx, spec, p, `one of ${values.join(', ')}`, value, expr.range);
      if (values.includes(word)) return word;
      const near = nearestName(word, values);
      ctx.sink.report(
        'NN4003',
        expr.range,
        { builtin: spec.name, param: p.name, value: word, values: values.join(', '), suggestion: near ? `; did you mean '${near}'?` : '' },
        near ? { fix: replaceFix(`replace with '${near}'`, expr.range, near) } : {},
      );
      return undefined;
    }
    case 'shape': {
      if (value.t !== 'list' || value.items.length === 0) return wrongType(ctx, spec, p, expectedText.shape, value, expr.range);
      // whole numbers >= 1, and at most one -1: the dimension inferred from the element count
      const dims: number[] = [];
      for (const [i, item] of value.items.entries()) {
        const range = value.expr.items[i]!.range;
        if (item.t !== 'number') return wrongType(ctx, spec, p, 'a whole number', item, range);
        if (item.v !== -1 && !checkNumber(ctx, spec, { ...p, min: 1 }, item.v, range, true)) return undefined;
        dims.push(item.v);
      }
      const inferred = dims.filter((d) => d === -1).length;
      if (inferred > 1) {
        ctx.sink.report('NN4015', expr.range, { builtin: spec.name, param: p.name, count: inferred });
        return undefined;
      }
      return dims;
    }
    case 'size2': {
      if (value.t === 'number') return checkNumber(ctx, spec, p, value.v, expr.range, true) ? [value.v, value.v] : undefined;
      if (value.t !== 'list' || value.items.length !== 2) return wrongType(ctx, spec, p, expectedText.size2, value, expr.range);
      const pair: number[] = [];
      for (const [i, item] of value.items.entries()) {
        const range = value.expr.items[i]!.range;
        if (item.t !== 'number') return wrongType(ctx, spec, p, 'a whole number', item, range);
        if (!checkNumber(ctx, spec, p, item.v, range, true)) return undefined;
        pair.push(item.v);
      }
      return pair;
    }
    default:
      return undefined;
  }
}

/**
 * Resolves `name` or `name(...)` to a built-in of `kind`: unknown names get NN2002 with the
 * nearest name, names of another family NN2009, and anything that is not a name or call is
 * passed to `wrongType`. Returns undefined when something was reported.
 */
export function resolveBuiltin(ctx: CheckContext, expr: Expr, kind: BuiltinKind, wrongType: (actual: string) => void): BuiltinRef | undefined {
  const use = useOf(expr);
  if (!use) {
    if (expr.kind !== 'Missing') {
      const value = evaluate(ctx, expr);
      if (value.t !== 'bad') wrongType(describe(value));
    }
    return undefined;
  }
  if (use.args.length === 0 && ctx.lets.has(use.id.name) && expr.kind !== 'Call') {
    wrongType(`the constant '${use.id.name}'`);
    return undefined;
  }
  const spec = findBuiltin(use.id.name, [kind]);
  if (!spec) {
    const other = findBuiltin(use.id.name);
    if (other) ctx.sink.report('NN2009', use.id.range, { name: use.id.name, actual: kindPhrase(other.kind), expected: kindPhrase(kind) });
    else reportUnknown(ctx, 'NN2002', use.id, builtinNames([kind]), { kind: kindWord(kind) });
    for (const a of use.args) evaluate(ctx, a.value);
    return undefined;
  }
  const bound = bindArgs(ctx, spec, use.args, use.range);
  if (!bound.ok) return undefined;
  return { kind, builtin: spec.name, args: bound.values, range: use.range };
}
