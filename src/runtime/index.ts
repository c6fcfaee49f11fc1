export * from './tensor.js';
export * from './kernels/index.js';
export * from './ops/index.js';
export * from './autodiff/index.js';
export * from './gradcheck.js';
