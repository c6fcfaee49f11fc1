/**
 * The WebAssembly SIMD matrix-product module, generated at run time. One exported routine
 * `gemm` computes `C (+)= A·B` for operands given by byte strides, so the three transpositions
 * differ only in the strides the caller passes. It follows the BLAS (Goto) scheme: a KC×NC block
 * of B is packed into NR-column panels, an MC×KC block of A into MR-row panels (both depth-major
 * and zero-padded at edges), and a micro-kernel keeps an MR×NR tile of C in MR·NR/4 f32x4 locals
 * while it walks the depth, one splat of A times NR/4 vectors of B per row and step. Edge tiles
 * compute the padded tile into a scratch tile and copy their valid part.
 *
 * A module made with a dense activation (`gemmModuleBytes(shape, memory, act)`) fuses the dense
 * forward epilogue into the write-out: on the last depth block, right after the micro-kernel (or
 * the edge copy) stores a tile, the epilogue function adds the bias to it, keeps the
 * pre-activation where the derivative needs it and applies the activation, while the tile is in
 * L1, on the thread that computed it. It is the elementwise module's epilogue code (`epilogue.ts`),
 * so the fused product gives the bits of the product followed by the pass.
 *
 * Register budget: x64 V8 has 16 xmm registers (one reserved as scratch), and without a fused
 * multiply-add every product needs a temporary, so MR·NR/4 + NR/4 + 2 must stay under 15.
 */
import type { DenseActivation } from '../kernels/types.js';
import type { Code, ValType } from './code.js';
import { emitDenseEpilogue, EPILOGUE_PARAMS } from './epilogue.js';
import { ModuleBuilder } from './module.js';
import type { MemoryImport } from './module.js';

/** Tile and block sizes of a generated module. */
export interface GemmShape {
  /** Rows of the register tile. */
  readonly mr: number;
  /** Columns of the register tile, a multiple of 4. */
  readonly nr: number;
  /** Depth steps per micro-kernel loop iteration. */
  readonly unroll: number;
  /** Depth of a packed block. */
  readonly kc: number;
  /** Rows of a packed A block, a multiple of `mr`. */
  readonly mc: number;
  /** Columns of a packed B block, a multiple of `nr`. */
  readonly nc: number;
  /** Use relaxed-SIMD fused multiply-add (`f32x4.relaxed_madd`) in the micro-kernel. */
  readonly fma: boolean;
}

/**
 * The tile and blocks measured fastest on the development machine (`npm run bench:wasm --
 * --sweep`). No unrolling: V8's TurboFan hoists every load of an unrolled body to the top of
 * the iteration, which runs out of xmm registers and spills accumulators. FMA where the engine
 * has relaxed SIMD (Chromium; Node 20 only with `--experimental-wasm-relaxed-simd`): 1024³
 * goes from ~40 to ~44-47 GFLOP/s. Relaxed `madd` may round once or twice depending on the
 * hardware, so results are reproducible on one machine, not across machines; pass
 * `fma: false` for the unfused kernel everywhere.
 */
export const DEFAULT_SHAPE: GemmShape = { mr: 4, nr: 8, unroll: 1, kc: 256, mc: 64, nc: 1024, fma: true };

/** Bytes of scratch the exported `gemm` needs at `pack`: A block, B block, edge tile. */
export function gemmScratchBytes(s: GemmShape): number {
  return 4 * (s.mc * s.kc + s.kc * s.nc + s.mr * s.nr);
}

/**
 * Emits `for (i = start; i < limit; i += step) body()`; `start` and `limit` push an i32
 * (unsigned comparison, so indices must stay below 2³¹).
 */
function forUp(f: Code, i: number, start: () => void, limit: () => void, step: number | { local: number }, body: () => void): void {
  start();
  f.set(i).block().loop();
  f.get(i);
  limit();
  f.i32GeU().brIf(1);
  body();
  f.get(i);
  if (typeof step === 'number') f.i32Const(step);
  else f.get(step.local);
  f.i32Add().set(i).br(0).end().end();
}

/** Pushes min(local x, constant c). */
function minConst(f: Code, x: number, c: number): void {
  f.get(x).i32Const(c).get(x).i32Const(c).i32LtU().select();
}

/** `x += c` on an i32 local. */
function bump(f: Code, x: number, c: number): void {
  f.get(x).i32Const(c).i32Add().set(x);
}

