/**
 * Activations as PyTorch expressions, one table entry per activation of the registry. Used for
 * activation layers and for the `activation:` argument of `dense`/`conv2d`.
 */
import type { ActivationName } from '../../builtins/activations.js';
import type { ArgValue } from '../../checker/types.js';
import { pyFloat } from '../python.js';

type Args = Readonly<Record<string, ArgValue>>;

const alpha = (args: Args, fallback: number): string => pyFloat(typeof args['alpha'] === 'number' ? args['alpha'] : fallback);

/** `x -> expression`; `null` for the identity. `x` is a Python expression (a variable name). */
export const torchActivations: { readonly [K in ActivationName]: ((x: string, args: Args) => string) | null } = {
  linear: null,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  relu: (x) => `torch.relu(${x})`,
  leaky_relu: (x, a) => `F.leaky_relu(${x}, negative_slope=${alpha(a, 0.01)})`,
  elu: (x, a) => `F.elu(${x}, alpha=${alpha(a, 1.0)})`,
  selu: (x) => `F.selu(${x})`,
  gelu: (x) => `F.gelu(${x})`,
  silu: (x) => `F.silu(${x})`,
  softplus: (x) => `F.softplus(${x})`,
  softsign: (x) => `F.softsign(${x})`,
  softmax: (x) => `torch.softmax(${x}, dim=1)`,
  log_softmax: (x) => `torch.log_softmax(${x}, dim=1)`,
};

/** Whether `name` is an activation of the table. */
export function isActivation(name: string): name is ActivationName {
  return Object.prototype.hasOwnProperty.call(torchActivations, name);
}

/** One statement applying activation `name` to `x` in place, or nothing for the identity. */
export function activationLines(name: string, args: Args): string[] {
  if (!isActivation(name)) throw new Error(`export: unknown activation ${name}`);
  const f = torchActivations[name];
  return f ? [`x = ${f('x', args)}`] : [];
}
