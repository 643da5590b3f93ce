import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isNtpassError, type Engine } from '@ntpass/core';
import { hostile, HOSTILE_VALUES } from '../hostile-values.js';
import { setup, type Setup } from '../ntp/support.js';

/*
 * Every method entry point, fed arbitrary input — deep, cyclic, wide and huge
 * values included: nothing but NtpassError comes out (never a RangeError or a
 * TypeError from a cycle), and a call that throws leaves the store exactly as
 * it was (SPEC §6.6).
 */

const RUNS = 60;
const TENANT = 'tenant-m';

interface World {
  readonly s: Setup;
  readonly instanceId: string;
}

async function world(): Promise<World> {
  const s = setup({ defaultTenantId: TENANT });
  const { instanceId } = await s.engine.initiateInstance({ muid: 'u', methodType: 'CM', data: { ref: 'vault:1' } });
  await s.engine.activateInstance({ muid: 'u', methodType: 'CM', instanceId });
  return { s, instanceId };
}

const junk = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 3, arbitrary: hostile },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, Number.NaN, '', '\u0000', '\ud800', 'x'.repeat(257)) },
);

function options(w: World, extra: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const good: Record<string, fc.Arbitrary<unknown>> = {
    tenantId: fc.constantFrom(TENANT, 'other'),
    muid: fc.constantFrom('u', 'v', '\u00e9'.repeat(256)),
    methodType: fc.constantFrom('CM', 'PASSWORD', 'SMS'),
    methodTypes: fc.constantFrom(['CM'], ['CM', 'SMS']),
    instanceId: fc.constantFrom(w.instanceId, 'missing'),
    ...extra,
  };
  const field = (arbitrary: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary }, { weight: 2, arbitrary: junk });
  const record = fc.record(Object.fromEntries(Object.entries(good).map(([k, a]) => [k, field(a)])), { requiredKeys: [] });
  return fc.oneof({ weight: 1, arbitrary: junk }, { weight: 6, arbitrary: record });
}

type Call = (engine: Engine, input: unknown) => Promise<unknown>;
const loose = (engine: Engine, op: string): ((input: unknown) => Promise<unknown>) =>
  (engine as unknown as Record<string, (input: unknown) => Promise<unknown>>)[op]!.bind(engine);

const OPS = [
  'methodInfo', 'initiateInstance', 'activateInstance', 'blockInstance', 'unblockInstance', 'deactivateInstance',
  'blockMethod', 'unblockMethod', 'deactivateMethod', 'activateMethod', 'authenticate',
] as const;

const extras: Record<string, fc.Arbitrary<unknown>> = {
  data: fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile),
  verify: fc.constantFrom(() => true, () => false, 'not a function'),
};

describe('fuzzed method entry points', () => {
  it.each(OPS.map((op) => [op] as const))('%s throws only NtpassError, even on deep, cyclic, wide and huge input, and a rejected call changes nothing', async (op) => {
    const w = await world();
    const call: Call = (engine, input) => loose(engine, op)(input);
    await fc.assert(
      fc.asyncProperty(options(w, extras), async (input) => {
        const before = await w.s.store.snapshot(w.s.clock.now());
        try {
          await call(w.s.engine, input);
        } catch (e) {
          expect(isNtpassError(e), `${op}: ${String(e)}`).toBe(true);
          expect(await w.s.store.snapshot(w.s.clock.now())).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it.each(HOSTILE_VALUES.map(([name, value]) => [name, value] as const))('every method entry point refuses %s in any field with INVALID_ARGUMENT', async (_, value) => {
    const w = await world();
    for (const op of OPS) {
      for (const field of ['muid', 'tenantId', 'methodType', 'methodTypes', 'instanceId', 'data', 'verify']) {
        const input = { muid: 'u', methodType: 'CM', methodTypes: ['CM'], instanceId: w.instanceId, verify: () => true, [field]: value };
        const error = await loose(w.s.engine, op)(input).then(() => undefined, (e: unknown) => e);
        if (error === undefined) continue; // a field the operation does not read is refused as unknown; one it ignores cannot be
        expect(isNtpassError(error) && error.code, `${op}.${field}: ${String(error)}`).toBe('INVALID_ARGUMENT');
      }
    }
  }, 120_000);
});
