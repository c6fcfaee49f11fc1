/**
 * `model.py`: the checked model as a `torch.nn.Module` whose `state_dict` names are the
 * contract's weight names (`LAYER.weight`, ...), plus a small safetensors reader and writer.
 */
import type { CheckedLayer, CheckedModel, CheckedNode } from '../../checker/types.js';
import { flattenLayers } from '../../checker/index.js';
import { pyString, pyTuple } from '../python.js';
import { fusedActivation, isTorchLayer, moduleRef, torchLayers } from './layers.js';
import { activationLines } from './activations.js';
import { initLine } from './init.js';
import { SAFETENSORS_PY } from './safetensors-py.js';

/** The activation the model's last operation applies, when it is one a loss treats specially. */
export type OutputActivation = 'softmax' | 'sigmoid' | null;

/** The activation of the model's last layer (a trailing `residual` ends in an addition: none). */
export function outputActivation(model: CheckedModel): OutputActivation {
  const last = model.nodes[model.nodes.length - 1];
  if (!last || last.type !== 'layer') return null;
  const name = last.kind === 'activation' ? last.builtin : last.builtin === 'dense' || last.builtin === 'conv2d' ? fusedActivation(last).name : null;
  return name === 'softmax' || name === 'sigmoid' ? name : null;
}

function layerCode(layer: CheckedLayer, dropSoftmax: boolean): { module?: string; forward: readonly string[] } {
  if (layer.kind === 'activation') {
    return { forward: dropSoftmax ? [] : activationLines(layer.builtin, layer.args) };
  }
  if (!isTorchLayer(layer.builtin)) throw new Error(`export: unknown layer ${layer.builtin}`);
  // The final softmax moves after the `logits` return, so the layer is emitted without it.
  const emitted = dropSoftmax ? { ...layer, args: { ...layer.args, activation: 'linear' } } : layer;
  return torchLayers[layer.builtin](emitted);
}

interface Emitted {
  readonly modules: string[];
  readonly forward: string[];
}

function emitNodes(nodes: readonly CheckedNode[], depth: number, lastSoftmax: CheckedLayer | null, out: Emitted, indent: string): void {
  for (const node of nodes) {
    if (node.type === 'residual') {
      const saved = `residual_${depth + 1}`;
      out.forward.push(`${indent}${saved} = x`);
      emitNodes(node.body, depth + 1, lastSoftmax, out, indent);
      out.forward.push(`${indent}x = ${saved} + x`);
      continue;
    }
    const code = layerCode(node, node === lastSoftmax);
    if (code.module) out.modules.push(`${moduleRef(node)} = ${code.module}`);
    for (const line of code.forward) out.forward.push(`${indent}${line}`);
  }
}

/** The Python source of `model.py` for a valid checked model. */
export function emitModelPy(model: CheckedModel): string {
  if (!model.valid || !model.inputShape || !model.outputShape) throw new Error('export: the model has errors');
  const ends = outputActivation(model);
  const last = model.nodes[model.nodes.length - 1];
  const lastSoftmax = ends === 'softmax' && last?.type === 'layer' ? last : null;
  const out: Emitted = { modules: [], forward: [] };
  emitNodes(model.nodes, 0, lastSoftmax, out, '        ');
  // Normalization layers start at torch's defaults (ones and zeros), as in nn.
  const weighted = new Set(flattenLayers(model.nodes).filter((l) => l.builtin === 'dense' || l.builtin === 'conv2d').map((l) => l.name));
  const inits = model.params
    .filter((p) => weighted.has(p.layer))
    .map((p) => `            ${initLine(`L[${pyString(p.layer)}].${p.role}`, p)}`);
  const forwardTail = lastSoftmax
    ? ['        if logits:', '            return x', '        return torch.softmax(x, dim=1)']
    : ['        return x'];
  return `"""The model of a .nn file as a PyTorch module, written by \`nn export --target pytorch\`.

Parameter names are the .nn weight names (LAYER.weight, LAYER.bias, LAYER.running_mean,
LAYER.running_var), so \`load_weights\` reads nn's safetensors files as they are and
\`save_weights\` writes files that \`nn eval\` and \`nn predict\` read.
"""
import json
import os
import struct

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

MODEL_NAME = ${pyString(model.name)}
INPUT_SHAPE = ${pyTuple(model.inputShape)}
OUTPUT_SHAPE = ${pyTuple(model.outputShape)}
# The activation of the last layer: "softmax" is fused with cross_entropy (forward(x, logits=True)
# skips it), "sigmoid" makes binary_cross_entropy read probabilities.
OUTPUT_ACTIVATION = ${ends === null ? 'None' : pyString(ends)}


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        # Layers are registered in _modules under their .nn names (any name, even "forward",
        # gives the state_dict key LAYER.weight without clashing with Module attributes).
        L = self._modules
${out.modules.map((m) => `        ${m}`).join('\n') || '        pass'}

    def reset_parameters(self):
        """Initializes the weights as the .nn file says (torch.nn.init; torch's random stream)."""
        L = self._modules
        with torch.no_grad():
${inits.join('\n') || '            pass'}

    def forward(self, x${lastSoftmax ? ', logits=False' : ''}):
        L = self._modules
${out.forward.join('\n')}
${forwardTail.join('\n')}

${SAFETENSORS_PY}`;
}
