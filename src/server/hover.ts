import type { Hover } from 'vscode-languageserver';
import type { AstNode, Identifier, LayerStmt } from '../ast/types.js';
import { trainKeys } from '../builtins/index.js';
import { printExpr } from '../ast/print.js';
import { formatCount, formatShape, layersAt, pathAt, toLspRange, type DocumentAnalysis } from './analysis.js';
import { builtinMarkdown, paramLabel } from './builtin-docs.js';
import { builtinInSlot, cursorContext } from './context.js';

/** At most this many unrolled copies of a layer are listed in a hover. */
const maxInstances = 8;

function layerMarkdown(analysis: DocumentAnalysis, stmt: LayerStmt): string | undefined {
  const found = layersAt(analysis, stmt.range.startOffset);
  if (!found) return undefined;
  const lines = found.layers.slice(0, maxInstances).map((l) => {
    const count = l.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
    const tensors = l.params.map((p) => `${p.role} ${formatShape(p.shape)}${p.trainable ? '' : ' (non-trainable)'}`).join(', ');
    return `**${l.name}** (\`${l.builtin}\`): ${formatShape(l.inputShape)} → ${formatShape(l.outputShape)}, ${formatCount(count)} parameters${tensors ? ` (${tensors})` : ''}`;
  });
  if (found.layers.length > maxInstances) lines.push(`… and ${found.layers.length - maxInstances} more copies`);
  return [`Layer of model \`${found.model.name}\``, '', ...lines.map((l) => `- ${l}`)].join('\n');
}

function modelMarkdown(analysis: DocumentAnalysis, name: string): string | undefined {
  const model = analysis.front.checked.program.models.find((m) => m.name === name);
  if (!model) return undefined;
  return [
    '```nn',
    `model ${model.name}`,
    '```',
    `${formatShape(model.inputShape)} → ${formatShape(model.outputShape)}`,
    '',
    `${formatCount(model.totalParams)} parameters (${formatCount(model.trainableParams)} trainable)`,
  ].join('\n');
}

function letMarkdown(analysis: DocumentAnalysis, name: string): string | undefined {
  const decl = analysis.front.parsed.program.decls.find((d) => d.kind === 'Let' && d.name.name === name);
  if (!decl || decl.kind !== 'Let') return undefined;
  const value = analysis.front.checked.program.constants.get(name);
  const written = printExpr(decl.value);
  const shown = value === undefined ? written : String(value) === written ? written : `${written} = ${value}`;
  return ['```nn', `let ${name} = ${shown}`, '```'].join('\n');
}

/** The Markdown for the identifier `id`, given the nodes above it. */
function identifierMarkdown(analysis: DocumentAnalysis, id: Identifier, parents: readonly AstNode[]): string | undefined {
  const parent = parents[parents.length - 1];
  const grand = parents[parents.length - 2];
  if (parent?.kind === 'Layer' && parent.label === id) return layerMarkdown(analysis, parent);
  if (parent?.kind === 'Let') return letMarkdown(analysis, id.name);
  if (parent?.kind === 'Model' || parent?.kind === 'Train') return modelMarkdown(analysis, id.name);
  if (parent?.kind === 'TrainEntry' && parent.key === id) {
    const spec = Object.prototype.hasOwnProperty.call(trainKeys, id.name) ? trainKeys[id.name as keyof typeof trainKeys] : undefined;
    return spec ? `**${spec.name}**${spec.required ? ' (required)' : ` (default ${spec.defaultText})`}\n\n${spec.doc}` : undefined;
  }
  if (parent?.kind === 'Argument' && parent.name === id) {
    const spec = cursorContext(analysis, id.range.startOffset).call?.spec;
    const param = spec?.params.find((p) => p.name === id.name);
    return spec && param ? `\`${paramLabel(param)}\` (parameter of \`${spec.name}\`)\n\n${param.doc}` : undefined;
  }
  if (parent?.kind === 'Name' && analysis.front.parsed.program.decls.some((d) => d.kind === 'Let' && d.name.name === id.name)) {
    return letMarkdown(analysis, id.name);
  }
  const builtin = builtinInSlot(id.name, cursorContext(analysis, id.range.startOffset).slot);
  const builtinDoc = builtin ? builtinMarkdown(builtin) : undefined;
  const layerStmt = (parent?.kind === 'Name' || parent?.kind === 'Call') && grand?.kind === 'Layer' ? grand : undefined;
  const layerDoc = layerStmt ? layerMarkdown(analysis, layerStmt) : undefined;
  const parts = [layerDoc, builtinDoc].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join('\n\n---\n\n') : undefined;
}

/**
 * Hover on a name: a layer's input and output shapes and parameter count (from the checked
 * model), a built-in's signature and doc, a `let` constant's value, a model's shapes and size,
 * a train key's or parameter's doc.
 */
export function hover(analysis: DocumentAnalysis, offset: number): Hover | null {
  const path = pathAt(analysis.front.parsed.program, offset);
  const node = path[path.length - 1];
  if (!node || node.kind !== 'Identifier') return null;
  const value = identifierMarkdown(analysis, node, path.slice(0, -1));
  return value ? { contents: { kind: 'markdown', value }, range: toLspRange(node.range) } : null;
}
