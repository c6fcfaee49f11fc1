import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backward, forward, graphShapes } from '../../../src/runtime/autodiff/index.js';
import type { Evaluation, Graph } from '../../../src/runtime/autodiff/index.js';
import { gradcheckGraph } from '../../../src/runtime/gradcheck.js';
import { createDefaultOps } from '../../../src/runtime/ops/index.js';
import type { ActivationName } from '../../../src/runtime/ops/index.js';
import { RUNS } from '../arbitraries.js';
import { buildNetwork, networkChoice } from './networks.js';

const ops = createDefaultOps('float64');
const KINKED = new Set<ActivationName>(['relu', 'leaky_relu', 'elu', 'selu', 'softsign']);
const MARGIN = 1e-3;

/**
 * The smallest distance of any kink input to its kink in this evaluation: pre-activations of
 * kinked activations to 0, maxpool windows' top two values to each other, mae/huber residuals.
 */
function kinkMargin(graph: Graph, ev: Evaluation): number {
  let margin = Infinity;
  for (const node of graph.nodes) {
    const x = ev.values[node.inputs[0]];
    if (node.op === 'activation' && KINKED.has(node.attrs.kind)) {
      for (const v of x) margin = Math.min(margin, Math.abs(v));
    } else if (node.op === 'maxpool2d') {
      const a = node.attrs;
      for (let p = 0; p < a.batch * a.channels; p++) {
        for (let i = 0; i + a.kernelH <= a.height; i += a.strideH) {
          for (let j = 0; j + a.kernelW <= a.width; j += a.strideW) {
            const win: number[] = [];
            for (let r = 0; r < a.kernelH; r++) for (let c = 0; c < a.kernelW; c++) win.push(x[(p * a.height + i + r) * a.width + j + c]);
            win.sort((u, v) => v - u);
            if (win.length > 1) margin = Math.min(margin, win[0] - win[1]);
          }
        }
      }
    } else if (node.op === 'mae' || node.op === 'huber') {
      const t = ev.values[node.inputs[1]];
      const delta = node.op === 'huber' ? node.attrs.delta : 0;
      x.forEach((v, i) => (margin = Math.min(margin, Math.abs(Math.abs(v - t[i]) - delta))));
    }
  }
  return margin;
}

describe('whole-network gradients', () => {
  it('the loss gradient w.r.t. every parameter and input of a random stack matches finite differences', () => {
    fc.assert(
      fc.property(networkChoice, (choice) => {
        const { graph, leaves } = buildNetwork(choice);
        fc.pre(kinkMargin(graph, forward(ops, graph, leaves)) > MARGIN);
        // 1e-5 relative (floor 1e-3), not the ops' 1e-6: a random stack can chain ill-conditioned
        // layers (layernorm over 3 features into batchnorm over 2 samples) whose forward rounding,
        // amplified, leaves ~1e-14 of noise in the loss, so the finite difference itself is off by
        // ~noise/h = 1e-9 at any step small enough for the kink margin (seen: 1.7e-6 relative,
        // steady from h = 3e-5 to 1e-5, growing below). torch.autograd.gradcheck allows 1e-5
        // absolute plus 1e-3 relative.
        const r = gradcheckGraph(ops, graph, leaves, { eps: 1e-5, tolerance: 1e-5 });
        if (!r.ok) throw new Error(`${JSON.stringify(graph.nodes.map((n) => [n.op, n.attrs]))}: ${JSON.stringify(r)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('sums the gradients of a value used twice (residual fan-out)', () => {
    const graph: Graph = {
      leaves: [{ name: 'x', shape: [1, 2] }],
      nodes: [
        { name: 'y', op: 'add', attrs: { shape: [1, 2] }, inputs: ['x', 'x'] },
        { name: 'l', op: 'mse', attrs: { batch: 1, features: 2 }, inputs: ['y', 'x'] },
      ],
      output: 'l',
    };
    const x = Float64Array.of(1, 3);
    const ev = forward(ops, graph, { x });
    // l = mean((2x - x)^2) = mean(x^2) = 5; only the first input of mse is differentiated: d/dx of
    // mean((y - t)^2) through y = 2x gives 2·(y - t)/2·2 = 2x
    expect(ev.values.l[0]).toBe(5);
    expect(Array.from(backward(ops, graph, ev, Float64Array.of(1)).x)).toEqual([2, 6]);
  });

  it('rejects a graph whose shapes do not fit', () => {
    const graph: Graph = {
      leaves: [{ name: 'x', shape: [2, 3] }, { name: 'w', shape: [4, 2] }],
      nodes: [{ name: 'y', op: 'linear', attrs: { batch: 2, inFeatures: 3, outFeatures: 4, bias: false, activation: 'linear', alpha: 0 }, inputs: ['x', 'w'] }],
      output: 'y',
    };
    expect(() => graphShapes(ops, graph)).toThrow(/input weight: shape \[4, 2\], expected \[4, 3\]/);
  });
});
