/**
 * conv2d and max pooling against direct, loop-by-loop references on shapes that exercise the
 * fast paths: batches split over several chunks, stride-1 full-width unfolding with its margin
 * patches, the 2x2 pooling tournament with ties; on float64, float32 and WebAssembly kernels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKernels } from '../../../src/runtime/kernels/index.js';
import { convAxis, createOps } from '../../../src/runtime/ops/index.js';
import type { Conv2dAttrs, OpTable, Pool2dAttrs } from '../../../src/runtime/ops/index.js';
import type { FloatArray } from '../../../src/runtime/tensor.js';
import { createWasmKernels, wasmSimdSupported } from '../../../src/runtime/wasm/index.js';

interface ConvRef {
  readonly y: Float64Array;
  readonly gx: Float64Array;
  readonly gw: Float64Array;
  readonly gb: Float64Array;
}

/** Direct convolution and its gradients for output gradient `gy` (relu or linear), in float64. */
function convReference(a: Conv2dAttrs, x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>, gy: ArrayLike<number>): ConvRef {
  const h = convAxis(a.height, a.kernelH, a.strideH, a.padding);
  const v = convAxis(a.width, a.kernelW, a.strideW, a.padding);
  const { batch: B, inChannels: C, outChannels: O, height: H, width: W, kernelH: KH, kernelW: KW } = a;
  const y = new Float64Array(B * O * h.out * v.out);
  const gx = new Float64Array(B * C * H * W);
  const gw = new Float64Array(O * C * KH * KW);
  const gb = new Float64Array(O);
  const taps = (b: number, o: number, i: number, j: number, visit: (xi: number, wi: number) => void): void => {
    for (let c = 0; c < C; c++) {
      for (let ki = 0; ki < KH; ki++) {
        for (let kj = 0; kj < KW; kj++) {
          const r = i * a.strideH - h.padBefore + ki;
          const s = j * a.strideW - v.padBefore + kj;
          if (r >= 0 && r < H && s >= 0 && s < W) visit(((b * C + c) * H + r) * W + s, ((o * C + c) * KH + ki) * KW + kj);
        }
      }
    }
  };
  let at = 0;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < h.out; i++) {
        for (let j = 0; j < v.out; j++, at++) {
          let z = a.bias ? bias[o] : 0;
          taps(b, o, i, j, (xi, wi) => (z += x[xi] * w[wi]));
          y[at] = a.activation === 'relu' ? Math.max(z, 0) : z;
          const dz = a.activation === 'relu' && z <= 0 ? 0 : gy[at];
          gb[o] += dz;
          taps(b, o, i, j, (xi, wi) => {
            gx[xi] += w[wi] * dz;
            gw[wi] += x[xi] * dz;
          });
        }
      }
    }
  }
  return { y, gx, gw, gb };
}

// large planes often, so that a batch of two or more spans several chunks of ~2048 columns
const side = fc.oneof(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 24, max: 36 }));
const convAttrs = fc
  .record({
    batch: fc.integer({ min: 1, max: 5 }), inChannels: fc.integer({ min: 1, max: 3 }), outChannels: fc.integer({ min: 1, max: 4 }),
    kernelH: fc.integer({ min: 1, max: 4 }), kernelW: fc.integer({ min: 1, max: 4 }),
    strideH: fc.constantFrom(1, 1, 2), strideW: fc.constantFrom(1, 1, 2),
    padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'), bias: fc.boolean(),
    activation: fc.constantFrom<'relu' | 'linear'>('relu', 'linear'),
    height: side, width: side,
  })
  .map((r): Conv2dAttrs => ({ ...r, alpha: 0 }));

/**
 * `n` multiples of 1/128 in [-2, 2]: exact in float32, and so are their products and the sums a
 * forward takes, so every table sees the reference's pre-activations and relu masks exactly.
 */
function grid(n: number): fc.Arbitrary<Float64Array> {
  return fc.array(fc.integer({ min: -256, max: 256 }), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a, (v) => v / 128));
}

/** Attributes plus inputs and an output gradient. */
const convCase = convAttrs.chain((a) => {
  const oh = convAxis(a.height, a.kernelH, a.strideH, a.padding).out;
  const ow = convAxis(a.width, a.kernelW, a.strideW, a.padding).out;
  return fc
    .tuple(
      grid(a.batch * a.inChannels * a.height * a.width),
      grid(a.outChannels * a.inChannels * a.kernelH * a.kernelW),
      grid(a.outChannels),
      grid(a.batch * a.outChannels * oh * ow),
    )
    .map(([x, w, b, gy]) => ({ a, x, w, b, gy }));
});

type Alloc = (n: number) => FloatArray;