function emitMicro(f: Code, s: GemmShape): void {
  const [kc, ap, bp, cp, ldc, add] = [0, 1, 2, 3, 4, 5];
  const nv = s.nr / 4;
  const acc = Array.from({ length: s.mr * nv }, () => f.local('v128'));
  const bv = Array.from({ length: nv }, () => f.local('v128'));
  const av = f.local('v128');
  /** Depth steps left (unrolled loop) or the end of the A panel (simple loop). */
  const p = f.local('i32');
  const row = f.local('i32');
  const step = (u: number): void => {
    for (let v = 0; v < nv; v++) f.get(bp).v128Load((u * s.nr + 4 * v) * 4).set(bv[v]);
    for (let r = 0; r < s.mr; r++) {
      f.get(ap).v128Load32Splat((u * s.mr + r) * 4).set(av);
      for (let v = 0; v < nv; v++) {
        const x = acc[r * nv + v];
        if (s.fma) f.get(av).get(bv[v]).get(x).f32x4RelaxedMadd().set(x);
        else f.get(x).get(av).get(bv[v]).f32x4Mul().f32x4Add().set(x);
      }
    }
  };
  const loop = (count: number): void => {
    f.block().loop().get(p).i32Const(count).i32LtU().brIf(1);
    for (let u = 0; u < count; u++) step(u);
    bump(f, ap, count * s.mr * 4);
    bump(f, bp, count * s.nr * 4);
    f.get(p).i32Const(count).i32Sub().set(p).br(0).end().end();
  };
  if (s.unroll > 1) {
    f.get(kc).set(p);
    loop(s.unroll);
    loop(1);
  } else {
    // kc ≥ 1, so a do-while on the A pointer alone (one induction compare, no counter).
    f.get(ap).get(kc).i32Const(s.mr * 4).i32Mul().i32Add().set(p);
    f.loop();
    step(0);
    bump(f, ap, s.mr * 4);
    bump(f, bp, s.nr * 4);
    f.get(ap).get(p).i32LtU().brIf(0).end();
  }
  const store = (accumulate: boolean): void => {
    f.get(cp).set(row);
    for (let r = 0; r < s.mr; r++) {
      for (let v = 0; v < nv; v++) {
        f.get(row);
        if (accumulate) f.get(row).v128Load(16 * v).get(acc[r * nv + v]).f32x4Add();
        else f.get(acc[r * nv + v]);
        f.v128Store(16 * v);
      }
      if (r < s.mr - 1) f.get(row).get(ldc).i32Add().set(row);
    }
  };
  f.get(add).if();
  store(true);
  f.else();
  store(false);
  f.end();
}

function emitEdge(f: Code, s: GemmShape): void {
  const [tile, cp, ldc, rows, cols, add] = [0, 1, 2, 3, 4, 5];
  const [r, j, src, dst] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  forUp(f, r, () => f.i32Const(0), () => f.get(rows), 1, () => {
    f.get(tile).get(r).i32Const(s.nr * 4).i32Mul().i32Add().set(src);
    f.get(cp).get(r).get(ldc).i32Mul().i32Add().set(dst);
    forUp(f, j, () => f.i32Const(0), () => f.get(cols), 1, () => {
      f.get(dst).get(src).f32Load();
      f.get(add).if('f32').get(dst).f32Load().else().f32Const(0).end().f32Add();
      f.f32Store();
      bump(f, src, 4);
      bump(f, dst, 4);
    });
  });
}

/**
 * Packs `count` lines (rows of A or columns of B) × `depth` of a block into `width`-line panels,
 * depth-major, lines past `count` as zeros. Line `l` at depth `d` is at `src + l·ls + d·ds` (bytes).
 */
function emitPack(f: Code, width: number): void {
  const [src, ls, ds, count, depth, dst] = [0, 1, 2, 3, 4, 5];
  const [l, d, lines, s] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const off = Array.from({ length: width }, () => f.local('i32'));
  for (let q = 0; q < width; q++) f.get(ls).i32Const(q).i32Mul().set(off[q]);
  forUp(f, l, () => f.i32Const(0), () => f.get(count), width, () => {
    f.get(count).get(l).i32Sub().set(lines);
    f.get(src).get(l).get(ls).i32Mul().i32Add().set(s);
    const walk = (line: (q: number) => void): void => {
      forUp(f, d, () => f.i32Const(0), () => f.get(depth), 1, () => {
        for (let q = 0; q < width; q++) line(q);
        bump(f, dst, width * 4);
        f.get(s).get(ds).i32Add().set(s);
      });
    };
    const vectors = width % 4 === 0;
    // Full panel with contiguous lines (B of A·B, A of Aᵀ·B): whole vectors.
    if (vectors) {
      f.get(lines).i32Const(width).i32GeU().get(ls).i32Const(4).i32Eq().i32And().if();
      walk((q) => {
        if (q % 4 === 0) f.get(dst).get(s).v128Load(4 * q).v128Store(4 * q);
      });
      f.else();
    }
    f.get(lines).i32Const(width).i32GeU().if();
    walk((q) => f.get(dst).get(s).get(off[q]).i32Add().f32Load().f32Store(4 * q));
    f.else();
    walk((q) => {
      f.get(dst).get(lines).i32Const(q).i32GtU().if('f32').get(s).get(off[q]).i32Add().f32Load().else().f32Const(0).end();
      f.f32Store(4 * q);
    });
    f.end();
    if (vectors) f.end();
  });
}

