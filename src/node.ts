/**
 * `nn-lang/node`: what only Node programs need. `nodeSpawn` starts the kernels' worker threads
 * on `node:worker_threads`; pass it as `spawn` to `compile()`, `createTrainingPlan`, or a
 * compiled module's `wasmKernels({ threads, spawn })`.
 */
export { nodeSpawn } from './cli/threads.js';
