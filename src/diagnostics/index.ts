export * from './types.js';
export * from './table.js';
export * from './sink.js';
export * from './render.js';