function emitDriver(f: Code, s: GemmShape, fn: { micro: number; edge: number; packA: number; packB: number; epilogue?: number }): void {
  const [m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, add, pa, pb, tile, bias, sd, alpha] = Array.from({ length: 18 }, (_, i) => i);
  const [jc, nc, pc, kc, ic, mc, jr, ir, cols, rows, addf, ct, kstep, last, bcol] = Array.from({ length: 15 }, () => f.local('i32'));
  const epilogue = fn.epilogue;
  /** On the last depth block, the epilogue over the tile just written (`rows`, `cols`: pushers). */
  const finish = (tileRows: () => void, tileCols: () => void): void => {
    if (epilogue === undefined) return;
    f.get(last).if();
    f.get(ct).get(ldc);
    tileRows();
    tileCols();
    f.get(bcol).get(sd).get(alpha).call(epilogue);
    f.end();
  };
  // Depth blocks of equal size (784 = 4×196, not 3×256 + 16): a thin last block would pay a
  // full load and store of C for a few steps.
  f.get(k).get(k).i32Const(s.kc - 1).i32Add().i32Const(s.kc).i32DivU().tee(kstep).i32Add().i32Const(1).i32Sub();
  f.get(kstep).i32DivU().set(kstep);
  forUp(f, jc, () => f.i32Const(0), () => f.get(n), s.nc, () => {
    f.get(n).get(jc).i32Sub().set(nc);
    minConst(f, nc, s.nc);
    f.set(nc);
    forUp(f, pc, () => f.i32Const(0), () => f.get(k), { local: kstep }, () => {
      f.get(k).get(pc).i32Sub().set(kc);
      f.get(kc).get(kstep).get(kc).get(kstep).i32LtU().select().set(kc);
      f.get(add).get(pc).i32Const(0).i32Ne().i32Or().set(addf);
      if (epilogue !== undefined) f.get(pc).get(kc).i32Add().get(k).i32GeU().set(last);
      f.get(b).get(pc).get(rsB).i32Mul().i32Add().get(jc).get(csB).i32Mul().i32Add();
      f.get(csB).get(rsB).get(nc).get(kc).get(pb).call(fn.packB);
      forUp(f, ic, () => f.i32Const(0), () => f.get(m), s.mc, () => {
        f.get(m).get(ic).i32Sub().set(mc);
        minConst(f, mc, s.mc);
        f.set(mc);
        f.get(a).get(ic).get(rsA).i32Mul().i32Add().get(pc).get(csA).i32Mul().i32Add();
        f.get(rsA).get(csA).get(mc).get(kc).get(pa).call(fn.packA);
        forUp(f, jr, () => f.i32Const(0), () => f.get(nc), s.nr, () => {
          f.get(nc).get(jr).i32Sub().set(cols);
          minConst(f, cols, s.nr);
          f.set(cols);
          // the bias of the tile's first column (0: none)
          if (epilogue !== undefined) f.get(bias).get(jc).get(jr).i32Add().i32Const(4).i32Mul().i32Add().i32Const(0).get(bias).select().set(bcol);
          forUp(f, ir, () => f.i32Const(0), () => f.get(mc), s.mr, () => {
            f.get(mc).get(ir).i32Sub().set(rows);
            minConst(f, rows, s.mr);
            f.set(rows);
            f.get(c).get(ic).get(ir).i32Add().get(ldc).i32Mul().i32Add().get(jc).get(jr).i32Add().i32Const(4).i32Mul().i32Add().set(ct);
            const panels = (): void => {
              f.get(kc).get(pa).get(ir).get(kc).i32Mul().i32Const(4).i32Mul().i32Add();
              f.get(pb).get(jr).get(kc).i32Mul().i32Const(4).i32Mul().i32Add();
            };
            f.get(rows).i32Const(s.mr).i32Eq().get(cols).i32Const(s.nr).i32Eq().i32And().if();
            panels();
            f.get(ct).get(ldc).get(addf).call(fn.micro);
            finish(() => f.i32Const(s.mr), () => f.i32Const(s.nr));
            f.else();
            panels();
            f.get(tile).i32Const(s.nr * 4).i32Const(0).call(fn.micro);
            f.get(tile).get(ct).get(ldc).get(rows).get(cols).get(addf).call(fn.edge);
            finish(() => f.get(rows), () => f.get(cols));
            f.end();
          });
        });
      });
    });
  });
}