/** Runs forward and backward of `ops.conv2d` with buffers from `alloc`; gradients start from 1 to check they accumulate. */
function runConv(ops: OpTable, alloc: Alloc, a: Conv2dAttrs, x: Float64Array, w: Float64Array, b: Float64Array, gy: Float64Array) {
  const spec = ops.conv2d;
  const from = (src: Float64Array): FloatArray => {
    const t = alloc(src.length);
    t.set(src);
    return t;
  };
  const inputs = [from(x), from(w), ...(a.bias ? [from(b)] : [])];
  const y = alloc(gy.length);
  const ws = { saved: alloc(spec.savedSize(a)), scratch: alloc(spec.scratchSize(a)) };
  ws.scratch.fill(Number.NaN); // the op must not read scratch it has not written
  spec.forward(a, inputs, y, ws);
  ws.scratch.fill(Number.NaN); // nor keep anything there from forward to backward (other nodes share it)
  const grads = [alloc(x.length).fill(1), alloc(w.length).fill(1), ...(a.bias ? [alloc(b.length).fill(1)] : [])];
  spec.backward(a, inputs, y, from(gy), grads, ws);
  return { y, gx: grads[0], gw: grads[1], gb: a.bias ? grads[2] : null };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string, plus = 0): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - (want[i] + plus));
    if (!(d <= tol * (1 + Math.abs(want[i])))) throw new Error(`${what}[${i}]: got ${got[i]}, want ${want[i] + plus}`);
  }
}

/** Per run: an op table and how to allocate its buffers. */
type Setup = () => { readonly ops: OpTable; readonly alloc: Alloc };

const f64 = createOps(createKernels('float64'));
const f32 = createOps(createKernels('float32'));
const tables: [string, Setup, number][] = [
  ['float64 TypeScript kernels', () => ({ ops: f64, alloc: (n) => new Float64Array(n) }), 1e-12],
  ['float32 TypeScript kernels', () => ({ ops: f32, alloc: (n) => new Float32Array(n) }), 2e-5],
];
// a fresh arena per run, every buffer in it, so the products run in place on kernel memory
if (wasmSimdSupported()) {
  tables.push(['WebAssembly kernels', () => {
    const k = createWasmKernels({ arenaFloats: 1 << 20, shape: { fma: false } });
    if (!k) throw new Error('wasm kernels vanished');
    return { ops: createOps(k), alloc: (n) => k.alloc(n) };
  }, 2e-5]);
}

