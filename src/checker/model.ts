import type { Expr, LayerStmt, ModelDecl, ModelStmt } from '../ast/types.js';
import { DiagnosticSink } from '../diagnostics/index.js';
import { builtinNames, findBuiltin, type ActivationSpec, type LayerSpec, type ShapeResult, type TensorSpec } from '../builtins/index.js';
import type { Range } from '../source/index.js';
import { bindArgs, defaultRef } from './args.js';
import { kindPhrase, reportUnknown, type CheckContext } from './context.js';
import type { BuiltinRef, CheckedLayer, CheckedModel, CheckedNode, CheckedParam, Shape } from './types.js';
import { evaluate } from './values.js';

/** At most this many layers per model after unrolling `repeat` (NN3010). */
export const maxLayersPerModel = 100_000;

interface ModelState {
  readonly model: string;
  /** Layers seen per canonical kind, for `KIND_N` names. */
  readonly counters: Map<string, number>;
  /** Layer names taken so far, with where. */
  readonly names: Map<string, Range>;
  layerCount: number;
  tooLarge: boolean;
  allKnown: boolean;
}

const fmt = (shape: Shape): string => `[${shape.join(', ')}]`;
const product = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/**
 * Checks one model: input shape, layers (resolved, named, shapes inferred, parameters listed),
 * `repeat` unrolled (labels inside get `_i` appended per level), `residual` bodies shape-checked.
 */
export function checkModel(outer: CheckContext, decl: ModelDecl): CheckedModel {
  // A sink of its own tells whether this model has errors; its diagnostics go to the outer sink.
  const ctx: CheckContext = { ...outer, sink: new DiagnosticSink(outer.sink.file) };
  const state: ModelState = { model: decl.name.name, counters: new Map(), names: new Map(), layerCount: 0, tooLarge: false, allKnown: true };
  const [first, ...rest] = decl.body;
  let inputShape: Shape | null = null;
  let body = decl.body;
  if (first?.kind === 'Input') {
    inputShape = inputShapeOf(ctx, first.shape);
    body = rest;
  } else {
    ctx.sink.report('NN3001', decl.name.range, { model: decl.name.name });
  }
  const { nodes, shape } = checkBody(ctx, body, inputShape, '', state);
  const params = collectParams(nodes);
  outer.sink.addAll(ctx.sink.diagnostics());
  return {
    name: decl.name.name,
    inputShape,
    outputShape: shape,
    nodes,
    params,
    totalParams: params.reduce((n, p) => n + product(p.shape), 0),
    trainableParams: params.filter((p) => p.trainable).reduce((n, p) => n + product(p.shape), 0),
    valid: !ctx.sink.hasErrors && inputShape !== null && state.allKnown,
    range: decl.range,
    nameRange: decl.name.range,
  };
}

function inputShapeOf(ctx: CheckContext, expr: Expr): Shape | null {
  const value = evaluate(ctx, expr);
  if (value.t === 'bad') return null;
  if (value.t === 'list' && value.items.length > 0 && value.items.every((v) => v.t === 'number' && Number.isInteger(v.v) && v.v >= 1)) {
    return value.items.map((v) => (v.t === 'number' ? v.v : 0));
  }
  if (value.t === 'list' && value.items.some((v) => v.t === 'bad')) return null;
  const shown = value.t === 'list' ? `[${value.items.map((v) => (v.t === 'number' ? v.v : '?')).join(', ')}]` : 'not a list';
  ctx.sink.report('NN3003', expr.range, { shape: shown });
  return null;
}

function checkBody(ctx: CheckContext, stmts: readonly ModelStmt[], input: Shape | null, suffix: string, state: ModelState): { nodes: CheckedNode[]; shape: Shape | null } {
  const nodes: CheckedNode[] = [];
  let shape = input;
  for (const stmt of stmts) {
    if (state.tooLarge) break;
    switch (stmt.kind) {
      case 'Input':
        ctx.sink.report('NN3002', stmt.range, { model: state.model });
        break;
      case 'Layer': {
        const layer = checkLayer(ctx, stmt, shape, suffix, state);
        if (layer) nodes.push(layer);
        shape = layer ? layer.outputShape : null;
        break;
      }
      case 'Repeat': {
        const count = evaluate(ctx, stmt.count);
        let times = 1;
        if (count.t === 'number' && Number.isInteger(count.v) && count.v > maxLayersPerModel) {
          // Reported before unrolling, so `repeat 1e9` costs nothing; the body is still checked once.
          ctx.sink.report('NN3010', stmt.count.range, { model: state.model, limit: maxLayersPerModel });
          state.allKnown = false;
        } else if (count.t === 'number' && Number.isInteger(count.v) && count.v >= 1) times = count.v;
        else if (count.t !== 'bad') ctx.sink.report('NN4012', stmt.count.range, { value: count.t === 'number' ? count.v : 'not a number' });
        for (let i = 1; i <= times && !state.tooLarge; i++) {
          const inner = checkBody(ctx, stmt.body, shape, `${suffix}_${i}`, state);
          nodes.push(...inner.nodes);
          shape = inner.shape;
        }
        break;
      }
      case 'Residual': {
        const inner = checkBody(ctx, stmt.body, shape, suffix, state);
        if (shape && inner.shape && fmt(shape) !== fmt(inner.shape)) {
          ctx.sink.report('NN3008', stmt.range, { from: fmt(shape), to: fmt(inner.shape) });
        }
        nodes.push({ type: 'residual', body: inner.nodes, shape, range: stmt.range });
        break;
      }
    }
  }
  return { nodes, shape };
}

