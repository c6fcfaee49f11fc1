import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefaultOps, OP_NAMES } from '../../../src/runtime/ops/index.js';
import { gradcheckOp } from '../../../src/runtime/gradcheck.js';
import { RUNS } from '../arbitraries.js';
import { OP_CASES } from './cases.js';

const ops = createDefaultOps('float64');

describe('gradients of every op against central finite differences', () => {
  it('has a gradient case for every op of the table', () => {
    expect(Object.keys(OP_CASES).sort()).toEqual([...OP_NAMES].sort());
    expect(Object.keys(ops).sort()).toEqual([...OP_NAMES].sort());
  });

  it.each(OP_NAMES.map((n) => [n]))('%s: the analytic gradient matches to 1e-6 relative error', (name) => {
    fc.assert(
      fc.property(OP_CASES[name], ({ call, inputs }) => {
        const result = gradcheckOp(ops, call, inputs);
        if (!result.ok) {
          throw new Error(`${call.op} ${JSON.stringify(call.attrs)}: ${JSON.stringify(result)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
