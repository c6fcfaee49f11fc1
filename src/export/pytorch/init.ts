/**
 * Initializers as `torch.nn.init` calls, one table entry per initializer of the registry.
 * Tensors of two or more axes use torch's own functions (which compute the fans from the
 * shape); a 1-D tensor (a bias) gets the same distribution written out with the layer's fans,
 * since torch's fan-based initializers refuse 1-D tensors.
 */
import type { InitializerName } from '../../builtins/weights.js';
import type { CheckedParam } from '../../checker/types.js';
import { pyFloat } from '../python.js';

type Emit = (t: string, p: CheckedParam) => string;

const arg = (p: CheckedParam, name: string, fallback: number): number => {
  const v = p.init.args[name];
  return typeof v === 'number' ? v : fallback;
};

const normal = (t: string, std: number): string => `nn.init.normal_(${t}, 0.0, ${pyFloat(std)})`;
const uniform = (t: string, bound: number): string => `nn.init.uniform_(${t}, ${pyFloat(-bound)}, ${pyFloat(bound)})`;
const flat = (p: CheckedParam): boolean => p.shape.length < 2;

/** The initializer table: a missing entry is a compile error. */
export const torchInits: { readonly [K in InitializerName]: Emit } = {
  zeros: (t) => `nn.init.zeros_(${t})`,
  ones: (t) => `nn.init.ones_(${t})`,
  constant: (t, p) => `nn.init.constant_(${t}, ${pyFloat(arg(p, 'value', 0))})`,
  normal: (t, p) => `nn.init.normal_(${t}, ${pyFloat(arg(p, 'mean', 0))}, ${pyFloat(arg(p, 'std', 0.05))})`,
  uniform: (t, p) => `nn.init.uniform_(${t}, ${pyFloat(arg(p, 'low', -0.05))}, ${pyFloat(arg(p, 'high', 0.05))})`,
  truncated_normal: (t, p) => {
    const mean = arg(p, 'mean', 0);
    const std = arg(p, 'std', 0.05);
    return `nn.init.trunc_normal_(${t}, ${pyFloat(mean)}, ${pyFloat(std)}, a=${pyFloat(mean - 2 * std)}, b=${pyFloat(mean + 2 * std)})`;
  },
  xavier_normal: (t, p) => {
    const gain = arg(p, 'gain', 1);
    return flat(p) ? normal(t, gain * Math.sqrt(2 / (p.fanIn + p.fanOut))) : `nn.init.xavier_normal_(${t}, gain=${pyFloat(gain)})`;
  },
  xavier_uniform: (t, p) => {
    const gain = arg(p, 'gain', 1);
    return flat(p) ? uniform(t, gain * Math.sqrt(6 / (p.fanIn + p.fanOut))) : `nn.init.xavier_uniform_(${t}, gain=${pyFloat(gain)})`;
  },
  he_normal: (t, p) => (flat(p) ? normal(t, Math.sqrt(2 / p.fanIn)) : `nn.init.kaiming_normal_(${t}, mode="fan_in", nonlinearity="relu")`),
  he_uniform: (t, p) => (flat(p) ? uniform(t, Math.sqrt(6 / p.fanIn)) : `nn.init.kaiming_uniform_(${t}, mode="fan_in", nonlinearity="relu")`),
  lecun_normal: (t, p) => (flat(p) ? normal(t, Math.sqrt(1 / p.fanIn)) : `nn.init.kaiming_normal_(${t}, mode="fan_in", nonlinearity="linear")`),
  lecun_uniform: (t, p) => (flat(p) ? uniform(t, Math.sqrt(3 / p.fanIn)) : `nn.init.kaiming_uniform_(${t}, mode="fan_in", nonlinearity="linear")`),
  orthogonal: (t, p) => `nn.init.orthogonal_(${flat(p) ? `${t}.view(1, -1)` : t}, gain=${pyFloat(arg(p, 'gain', 1))})`,
};

/** The statement initializing tensor expression `t` as parameter `p` says. */
export function initLine(t: string, p: CheckedParam): string {
  const name = p.init.builtin;
  if (!Object.prototype.hasOwnProperty.call(torchInits, name)) throw new Error(`export: unknown initializer ${name}`);
  return torchInits[name as InitializerName](t, p);
}
