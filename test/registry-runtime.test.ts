import { describe, expect, it } from 'vitest';
import { builtinsOfKind, type ParamSpec } from '../src/builtins/index.js';
import type { BuiltinKind } from '../src/checker/types.js';
import { ACTIVATION_NAMES, CLIPPERS, INITIALIZERS, OPTIMIZERS, REGULARIZERS, SCHEDULE_DEFAULTS } from '../src/runtime/index.js';

/**
 * The registry is the one source of names, parameters and defaults for the front end; the runtime
 * implements each built-in in its own table. These sibling checks fail when one side gains an
 * entry, a parameter or a different default that the other does not have.
 */

type Defaults = Readonly<Record<string, unknown>>;

/** A registry entry's parameters as the runtime writes them: `null` for a required parameter. */
function registryDefaults(params: readonly ParamSpec[]): Record<string, unknown> {
  return Object.fromEntries(params.map((p) => [p.name, p.required ? null : (p.default ?? null)]));
}

function names(kind: BuiltinKind): string[] {
  return builtinsOfKind(kind).map((b) => b.name).sort();
}

const tables: [BuiltinKind, Readonly<Record<string, { readonly defaults: Defaults }>>][] = [
  ['optimizer', OPTIMIZERS],
  ['initializer', INITIALIZERS],
  ['clip', CLIPPERS],
  ['regularizer', REGULARIZERS],
];

describe('the registry and the runtime name the same built-ins', () => {
  it.each(tables)('every %s in the registry has a runtime implementation and vice versa', (kind, table) => {
    expect(Object.keys(table).sort()).toEqual(names(kind));
  });

  it.each(tables)('every %s takes the same parameters with the same defaults on both sides', (kind, table) => {
    for (const spec of builtinsOfKind(kind)) {
      expect({ [spec.name]: table[spec.name]!.defaults }).toEqual({ [spec.name]: registryDefaults(spec.params) });
    }
  });

  it('every schedule in the registry has the runtime defaults', () => {
    expect(Object.keys(SCHEDULE_DEFAULTS).sort()).toEqual(names('schedule'));
    for (const spec of builtinsOfKind('schedule')) {
      expect({ [spec.name]: SCHEDULE_DEFAULTS[spec.name as keyof typeof SCHEDULE_DEFAULTS] }).toEqual({ [spec.name]: registryDefaults(spec.params) });
    }
  });

  it('every elementwise activation in the registry has a runtime kernel (softmax and log_softmax are ops)', () => {
    const elementwise = names('activation').filter((n) => n !== 'softmax' && n !== 'log_softmax');
    expect([...ACTIVATION_NAMES].sort()).toEqual(elementwise);
  });
});
