import type { SignatureHelp } from 'vscode-languageserver';
import type { DocumentAnalysis } from './analysis.js';
import { paramLabel, signatureLabel } from './builtin-docs.js';
import { cursorContext } from './context.js';

/**
 * Signature help inside `name(...)`: the built-in's parameters, the active one chosen by the
 * `key:` the cursor's argument starts with, else by how many positional arguments precede it.
 */
export function signatureHelp(analysis: DocumentAnalysis, offset: number): SignatureHelp | null {
  const call = cursorContext(analysis, offset).call;
  const spec = call?.spec;
  if (!call || !spec || spec.params.length === 0) return null;
  const at = call.active;
  let active: number;
  if (typeof at === 'string') active = spec.params.findIndex((p) => p.name === at);
  else active = at < spec.positional ? at : spec.params.findIndex((p, i) => i >= at && !call.named.has(p.name));
  return {
    signatures: [
      {
        label: signatureLabel(spec),
        documentation: { kind: 'markdown', value: `${spec.summary}\n\n${spec.doc}` },
        parameters: spec.params.map((p) => ({ label: paramLabel(p), documentation: p.doc })),
      },
    ],
    activeSignature: 0,
    activeParameter: active < 0 ? spec.params.length : active,
  };
}
