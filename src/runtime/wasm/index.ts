/**
 * WebAssembly SIMD kernels generated at run time by a small emitter of our own (no toolchain,
 * no native addon): `createWasmKernels` returns a `Kernels` table, or `null` without SIMD.
 */
export { createWasmKernels, wasmSimdSupported } from './kernels.js';
export type { WasmKernelOptions, WasmKernels } from './kernels.js';
export { DEFAULT_SHAPE, gemmModuleBytes, gemmScratchBytes } from './gemm.js';
export type { GemmShape } from './gemm.js';
