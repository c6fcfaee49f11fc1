import type { BuiltinKind } from '../checker/types.js';
import { builtinKinds, builtinsOfKind } from './index.js';
import { trainKeys } from './train-keys.js';
import type { BuiltinSpec, ParamSpec } from './types.js';

const kindTitles: Record<BuiltinKind, string> = {
  layer: 'Layers',
  activation: 'Activations',
  initializer: 'Initializers',
  regularizer: 'Regularizers',
  clip: 'Gradient clipping (`clip:`)',
  optimizer: 'Optimizers (`optimizer:`)',
  schedule: 'Learning-rate schedules (`schedule:`)',
  loss: 'Losses (`loss:`)',
  metric: 'Metrics (`metrics:`)',
  data: 'Data sources (`data:`, `validation:`)',
  early_stop: 'Early stopping (`early_stop:`)',
};

function defaultText(p: ParamSpec): string {
  if (p.required) return 'required';
  if (p.default === undefined || p.default === null) return 'none';
  if (typeof p.default === 'object') return `= ${p.default.sameAs}`;
  return `\`${String(p.default)}\``;
}

function rangeText(p: ParamSpec): string {
  const parts: string[] = [];
  if (p.values) parts.push(p.values.map((v) => `\`${v}\``).join(' \\| '));
  if (p.min !== undefined) parts.push(`>= ${p.min}`);
  if (p.minExclusive !== undefined) parts.push(`> ${p.minExclusive}`);
  if (p.max !== undefined) parts.push(`<= ${p.max}`);
  if (p.maxExclusive !== undefined) parts.push(`< ${p.maxExclusive}`);
  return parts.join(', ');
}

/** `name(a, b, key: default, ...)` as the docs and signature help show it. */
export function signature(spec: BuiltinSpec): string {
  if (spec.params.length === 0) return spec.name;
  const args = spec.params.map((p, i) => (i < spec.positional && p.required ? p.name : `${p.name}: ${p.required ? '...' : typeof p.default === 'object' && p.default !== null ? p.default.sameAs : String(p.default ?? 'none')}`));
  return `${spec.name}(${args.join(', ')})`;
}

function entry(spec: BuiltinSpec): string[] {
  const out = [`### \`${spec.name}\``, '', `\`${signature(spec)}\`${spec.aliases.length ? ` (aliases: ${spec.aliases.map((a) => `\`${a}\``).join(', ')})` : ''}`, '', `${spec.summary} ${spec.doc}`, ''];
  if (spec.params.length) {
    out.push('| parameter | type | default | allowed | |', '|---|---|---|---|---|');
    for (const [i, p] of spec.params.entries()) out.push(`| \`${p.name}\`${i < spec.positional ? ' (positional)' : ''} | ${p.type} | ${defaultText(p)} | ${rangeText(p)} | ${p.doc} |`);
    out.push('');
  }
  if (spec.kind === 'optimizer' && spec.state.length) out.push(`State per parameter: ${spec.state.map((s) => `\`${s}\``).join(', ')}.`, '');
  out.push('```nn', spec.example.trimEnd(), '```', '');
  return out;
}

/** docs/reference.md, generated from the registry (a test fails when the file is stale). */
export function renderReference(): string {
  const out = [
    '# Language reference: built-ins',
    '',
    '<!-- Generated from src/builtins/ by test/builtins/docs.test.ts; regenerate with NN_UPDATE_DOCS=1. -->',
    '',
    'Every built-in is written `name` or `name(positional..., key: value, ...)`. Only the parameters marked positional may be given without a name.',
    '',
    '## Checker rules and decisions',
    '',
    '- **Layer names.** A layer is named by its `name:` label, else `KIND_N` where N counts every layer of that kind (named or not) from 1 in file order after `repeat` is unrolled. Activations used as layers count under their canonical name (`relu_1`).',
    '- **Labels inside `repeat`.** The iteration number is appended per enclosing `repeat` (`block:` inside `repeat 3` gives `block_1`, `block_2`, `block_3`; nested repeats give `block_1_2`). A name used twice is an error (NN2007).',
    '- **`padding: same`.** With stride 1 the output keeps the input size (PyTorch `padding=\'same\'`); with stride > 1 the output length is ceil(n / stride), as TensorFlow/Keras (PyTorch refuses `same` with stride > 1).',
    '- **Fans.** Fan-in/fan-out are those of `torch.nn.init._calculate_fan_in_and_fan_out` (dense `[out, in]`: in and out; conv2d: `in_ch*kh*kw` and `out_ch*kh*kw`). Biases use their layer weight\'s fans; normalization parameters use the feature count.',
    '- **Unknown shapes.** After an error the shape is unknown and compatible with everything, so one mistake is reported once.',
    '- **`let` constants** hold numbers, may refer to each other in any order, and must not form a cycle (NN2008).',
    '- **Gradient-health estimate (NN8001/NN8002).** Each weight layer multiplies the gradient variance by Var(w) x fan_in times its activation\'s mean squared derivative E[f\'(z)^2], z ~ N(0, 1) (relu 0.5, tanh 0.46, sigmoid 0.043); `batchnorm`/`layernorm` reset it to 1; `residual` multiplies it by 1 + body; constant inits count as 1. The square root of the product below 1e-4 warns "vanishing", above 1e4 "exploding". Constant-width stacks make the forward and backward estimates equal; we use fan_in as `torch.nn.init` does by default.',
    '- **Init/activation lint (NN8004)** only looks at initializers written in the file; the default `xavier_uniform` under relu is not flagged.',
    '',
    '## The `train` block',
    '',
    '| key | value | default | |',
    '|---|---|---|---|',
    ...Object.values(trainKeys).map((k) => `| \`${k.name}\` | ${k.value.type === 'builtin' || k.value.type === 'builtin_list' ? k.value.kind : k.value.type === 'enum' ? k.value.values.join(' \\| ') : k.value.type}${k.value.type === 'integer' && k.value.orFull ? ' or `full`' : ''} | ${k.defaultText} | ${k.doc} |`),
    '',
  ];
  for (const kind of builtinKinds) {
    out.push(`## ${kindTitles[kind]}`, '');
    for (const spec of builtinsOfKind(kind)) out.push(...entry(spec));
  }
  return out.join('\n');
}
