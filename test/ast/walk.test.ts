import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { children, nodeAt, walk } from '../../src/ast/walk.js';
import type { AstNode } from '../../src/ast/types.js';
import { parse } from '../../src/parser/index.js';
import { programArb } from '../arbitraries/program.js';

describe('walk', () => {
  it('visits every node object reachable through the AST fields', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        // Count nodes by brute force over object fields, and compare with the walk.
        let reachable = 0;
        const visit = (value: unknown): void => {
          if (Array.isArray(value)) return value.forEach(visit);
          if (value === null || typeof value !== 'object') return;
          const record = value as Record<string, unknown>;
          if (typeof record['kind'] === 'string') reachable++;
          for (const [key, v] of Object.entries(record)) if (key !== 'range') visit(v);
        };
        visit(program);
        let walked = 0;
        walk(program, () => void walked++);
        expect(walked).toBe(reachable);
      }),
      { numRuns: 100 },
    );
  });

  it('skips the children of a node when the visitor returns false', () => {
    const { program } = parse('model M { dense(1) } let x = 2');
    const kinds: string[] = [];
    walk(program, (n) => {
      kinds.push(n.kind);
      return n.kind !== 'Model';
    });
    expect(kinds).toEqual(['Program', 'Model', 'Let', 'Identifier', 'Number']);
    expect(children(program).map((c: AstNode) => c.kind)).toEqual(['Model', 'Let']);
  });

  it('finds the innermost node at an offset', () => {
    const text = 'model M { dense(units: 10) }';
    const { program } = parse(text);
    expect(nodeAt(program, text.indexOf('units'))?.kind).toBe('Identifier');
    expect(nodeAt(program, text.indexOf('10'))?.kind).toBe('Number');
    expect(nodeAt(program, text.indexOf('('))?.kind).toBe('Call');
  });
});
