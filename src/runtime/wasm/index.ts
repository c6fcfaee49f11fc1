/**
 * WebAssembly SIMD kernels generated at run time by a small emitter of our own (no toolchain,
 * no native addon; Node 20 and browsers): `createWasmKernels` returns a `Kernels` table, or
 * `null` without SIMD (then use the TypeScript `createKernels`).
 *
 * Adopting them in a plan: create the table once, allocate every float32 buffer a product
 * reads or writes (parameters, gradients, activations, saved values, scratch) with `alloc`
 * before handing any of them out, sized so the arena never grows (`arenaFloats`); then every
 * product runs in place. Buffers outside the kernel memory still work, through a copy.
 * `packSize` stays the TypeScript one (float64 operands run on the TypeScript kernels and need
 * it); float32 products ignore `pack`.
 *
 * Threads: `createWasmKernels({ threads, spawn })` puts the arena in a shared memory and lets
 * `threads - 1` workers (see `threads.ts`) compute parts of large products, bit-identically.
 */
export { CHUNKS_PER_THREAD, createWasmKernels, PARALLEL_MACS, wasmSimdSupported } from './kernels.js';
export type { WasmKernelOptions, WasmKernels } from './kernels.js';
export { DEFAULT_SHAPE, gemmModuleBytes, gemmScratchBytes } from './gemm.js';
export type { GemmShape } from './gemm.js';
export { ModuleBuilder } from './module.js';
export type { MemoryImport } from './module.js';
export { controlBytes, createThreadPool, defaultSpawn, sharedMemorySupported, MAX_ARGS, MAX_CHUNKS, WORKER_SOURCE } from './threads.js';
export type { Spawn, ThreadFunction, ThreadPool, ThreadPoolOptions, WorkerHandle } from './threads.js';
export { Code } from './code.js';
export { optimizerBackend, PARALLEL_ELEMENTS, wasmOptimizerUpdate } from './optim.js';
export type { ThreadJobs, UpdateArgs } from './lanes.js';
export type { ValType } from './code.js';
