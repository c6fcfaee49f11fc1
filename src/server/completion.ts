import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import { builtinsOfKind, trainKeys, type BuiltinSpec, type ParamSpec, type TrainKeySpec } from '../builtins/index.js';
import type { BuiltinKind } from '../checker/types.js';
import type { DocumentAnalysis } from './analysis.js';
import { builtinMarkdown, defaultText, paramLabel, signatureLabel } from './builtin-docs.js';
import { cursorContext, type CallInfo, type Slot } from './context.js';

const itemKinds: Readonly<Record<BuiltinKind, CompletionItemKind>> = {
  layer: CompletionItemKind.Class,
  activation: CompletionItemKind.Function,
  initializer: CompletionItemKind.Function,
  regularizer: CompletionItemKind.Function,
  clip: CompletionItemKind.Function,
  optimizer: CompletionItemKind.Function,
  schedule: CompletionItemKind.Function,
  loss: CompletionItemKind.Function,
  metric: CompletionItemKind.Function,
  data: CompletionItemKind.Function,
  early_stop: CompletionItemKind.Function,
};

/** A built-in (and one item per alias); one with required parameters inserts `name($1)`. */
function builtinItems(kinds: readonly BuiltinKind[]): CompletionItem[] {
  return kinds.flatMap((kind) =>
    builtinsOfKind(kind).flatMap((spec: BuiltinSpec) =>
      [spec.name, ...spec.aliases].map((label) => ({
        label,
        kind: itemKinds[spec.kind],
        detail: signatureLabel(spec),
        documentation: { kind: 'markdown' as const, value: builtinMarkdown(spec) },
        ...(spec.params.some((p) => p.required) ? { insertText: `${label}($1)`, insertTextFormat: InsertTextFormat.Snippet } : {}),
      })),
    ),
  );
}

function wordItems(words: readonly string[], kind: CompletionItemKind, detail?: string): CompletionItem[] {
  return words.map((label) => ({ label, kind, ...(detail ? { detail } : {}) }));
}

/** The document's `let` constants, with their folded values. */
function letItems(analysis: DocumentAnalysis): CompletionItem[] {
  const constants = analysis.front.checked.program.constants;
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const decl of analysis.front.parsed.program.decls) {
    if (decl.kind !== 'Let' || seen.has(decl.name.name)) continue;
    seen.add(decl.name.name);
    const value = constants.get(decl.name.name);
    items.push({ label: decl.name.name, kind: CompletionItemKind.Constant, detail: value === undefined ? 'let' : `let ${decl.name.name} = ${value}` });
  }
  return items;
}

/** Values that fit a built-in's parameter. */
function paramValueItems(analysis: DocumentAnalysis, param: ParamSpec): CompletionItem[] {
  switch (param.type) {
    case 'initializer':
    case 'regularizer':
    case 'activation':
      return builtinItems([param.type]);
    case 'enum':
      return wordItems(param.values ?? [], CompletionItemKind.EnumMember);
    case 'boolean':
      return wordItems(['true', 'false'], CompletionItemKind.Keyword);
    case 'number':
    case 'integer':
    case 'shape':
    case 'size2':
      return letItems(analysis);
    case 'string':
      return [];
  }
}

/** Values that fit a `train` key. */
function trainValueItems(analysis: DocumentAnalysis, key: TrainKeySpec): CompletionItem[] {
  const v = key.value;
  switch (v.type) {
    case 'builtin':
      return builtinItems([v.kind]).filter((item) => {
        if (!v.role || v.kind !== 'data') return true;
        const spec = builtinsOfKind('data').find((s) => s.name === item.label || s.aliases.includes(item.label));
        return spec && 'roles' in spec ? (spec.roles as readonly string[]).includes(v.role) : true;
      });
    case 'builtin_list':
      return builtinItems([v.kind]);
    case 'enum':
      return wordItems(v.values, CompletionItemKind.EnumMember);
    case 'integer':
      return [...(v.orFull ? wordItems(['full'], CompletionItemKind.EnumMember, 'full-batch gradient descent') : []), ...letItems(analysis)];
    case 'boolean':
      return wordItems(['true', 'false'], CompletionItemKind.Keyword);
  }
}

/** Parameters a call has not used yet (`name: ` with type and default), then values for the positional one. */
function argItems(analysis: DocumentAnalysis, call: CallInfo): CompletionItem[] {
  const spec = call.spec;
  if (!spec) return letItems(analysis);
  const unused = spec.params.filter((p, i) => !call.named.has(p.name) && !(i < call.positionalBefore && i < spec.positional));
  const names: CompletionItem[] = unused.map((p) => ({
    label: `${p.name}:`,
    kind: CompletionItemKind.Property,
    detail: paramLabel(p),
    documentation: `${p.doc}${p.required ? ' (required)' : defaultText(p) ? ` Default${defaultText(p).replace(' =', ':')}.` : ''}`,
    insertText: `${p.name}: `,
    filterText: p.name,
    sortText: `0${String(spec.params.indexOf(p)).padStart(3, '0')}`,
  }));
  const positional = call.positionalBefore < spec.positional ? spec.params[call.positionalBefore] : undefined;
  const values = positional && !call.named.has(positional.name) ? paramValueItems(analysis, positional).map((item) => ({ ...item, sortText: `1${item.label}` })) : [];
  return [...names, ...values];
}

/** Keys a `train` block has not used yet, required ones first. */
function trainKeyItems(used: ReadonlySet<string>): CompletionItem[] {
  return Object.values(trainKeys)
    .filter((k) => !used.has(k.name))
    .map((k, i) => ({
      label: k.name,
      kind: CompletionItemKind.Property,
      detail: k.required ? `${k.name} (required)` : `${k.name} (default ${k.defaultText})`,
      documentation: k.doc,
      insertText: `${k.name}: `,
      sortText: `${k.required ? 0 : 1}${String(i).padStart(2, '0')}`,
    }));
}

function slotItems(analysis: DocumentAnalysis, slot: Slot): CompletionItem[] {
  switch (slot.kind) {
    case 'top':
      return wordItems(['let', 'model', 'train'], CompletionItemKind.Keyword);
    case 'modelName':
      return analysis.front.parsed.program.decls.flatMap((d) => (d.kind === 'Model' ? [{ label: d.name.name, kind: CompletionItemKind.Module }] : []));
    case 'layer':
      return [...builtinItems(['layer', 'activation']), ...wordItems(['input', 'repeat', 'residual'], CompletionItemKind.Keyword)];
    case 'trainKey':
      return trainKeyItems(slot.used);
    case 'trainValue':
      return trainValueItems(analysis, slot.key);
    case 'paramValue':
      return paramValueItems(analysis, slot.param);
    case 'builtin':
      return builtinItems(slot.kinds);
    case 'args':
      return argItems(analysis, slot.call);
    case 'number':
      return letItems(analysis);
    case 'none':
      return [];
  }
}

/** Completion items for the cursor at `offset`, chosen by what fits there. */
export function completions(analysis: DocumentAnalysis, offset: number): CompletionItem[] {
  return slotItems(analysis, cursorContext(analysis, offset).slot);
}