/**
 * `gemmPart(lo, hi, scratch, byCols, m, n, ...)`: the columns (`byCols` ≠ 0) or rows `lo .. hi`
 * of the product `gemm(m, n, ...)` describes, with its scratch at `scratch`. Parts whose bounds
 * are multiples of the tile width (columns) or height (rows) compute every element with the
 * same instructions as the whole product: threads split products this way.
 */
function emitPart(f: Code, s: GemmShape, gemm: number, epilogue: boolean): void {
  const [lo, hi, scratch, byCols, m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, add, bias, sd, alpha] = Array.from({ length: 19 }, (_, i) => i);
  const tail = (biasAt: () => void): void => {
    f.get(ldc).get(add).get(scratch).get(scratch).i32Const(4 * s.mc * s.kc).i32Add();
    f.get(scratch).i32Const(4 * (s.mc * s.kc + s.kc * s.nc)).i32Add();
    if (epilogue) {
      biasAt();
      f.get(sd).get(alpha).f32ReinterpretI32();
    }
    f.call(gemm);
  };
  f.get(byCols).if();
  f.get(m).get(hi).get(lo).i32Sub().get(k).get(a).get(rsA).get(csA);
  f.get(b).get(lo).get(csB).i32Mul().i32Add().get(rsB).get(csB);
  f.get(c).get(lo).i32Const(4).i32Mul().i32Add();
  // the part's columns start `lo` into the bias (0 stays 0: none)
  tail(() => f.get(bias).get(lo).i32Const(4).i32Mul().i32Add().i32Const(0).get(bias).select());
  f.else();
  f.get(hi).get(lo).i32Sub().get(n).get(k).get(a).get(lo).get(rsA).i32Mul().i32Add().get(rsA).get(csA);
  f.get(b).get(rsB).get(csB);
  f.get(c).get(lo).get(ldc).i32Mul().i32Add();
  tail(() => f.get(bias));
  f.end();
}

/**
 * The module's bytes. It imports `env.memory` and exports
 * `gemm(m, n, k, a, rsA, csA, b, rsB, csB, c, ldc, accumulate, packA, packB, tile)`: all
 * addresses and strides in bytes, element (i, p) of A at `a + i·rsA + p·csA`, (p, j) of B at
 * `b + p·rsB + j·csB`, (i, j) of C at `c + i·ldc + 4j`; `packA`, `packB`, `tile` are
 * scratch of `4·mc·kc`, `4·kc·nc` and `4·mr·nr` bytes (see `gemmScratchBytes`). `k` must be ≥ 1.
 * It also exports `gemmPart(lo, hi, scratch, byCols, m, n, k, a, rsA, csA, b, rsB, csB, c, ldc,
 * accumulate)`: columns or rows `lo .. hi` of that product, its scratch (`gemmScratchBytes`) at
 * `scratch`. With `epilogue`, both take three more parameters, `bias, sd, alpha` (see
 * `EPILOGUE_PARAMS`: the bias of C's columns, 0 for none; the byte distance from each element of C
 * to its saved pre-activation; leaky_relu's slope, f32, or for `gemmPart` its bits as an i32), and
 * C ends as `act(A·B + bias)`.
 */
export function gemmModuleBytes(s: GemmShape, memory: MemoryImport, epilogue?: DenseActivation): Uint8Array<ArrayBuffer> {
  if (s.nr % 4 !== 0 || s.mc % s.mr !== 0 || s.nc % s.nr !== 0) throw new Error('gemmModuleBytes: bad tile shape');
  const mb = new ModuleBuilder(memory);
  const extra: ValType[] = epilogue === undefined ? [] : ['i32', 'i32', 'f32'];
  const i32 = (n: number): 'i32'[] => new Array<'i32'>(n).fill('i32');
  const micro = mb.func(i32(6), []);
  emitMicro(micro.code, s);
  const edge = mb.func(i32(6), []);
  emitEdge(edge.code, s);
  const packA = mb.func(i32(6), []);
  emitPack(packA.code, s.mr);
  const packB = mb.func(i32(6), []);
  emitPack(packB.code, s.nr);
  let epi: number | undefined;
  if (epilogue !== undefined) {
    const e = mb.func(EPILOGUE_PARAMS, []);
    emitDenseEpilogue(e.code, epilogue);
    epi = e.index;
  }
  const driver = mb.func([...i32(15), ...extra], [], 'gemm');
  emitDriver(driver.code, s, { micro: micro.index, edge: edge.index, packA: packA.index, packB: packB.index, ...(epi === undefined ? {} : { epilogue: epi }) });
  // the part takes the slope as its float32 bits: threads pass only integers (a float read by a
  // JavaScript function that is not optimized is a heap number: garbage on every call)
  emitPart(mb.func(i32(16 + extra.length), [], 'gemmPart').code, s, driver.index, epilogue !== undefined);
  return mb.encode();
}
