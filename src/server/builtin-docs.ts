import type { BuiltinSpec, ParamSpec } from '../builtins/index.js';

/** A parameter's default as written in signatures: `= 0.9`, `= same as size`, or nothing when required. */
export function defaultText(param: ParamSpec): string {
  if (param.required || param.default === undefined) return '';
  const d = param.default;
  if (d === null) return ' = none';
  if (typeof d === 'object') return ` = same as ${d.sameAs}`;
  return ` = ${String(d)}`;
}

/** `momentum: number = 0.1`, or `padding: valid | same = valid` for enumerations. */
export function paramLabel(param: ParamSpec): string {
  const type = param.type === 'enum' && param.values ? param.values.join(' | ') : param.type;
  return `${param.name}: ${type}${defaultText(param)}`;
}

/** `dense(units: integer, activation: activation = linear, ...)`; a built-in without parameters is its bare name. */
export function signatureLabel(spec: BuiltinSpec): string {
  return spec.params.length === 0 ? spec.name : `${spec.name}(${spec.params.map(paramLabel).join(', ')})`;
}

/** Markdown for hover and completion documentation: signature, summary, doc paragraph, parameters, aliases. */
export function builtinMarkdown(spec: BuiltinSpec): string {
  const parts = ['```nn', signatureLabel(spec), '```', '', `*${spec.kind.replace('_', ' ')}*: ${spec.summary}`, '', spec.doc];
  if (spec.params.length > 0) {
    parts.push('', ...spec.params.map((p) => `- \`${paramLabel(p)}\`${p.required ? ' (required)' : ''}: ${p.doc}`));
  }
  if (spec.aliases.length > 0) parts.push('', `Also written: ${spec.aliases.map((a) => `\`${a}\``).join(', ')}`);
  return parts.join('\n');
}
