import type { AstNode } from './types.js';

/**
 * The direct children of an AST node, in source order. The one place that knows which fields
 * hold sub-nodes, so generic walks (find the node at a position, collect names, strip ranges)
 * need no per-kind code of their own.
 */
export function children(node: AstNode): AstNode[] {
  switch (node.kind) {
    case 'Program':
      return [...node.decls];
    case 'Let':
      return [node.name, node.value];
    case 'Model':
      return [node.name, ...node.body];
    case 'Train':
      return [node.model, ...node.entries];
    case 'TrainEntry':
      return [node.key, node.value];
    case 'Input':
      return [node.shape];
    case 'Layer':
      return node.label ? [node.label, node.layer] : [node.layer];
    case 'Repeat':
      return [node.count, ...node.body];
    case 'Residual':
      return [...node.body];
    case 'List':
      return [...node.items];
    case 'Call':
      return [node.callee, ...node.args];
    case 'Argument':
      return node.name ? [node.name, node.value] : [node.value];
    case 'Binary':
      return [node.left, node.right];
    case 'Unary':
      return [node.operand];
    case 'Paren':
      return [node.expr];
    case 'Name':
      return [node.name];
    case 'Number':
    case 'String':
    case 'Boolean':
    case 'Identifier':
    case 'Missing':
      return [];
  }
}

/**
 * Visits `node` and its descendants depth-first in source order. Return `false` from `visit`
 * to skip a node's children. Uses an explicit stack, so tree depth never exhausts the call stack.
 */
export function walk(node: AstNode, visit: (node: AstNode, parent: AstNode | undefined) => boolean | void): void {
  const stack: [AstNode, AstNode | undefined][] = [[node, undefined]];
  while (stack.length > 0) {
    const [current, parent] = stack.pop()!;
    if (visit(current, parent) === false) continue;
    const kids = children(current);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, current]);
  }
}

/** The innermost node whose range contains `offset` (start inclusive, end exclusive, or an empty node at it). */
export function nodeAt(root: AstNode, offset: number): AstNode | undefined {
  let found: AstNode | undefined;
  walk(root, (node) => {
    const { startOffset, endOffset } = node.range;
    const inside = (startOffset <= offset && offset < endOffset) || (startOffset === offset && endOffset === offset);
    if (!inside) return false;
    found = node;
    return true;
  });
  return found;
}