describe('conv2d against a direct convolution', () => {
  it.each(tables)('forward and accumulated gradients match on %s, batches split over chunks included', (_name, setup, tol) => {
    fc.assert(
      fc.property(convCase, ({ a, x, w, b, gy }) => {
        const want = convReference(a, x, w, b, gy);
        const { ops, alloc } = setup();
        const got = runConv(ops, alloc, a, x, w, b, gy);
        const scale = tol * Math.max(4, a.inChannels * a.kernelH * a.kernelW);
        expectClose(got.y, want.y, scale, 'y');
        expectClose(got.gx, want.gx, scale * a.outChannels, 'gx', 1);
        expectClose(got.gw, want.gw, scale * a.batch * a.height * a.width, 'gw', 1);
        if (got.gb) expectClose(got.gb, want.gb, scale * a.batch * a.height * a.width, 'gb', 1);
      }),
      { numRuns: 40 },
    );
  });

  // The unfolding without padding (its three-column kernels fused when adding back), down to
  // windows as wide as the input (one output column) and a batch over several chunks.
  const unpadded = fc
    .record({
      kernelW: fc.constantFrom(3, 3, 1, 2, 4), kernelH: fc.integer({ min: 1, max: 4 }),
      extraW: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 20, max: 30 })), extraH: fc.integer({ min: 0, max: 12 }),
      batch: fc.integer({ min: 1, max: 4 }), inChannels: fc.integer({ min: 1, max: 3 }), outChannels: fc.integer({ min: 1, max: 4 }),
      bias: fc.boolean(), activation: fc.constantFrom<'relu' | 'linear'>('relu', 'linear'),
    })
    .map(({ extraW, extraH, ...r }): Conv2dAttrs => ({
      ...r, width: r.kernelW + extraW, height: r.kernelH + extraH, strideH: 1, strideW: 1, padding: 'valid', alpha: 0,
    }))
    .chain((a) =>
      fc
        .tuple(
          grid(a.batch * a.inChannels * a.height * a.width),
          grid(a.outChannels * a.inChannels * a.kernelH * a.kernelW),
          grid(a.outChannels),
          grid(a.batch * a.outChannels * (a.height - a.kernelH + 1) * (a.width - a.kernelW + 1)),
        )
        .map(([x, w, b, gy]) => ({ a, x, w, b, gy })),
    );

  it.each(tables)('valid stride-1 convolutions match on %s, windows as wide as the input included', (_name, setup, tol) => {
    fc.assert(
      fc.property(unpadded, ({ a, x, w, b, gy }) => {
        const want = convReference(a, x, w, b, gy);
        const { ops, alloc } = setup();
        const got = runConv(ops, alloc, a, x, w, b, gy);
        const scale = tol * Math.max(4, a.inChannels * a.kernelH * a.kernelW);
        expectClose(got.y, want.y, scale, 'y');
        expectClose(got.gx, want.gx, scale * a.outChannels * a.kernelH * a.kernelW, 'gx', 1);
        expectClose(got.gw, want.gw, scale * a.batch * a.height * a.width, 'gw', 1);
      }),
      { numRuns: 40 },
    );
  });

  it('asks for the same saved and scratch sizes on every kernel table (a plan is sized once, then run on either)', () => {
    fc.assert(
      fc.property(convAttrs, (a) => {
        for (const [, setup] of tables) {
          const { ops } = setup();
          expect([ops.conv2d.savedSize(a), ops.conv2d.scratchSize(a)]).toEqual([f32.conv2d.savedSize(a), f32.conv2d.scratchSize(a)]);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('gives a batch of six 28x28 samples (three chunks) the results of one sample at a time', () => {
    const ops = f64;
    const a: Conv2dAttrs = {
      batch: 6, inChannels: 2, height: 28, width: 28, outChannels: 3, kernelH: 3, kernelW: 3,
      strideH: 1, strideW: 1, padding: 'same', bias: true, activation: 'relu', alpha: 0,
    };
    const one: Conv2dAttrs = { ...a, batch: 1 };
    const rand = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
    const x = rand(6 * 2 * 784, 1), w = rand(54, 2), b = rand(3, 3), gy = rand(6 * 3 * 784, 4);
    const all = runConv(ops, (n) => new Float64Array(n), a, x, w, b, gy);
    const gw = new Float64Array(54).fill(1);
    for (let s = 0; s < 6; s++) {
      const part = runConv(ops, (n) => new Float64Array(n), one, x.subarray(s * 1568, (s + 1) * 1568), w, b, gy.subarray(s * 2352, (s + 1) * 2352));
      expectClose(all.y.subarray(s * 2352, (s + 1) * 2352), part.y, 1e-13, `y of sample ${s}`);
      expectClose(all.gx.subarray(s * 1568, (s + 1) * 1568), part.gx, 1e-13, `gx of sample ${s}`);
      for (let i = 0; i < 54; i++) gw[i] += part.gw[i] - 1;
    }
    expectClose(all.gw, gw, 1e-12, 'gw');
  });
});

/** Direct max pooling: value and the gradient routed to the first maximum of each window in row-major order. */
function maxpoolReference(a: Pool2dAttrs, x: ArrayLike<number>, gy: ArrayLike<number>): { y: Float64Array; gx: Float64Array } {
  const oh = convAxis(a.height, a.kernelH, a.strideH, 'valid').out;
  const ow = convAxis(a.width, a.kernelW, a.strideW, 'valid').out;
  const y = new Float64Array(a.batch * a.channels * oh * ow);
  const gx = new Float64Array(x.length);
  let o = 0;
  for (let p = 0; p < a.batch * a.channels; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, o++) {
        let best = -1;
        for (let ki = 0; ki < a.kernelH; ki++) {
          for (let kj = 0; kj < a.kernelW; kj++) {
            const at = (p * a.height + i * a.strideH + ki) * a.width + j * a.strideW + kj;
            if (best < 0 || x[at] > x[best]) best = at;
          }
        }
        y[o] = x[best];
        gx[best] += gy[o];
      }
    }
  }
  return { y, gx };
}

describe('max pooling against a direct reference', () => {
  const poolAttrs = fc.record({
    batch: fc.integer({ min: 1, max: 3 }), channels: fc.integer({ min: 1, max: 3 }),
    height: fc.integer({ min: 2, max: 9 }), width: fc.integer({ min: 2, max: 9 }),
    kernelH: fc.constantFrom(2, 2, 3), kernelW: fc.constantFrom(2, 2, 3), strideH: fc.constantFrom(2, 2, 1), strideW: fc.constantFrom(2, 2, 1),
  }).filter((a) => a.kernelH <= a.height && a.kernelW <= a.width);
  // few distinct values, so windows tie often (relu outputs are mostly zeros)
  const pooled = poolAttrs.chain((a) => {
    const n = a.batch * a.channels * a.height * a.width;
    const m = a.batch * a.channels * (Math.floor((a.height - a.kernelH) / a.strideH) + 1) * (Math.floor((a.width - a.kernelW) / a.strideW) + 1);
    return fc.tuple(fc.array(fc.integer({ min: -1, max: 2 }), { minLength: n, maxLength: n }), grid(m)).map(([x, gy]) => ({ a, x: Float64Array.from(x), gy }));
  });

  it('takes the maximum and sends the gradient to the first maximum of each window, ties included', () => {
    const ops = f64;
    fc.assert(
      fc.property(pooled, ({ a, x, gy }) => {
        const want = maxpoolReference(a, x, gy);
        const y = new Float64Array(want.y.length);
        const ws = { saved: new Float64Array(ops.maxpool2d.savedSize(a)), scratch: new Float64Array(0) };
        ops.maxpool2d.forward(a, [x], y, ws);
        const gx = new Float64Array(x.length);
        ops.maxpool2d.backward(a, [x], y, gy, [gx], ws);
        expect(Array.from(y)).toEqual(Array.from(want.y));
        expect(Array.from(gx)).toEqual(Array.from(want.gx));
      }),
      { numRuns: 200 },
    );
  });
});
