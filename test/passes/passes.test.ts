import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpret } from '../../src/ir/interpret.js';
import { lower } from '../../src/ir/lower.js';
import type { IrGraph } from '../../src/ir/types.js';
import {
  eliminateDeadNodes, foldConstants, fuseActivation, fuseSoftmaxCrossEntropy, toInference, type Pass,
} from '../../src/passes/index.js';
import { createDefaultOps, createRng, type FloatArray } from '../../src/runtime/index.js';
import { validProgram } from '../arbitraries/valid-program.js';
import { batchFor, cloneParams, closeness, compileText, paramsFor } from '../plan/helpers.js';

const ops = createDefaultOps('float64');
const N = 3;

function run(graph: IrGraph, params: Map<string, FloatArray>, seed: number) {
  const { x, y } = batchFor(graph, N, seed, 'float64');
  const rng = createRng(seed, 11);
  return interpret(ops, graph, { x, y, params: cloneParams(params), noise: (u) => { for (let i = 0; i < u.length; i++) u[i] = rng.uniform(); } }, 'float64');
}

/** The graph with dropout and batchnorm in evaluation mode, nothing else changed. */
function evalFlags(graph: IrGraph): IrGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.op === 'dropout' || n.op === 'batchnorm' ? { ...n, attrs: { ...n.attrs, training: false } } : n) as typeof n),
  };
}

function expectSameNumbers(before: IrGraph, after: IrGraph, seed: number): void {
  const params = paramsFor(before, seed, 'float64');
  const a = run(before, params, seed);
  const b = run(after, params, seed);
  expect(closeness([b.loss], [a.loss], 1e-9, 1e-12)).toBeLessThanOrEqual(1);
  expect(closeness(b.output, a.output, 1e-9, 1e-12)).toBeLessThanOrEqual(1);
  for (const [name, g] of a.grads) expect(closeness(b.grads.get(name) ?? [], g, 1e-8, 1e-10), name).toBeLessThanOrEqual(1);
}

const cases: [string, Pass, (g: IrGraph) => IrGraph][] = [
  ['folding constant hyperparameters', foldConstants, (g) => g],
  ['fusing activations into matrix products and convolutions', fuseActivation, (g) => g],
  ['fusing softmax with cross-entropy', fuseSoftmaxCrossEntropy, (g) => g],
  ['eliminating dead nodes', eliminateDeadNodes, (g) => g],
  ['specializing for inference', toInference, evalFlags],
];

describe('each pass keeps the numbers of the graph it rewrites', () => {
  it.each(cases)('%s gives the same loss, output and gradients on random valid models', (_name, pass, reference) => {
    fc.assert(
      fc.property(validProgram, fc.nat(1000), (text, seed) => {
        const { model, train } = compileText(text);
        const g = lower(model, train, { batchCapacity: N });
        // a graph where each pass has something to do: earlier passes applied as in the pipeline
        expectSameNumbers(reference(g), pass(g), seed);
        expectSameNumbers(reference(g), eliminateDeadNodes(pass(fuseActivation(fuseSoftmaxCrossEntropy(g)))), seed);
      }),
      { numRuns: 25 },
    );
  });
});

describe('the passes do what they say', () => {
  const mlp = compileText(`model M {
  input [4]
  dense(8, activation: relu)
  dropout(0)
  dense(3, activation: softmax)
}
train M { data: csv("d.csv", label: "y") loss: cross_entropy optimizer: sgd(0.1) }`);
  const g = lower(mlp.model, mlp.train, { batchCapacity: 2 });

  it('fuses relu into the dense layer that feeds it, and the model output keeps its softmax', () => {
    const fused = fuseActivation(g);
    expect(fused.nodes.filter((n) => n.op === 'activation')).toHaveLength(0);
    const first = fused.nodes[0];
    expect(first.op === 'linear' && first.attrs.activation).toBe('relu');
    expect(fused.nodes.some((n) => n.op === 'softmax')).toBe(true);
  });

  it('lets the loss read the logits and removes the log_softmax once it is dead', () => {
    const fused = eliminateDeadNodes(fuseSoftmaxCrossEntropy(g));
    expect(fused.nodes.some((n) => n.op === 'log_softmax')).toBe(false);
    const loss = fused.nodes.find((n) => n.op === 'softmax_cross_entropy');
    const logits = fused.nodes.find((n) => n.output === loss?.inputs[0]);
    expect(logits?.op).toBe('linear');
  });

  it('folds a dropout of rate 0 away', () => {
    expect(foldConstants(g).nodes.some((n) => n.op === 'dropout')).toBe(false);
  });

  it('drops dropout and puts batchnorm on running statistics for inference', () => {
    const bn = compileText(`model M {
  input [4]
  batchnorm
  dropout(0.5)
  dense(1)
}
train M { data: csv("d.csv", label: "y") loss: mse optimizer: sgd(0.1) }`);
    const inf = toInference(lower(bn.model, bn.train, { batchCapacity: 2 }));
    expect(inf.mode).toBe('eval');
    expect(inf.nodes.some((n) => n.op === 'dropout')).toBe(false);
    const norm = inf.nodes.find((n) => n.op === 'batchnorm');
    expect(norm?.op === 'batchnorm' && norm.attrs.training).toBe(false);
  });
});