function checkLayer(ctx: CheckContext, stmt: LayerStmt, input: Shape | null, suffix: string, state: ModelState): CheckedLayer | null {
  if (stmt.layer.kind === 'Missing') {
    state.allKnown = false;
    return null;
  }
  const id = stmt.layer.kind === 'Call' ? stmt.layer.callee : stmt.layer.name;
  const args = stmt.layer.kind === 'Call' ? stmt.layer.args : [];
  const spec = findBuiltin(id.name, ['layer', 'activation']) as LayerSpec | ActivationSpec | undefined;
  if (!spec) {
    const other = findBuiltin(id.name);
    if (other) ctx.sink.report('NN2009', id.range, { name: id.name, actual: kindPhrase(other.kind), expected: 'a layer' });
    else reportUnknown(ctx, 'NN2001', id, builtinNames(['layer', 'activation']));
    for (const a of args) evaluate(ctx, a.value);
    state.allKnown = false;
    return null;
  }
  state.layerCount++;
  if (state.layerCount > maxLayersPerModel) {
    ctx.sink.report('NN3010', stmt.range, { model: state.model, limit: maxLayersPerModel });
    state.tooLarge = true;
    state.allKnown = false;
    return null;
  }
  const n = (state.counters.get(spec.name) ?? 0) + 1;
  state.counters.set(spec.name, n);
  const name = stmt.label ? `${stmt.label.name}${suffix}` : `${spec.name}_${n}`;
  const nameRange = stmt.label?.range ?? stmt.range;
  const previous = state.names.get(name);
  if (previous) {
    ctx.sink.report('NN2007', nameRange, { name, model: state.model }, { related: [{ range: previous, message: `'${name}' is first used here` }] });
  } else state.names.set(name, nameRange);

  const bound = bindArgs(ctx, spec, args, stmt.layer.range);
  let output: Shape | null = null;
  let tensors: readonly TensorSpec[] = [];
  if (bound.ok) {
    const result = input ? layerShape(spec, input, bound.values) : null;
    if (result && !result.ok) {
      const fix =
        result.code === 'NN3004' && ctx.source
          ? { fix: { title: "insert 'flatten' before this layer", edits: [{ range: rangeAt(stmt.range), newText: `flatten\n${' '.repeat(stmt.range.start.column - 1)}` }] } }
          : {};
      ctx.sink.report(result.code, stmt.layer.range, result.args, fix);
      output = spec.kind === 'layer' ? (spec.shapeWithoutInput?.(bound.values) ?? null) : null;
    } else if (result) {
      output = result.shape;
      if (spec.kind === 'layer') tensors = spec.tensors(input!, bound.values);
    } else output = spec.kind === 'layer' ? (spec.shapeWithoutInput?.(bound.values) ?? null) : null;
  }
  if (output === null || input === null) state.allKnown = false;
  const params = tensors.map((t) => paramOf(ctx, name, t, bound.values, stmt.layer.range));
  return {
    type: 'layer',
    name,
    builtin: spec.name,
    kind: spec.kind,
    args: bound.values,
    inputShape: input,
    outputShape: output,
    params,
    argRanges: bound.ranges,
    range: stmt.range,
  };
}

function layerShape(spec: LayerSpec | ActivationSpec, input: Shape, args: CheckedLayer['args']): ShapeResult {
  if (spec.kind === 'layer') return spec.shape(input, args);
  if (spec.flatOnly && input.length !== 1) return { ok: false, code: 'NN3004', args: { layer: spec.name, shape: fmt(input), size: product(input) } };
  return { ok: true, shape: input };
}

/** An empty range at the start of `range` (for insertions). */
function rangeAt(range: Range): Range {
  return { start: range.start, end: range.start, startOffset: range.startOffset, endOffset: range.startOffset };
}

function paramOf(ctx: CheckContext, layer: string, t: TensorSpec, args: CheckedLayer['args'], range: Range): CheckedParam {
  let init: BuiltinRef;
  if ('param' in t.init) {
    const v = args[t.init.param];
    init = v && typeof v === 'object' && !Array.isArray(v) ? (v as BuiltinRef) : defaultRef(ctx, findBuiltin('zeros', ['initializer'])!, range);
  } else {
    init = defaultRef(ctx, findBuiltin(t.init.fixed, ['initializer'])!, range);
  }
  const reg = t.regularizerParam ? args[t.regularizerParam] : null;
  const name = `${layer}.${t.role}`;
  // Two literals rather than a conditional spread, which V8 builds slowly (one per parameter).
  if (reg && typeof reg === 'object' && !Array.isArray(reg)) {
    const regularizer = reg as BuiltinRef;
    return { name, layer, role: t.role, shape: t.shape, trainable: t.trainable, regularizable: t.regularizable, init, regularizer, fanIn: t.fanIn, fanOut: t.fanOut };
  }
  return { name, layer, role: t.role, shape: t.shape, trainable: t.trainable, regularizable: t.regularizable, init, fanIn: t.fanIn, fanOut: t.fanOut };
}

/** Every parameter of the nodes, in file order. */
export function collectParams(nodes: readonly CheckedNode[]): CheckedParam[] {
  return nodes.flatMap((n) => (n.type === 'layer' ? n.params : collectParams(n.body)));
}

/** Every layer of the nodes, residual bodies included, in file order. */
export function flattenLayers(nodes: readonly CheckedNode[]): CheckedLayer[] {
  return nodes.flatMap((n) => (n.type === 'layer' ? [n] : flattenLayers(n.body)));
}
