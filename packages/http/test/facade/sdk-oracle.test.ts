import { generateKeyPairSync } from 'node:crypto';
import { createEngine } from '@ntpass/core';
import { createFakeClock, TEST_SECRET } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { elvNtpFacade, type ElvNtpFacade } from '../../src/facade/elv-ntp-facade.js';
import { ELV_CLIENT_JS_CALLS, ELV_CLIENT_JS_VERSION } from '../fixtures/elv-client-js/elv-client-js-4.2.15.js';

const SECRET = TEST_SECRET;
const KMS_ID = 'ikms4ZPRRaZiwQN6rxEz7D75tqzvGQ3g';
const PLACEHOLDER = /^<(ntp|token|user):\d+>$/;

/** Replaces the recording's placeholders with the ids this run generated. */
function substitute(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)]));
  }
  return value;
}

/** Learns the ids a call generated: where the recording has a placeholder, this run has its own id. */
function learn(recorded: unknown, actual: unknown, ids: Map<string, string>): void {
  if (typeof recorded === 'string' && PLACEHOLDER.test(recorded) && typeof actual === 'string') {
    ids.set(recorded, actual);
  } else if (recorded !== null && typeof recorded === 'object' && actual !== null && typeof actual === 'object') {
    for (const [k, v] of Object.entries(recorded)) learn(v, (actual as Record<string, unknown>)[k], ids);
  }
}

/** Every object's keys, in order, depth first: toStrictEqual ignores order, the SDK's users may not. */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([k, v]) => [k, keyOrder(v)]);
  return null;
}

describe(`elvNtpFacade against @eluvio/elv-client-js ${ELV_CLIENT_JS_VERSION}`, () => {
  it('returns, call after call, exactly what the SDK returned: values, types, NaN for unset times, key order', async () => {
    const clock = createFakeClock();
    const engine = createEngine({ store: memoryStore(), secret: SECRET, clock: clock.now, signingKey: generateKeyPairSync('ed25519').privateKey });
    const facade = elvNtpFacade(engine, { kmsId: KMS_ID });
    const ids = new Map<string, string>();
    let compared = 0;
    for (const call of ELV_CLIENT_JS_CALLS) {
      clock.set(call.at);
      const method = facade[call.method as keyof ElvNtpFacade] as (input: unknown) => Promise<unknown>;
      const actual = await method(substitute(call.input, ids));
      learn(call.output, actual, ids);
      const expected = substitute(call.output, ids);
      const where = `${call.method}(${JSON.stringify(call.input)}) at ${call.at}`;
      expect(actual, where).toStrictEqual(expected);
      expect(keyOrder(actual), where).toEqual(keyOrder(expected));
      compared += 1;
    }
    expect(compared).toBe(ELV_CLIENT_JS_CALLS.length);
    // Every placeholder got a real id: the comparisons above were against this run's values.
    expect([...ids.keys()].filter((k) => k.startsWith('<ntp:'))).toHaveLength(3);
    expect([...ids.keys()].filter((k) => k.startsWith('<token:'))).toHaveLength(2);
  });

  it('defaults kmsId, which the SDK always has, to "ikmsntpass"', async () => {
    const engine = createEngine({ store: memoryStore(), secret: SECRET });
    const facade = elvNtpFacade(engine);
    const ntpId = await facade.CreateNTPInstance({ tenantId: 't', objectId: 'iq__x' });
    const info = await facade.NTPInstance({ tenantId: 't', ntpId });
    expect(info.kmsId).toBe('ikmsntpass');
    expect(Number.isNaN(info.startTime) && Number.isNaN(info.endTime)).toBe(true);
    // What SDK users do with these: an unset time is an invalid date, as with the SDK.
    expect(Number.isNaN(new Date(info.startTime).getTime())).toBe(true);
  });
});
