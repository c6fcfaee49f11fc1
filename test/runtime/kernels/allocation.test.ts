import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { settledBytesPerStep } from '../../../bench/measure.js';
import { createKernels } from '../../../src/runtime/kernels/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('gemm allocation', () => {
  // 128×10×256 has 2-column edge tiles (the case that once boxed its doubles), 16×16×4 takes the
  // direct loop, 18×1570×9 the unpacked tiles of a tiny depth with their edges.
  it.each([[128, 10, 256], [67, 33, 300], [16, 16, 4], [18, 1570, 9]])('allocates nothing per call on %i×%i×%i, edge tiles included', async (m, n, k) => {
    const K = createKernels('float32');
    const a = new Float32Array(m * k).fill(0.5);
    const b = new Float32Array(k * n).fill(0.25);
    const c = new Float32Array(m * n);
    const pack = new Float32Array(K.packSize(m, n, k));
    for (const g of [K.gemmNN, K.gemmTN, K.gemmNT]) {
      const call = (): void => g(m, n, k, a, 0, b, 0, c, 0, false, pack, 0);
      for (let i = 0; i < 200; i++) call();
      expect(await settledBytesPerStep(call, 40, gc, 8)).toBeLessThan(8);
    }
  });
});
