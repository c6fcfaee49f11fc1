export { backward, differentiableLeaves, forward, graphShapes, specOf } from './graph.js';
export type { Evaluation, Graph, GraphLeaf, GraphNode } from './graph.js';
