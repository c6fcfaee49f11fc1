import fc from 'fast-check';
import { builtinsOfKind, type ActivationSpec, type InitializerSpec } from '../../src/builtins/index.js';

/**
 * Random well-formed `.nn` programs whose shapes agree, built from the registry: the checker must
 * accept every one without errors (warnings such as gradient health are allowed).
 */

const activations = builtinsOfKind('activation').filter((a) => !(a as ActivationSpec).softmaxLike).map((a) => a.name);
const inits = builtinsOfKind('initializer').map((i) => ((i as InitializerSpec).params.some((p) => p.required) ? `${i.name}(0.1)` : i.name));
const optimizers = builtinsOfKind('optimizer').map((o) => (o.params[0]?.required ? `${o.name}(0.01)` : o.name));

type Shape = number[];
interface Step {
  readonly text: string;
  readonly out: Shape;
}

const small = fc.integer({ min: 1, max: 12 });
const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

/** One statement valid for `shape`, with the shape it produces. */
function stepFor(shape: Shape, depth: number): fc.Arbitrary<Step> {
  const same = (text: string): Step => ({ text, out: shape });
  const common: fc.Arbitrary<Step>[] = [
    pick(activations).map(same),
    fc.double({ min: 0, max: 0.5, noNaN: true }).map((r) => same(`dropout(${r.toFixed(2)})`)),
    fc.constant(same('batchnorm')),
    fc.constant(same('layernorm(eps: 1e-5)')),
  ];
  if (shape.length === 3) {
    const [c, h, w] = shape as [number, number, number];
    const m = Math.min(h, w);
    common.push(
      fc.tuple(small, fc.integer({ min: 1, max: m }), fc.integer({ min: 1, max: 3 }), pick(['valid', 'same'])).map(([f, k, s, pad]) => ({
        text: `conv2d(${f}, ${k}, stride: ${s}, padding: ${pad})`,
        out: pad === 'same' ? [f, Math.ceil(h / s), Math.ceil(w / s)] : [f, Math.floor((h - k) / s) + 1, Math.floor((w - k) / s) + 1],
      })),
      fc.tuple(pick(['maxpool2d', 'avgpool2d']), fc.integer({ min: 1, max: m })).map(([p, k]) => ({ text: `${p}(${k})`, out: [c, Math.floor((h - k) / k) + 1, Math.floor((w - k) / k) + 1] })),
      fc.constant({ text: 'flatten', out: [c * h * w] }),
    );
  } else {
    const n = shape[0]!;
    common.push(
      fc.tuple(small, pick(activations), pick(inits), fc.boolean()).map(([u, a, i, b]) => ({ text: `dense(${u}, activation: ${a}, init: ${i}, bias: ${b})`, out: [u] })),
      fc.constant({ text: `reshape([1, 1, ${n}])`, out: [1, 1, n] }),
    );
    // a residual block is n×n: after a flatten n reaches 12·16·16 = 3072, and a few such blocks
    // (9.4M parameters each) made one run of a float64 property take over a minute
    if (depth < 2 && n <= 256) common.push(fc.constant({ text: `residual {\n    dense(${n})\n    relu\n  }`, out: shape }));
  }
  return fc.oneof(...common);
}

function stepsFrom(shape: Shape, count: number, depth: number): fc.Arbitrary<Step[]> {
  if (count === 0) return fc.constant([]);
  return stepFor(shape, depth).chain((s) => stepsFrom(s.out, count - 1, depth).map((rest) => [s, ...rest]));
}

/** A program of one model (flat or CHW input) and a train block whose loss fits its output. */
export const validProgram: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(small.map((n) => [n]), fc.tuple(small, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 })).map((t) => [...t])), fc.integer({ min: 0, max: 8 }))
  .chain(([input, count]) => stepsFrom(input, count, 0).map((steps) => ({ input, steps })))
  .chain(({ input, steps }) =>
    fc.tuple(pick(optimizers), fc.integer({ min: 2, max: 5 }), pick(['cross_entropy', 'mse', 'binary_cross_entropy'])).map(([opt, classes, loss]) => {
      const out = steps.length ? steps[steps.length - 1]!.out : input;
      const flat = out.length === 1 ? [] : ['flatten'];
      const head = loss === 'binary_cross_entropy' ? 'dense(1, activation: sigmoid)' : loss === 'cross_entropy' ? `dense(${classes}, activation: softmax)` : 'dense(1)';
      const body = [...steps.map((s) => s.text), ...flat, head].map((l) => `  ${l}`).join('\n');
      return `model Gen {\n  input [${input.join(', ')}]\n${body}\n}\n\ntrain Gen {\n  data: csv("d.csv", label: "y")\n  loss: ${loss}\n  optimizer: ${opt}\n  clip: norm(1.0)\n}\n`;
    }),
  );
