import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isNtpassError, verifySignedCode, type Engine } from '@ntpass/core';
import type { StoreSnapshot } from '@ntpass/core/testing';
import { hostile, HOSTILE_VALUES } from '../hostile-values.js';
import { T, instance, setup, type Setup } from './support.js';

/*
 * Every NTP entry point, fed arbitrary input: nothing but NtpassError comes
 * out, and a call that throws leaves the store exactly as it was (SPEC §6.6),
 * except the failure count of a client's throttle.
 */

const keys = generateKeyPairSync('ed25519');
const RUNS = 100;

/** The state a rejected call must leave alone: everything but throttle partitions. */
function withoutThrottle(snapshot: StoreSnapshot): StoreSnapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([p]) => !p.startsWith('client:')));
}

interface World {
  readonly s: Setup;
  readonly ntpId: string;
  readonly tokens: readonly string[];
}

async function world(): Promise<World> {
  const s = setup({ signingKey: keys.privateKey, signingKeyId: 'k', redeemThrottle: { maxFailures: 3 } });
  const ntpId = await instance(s, { maxTickets: 50, maxRedemptions: 3 });
  const plain = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'a@x.org' });
  const signed = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
  return { s, ntpId, tokens: [plain.token, signed.token, `${signed.token.slice(0, -2)}AA`] };
}

const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  hostile,
  fc.constantFrom(undefined, null, Number.NaN, Infinity, -1, 0, 1.5, 2 ** 53, '', ' ', '\u0000', '\ud800', '2030-01-01T00:00:00'),
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.date({ noInvalidDate: false }),
);

/**
 * Options built from plausible and hostile field values: the required ones
 * mostly present and plausible (so calls reach the rules, not just the
 * schema), the others present or not, now and then an unknown field.
 */
function options(required: Record<string, fc.Arbitrary<unknown>>, optional: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<unknown> {
  const value = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: good }, { weight: 1, arbitrary: junk });
  const record = fc.record(
    Object.fromEntries([...Object.entries(required), ...Object.entries(optional)].map(([k, good]) => [k, value(good)])),
    { requiredKeys: Object.keys(required) },
  );
  const names = Object.keys(required);
  const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
  const drop = names.length === 0 ? fc.constant(undefined) : rarely(fc.constantFrom(...names));
  const extra = rarely(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), junk, { maxKeys: 1 }));
  const built = fc.tuple(record, drop, extra).map(([r, missing, x]) => {
    const out: Record<string, unknown> = { ...x, ...r };
    if (missing !== undefined) delete out[missing];
    return out;
  });
  return fc.oneof({ weight: 1, arbitrary: junk }, { weight: 12, arbitrary: built });
}

function fields(w: World) {
  const tenantId = fc.oneof({ weight: 4, arbitrary: fc.constant(T) }, { weight: 1, arbitrary: fc.constantFrom('tenant-b', 'x'.repeat(256)) });
  const ntpId = fc.oneof({ weight: 4, arbitrary: fc.constant(w.ntpId) }, { weight: 1, arbitrary: fc.constant('QOTP11111111111') });
  const time = fc.oneof(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom('2031-05-01', '2029-01-01T00:00:00Z', null));
  const small = fc.integer({ min: -1, max: 6 });
  const email = fc.oneof(fc.constantFrom('a@x.org', ' A@X.org', ''), fc.emailAddress());
  const code = fc.oneof(fc.constantFrom(...w.tokens, 'zzzzzz'), fc.string({ maxLength: 40 }));
  return { tenantId, ntpId, time, small, email, code };
}

type Call = (engine: Engine, input: unknown) => Promise<unknown>;

const entryPoints: [string, Call, (w: World) => fc.Arbitrary<unknown>][] = [
  ['createNtpInstance', (e, i) => e.createNtpInstance(i as never), (w) => {
    const f = fields(w);
    return options(
      { tenantId: f.tenantId, objectId: fc.string({ maxLength: 5 }) },
      { groupAddresses: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), ntpClass: f.small, maxTickets: f.small, maxRedemptions: f.small, startTime: f.time, endTime: f.time, ticketLength: fc.integer({ min: 2, max: 40 }) },
    );
  }],
  ['ntpInstance', (e, i) => e.ntpInstance(i as never), (w) => options(ref(w))],
  ['listNtpInstances', (e, i) => e.listNtpInstances(i as never), (w) => options({ tenantId: fields(w).tenantId }, { count: fields(w).small, offset: fields(w).small })],
  ['updateNtpInstance', (e, i) => e.updateNtpInstance(i as never), (w) => {
    const f = fields(w);
    return options(ref(w), { maxTickets: f.small, maxRedemptions: f.small, startTime: f.time, endTime: f.time });
  }],
  ['suspendNtpInstance', (e, i) => e.suspendNtpInstance(i as never), (w) => options(ref(w))],
  // Never the real instance: a successful delete purges in the background, which no snapshot could pin.
  ['deleteNtpInstance', (e, i) => e.deleteNtpInstance(i as never), () => options({ tenantId: fc.constantFrom(T, 'tenant-b'), ntpId: fc.constantFrom('QOTP11111111111', '') })],
  ['issueNtpCode', (e, i) => e.issueNtpCode(i as never), (w) => options(ref(w), { email: fields(w).email, maxRedemptions: fields(w).small })],
  ['issueSignedNtpCode', (e, i) => e.issueSignedNtpCode(i as never), (w) => options(ref(w), { email: fields(w).email, maxRedemptions: fields(w).small })],
  ['issueNtpCodes', (e, i) => e.issueNtpCodes(i as never), (w) => {
    const f = fields(w);
    return options(ref(w), { count: f.small, emails: fc.array(f.email, { maxLength: 4 }), maxRedemptions: f.small, onProgress: fc.constant(() => undefined) });
  }],
  ['redeemCode', (e, i) => e.redeemCode(i as never), (w) => redeemOptions(w)],
  ['ntpCodeStatus', (e, i) => e.ntpCodeStatus(i as never), (w) => redeemOptions(w)],
  ['listNtpTickets', (e, i) => e.listNtpTickets(i as never), (w) => options(ref(w), { count: fields(w).small, offset: fields(w).small })],
  ['revokeNtpCode', (e, i) => e.revokeNtpCode(i as never), (w) => options(ref(w), { code: fields(w).code, userId: fc.string({ maxLength: 40 }) })],
  ['ntpInstanceReport', (e, i) => e.ntpInstanceReport(i as never), (w) => options(ref(w))],
];

function ref(w: World) {
  return { tenantId: fields(w).tenantId, ntpId: fields(w).ntpId };
}

function redeemOptions(w: World): fc.Arbitrary<unknown> {
  const f = fields(w);
  const target = fc.oneof(
    fc.record({ tenantId: f.tenantId }),
    fc.record({ tenantId: f.tenantId, ntpId: f.ntpId }),
    fc.record({ issuer: fc.oneof(fc.constantFrom(`/otp/ntp/${T}`, `/otp/ntp/${T}/${w.ntpId}`, '/otp/ntp/%ZZ'), fc.string({ maxLength: 30 })) }),
    fc.constant({}),
  );
  const rest = options({ code: f.code }, { email: f.email, includeNtpId: fc.boolean(), clientKey: fc.constantFrom('ip-1', 'ip-2') });
  return fc.tuple(target, rest).map(([t, o]) => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return o;
    try {
      return { ...t, ...o };
    } catch {
      // A hostile value (a proxy that throws on every trap) cannot be spread: it is the input as is.
      return o;
    }
  });
}

describe('fuzzed NTP entry points', () => {
  it.each(entryPoints)('%s throws only NtpassError and a rejected call changes nothing', async (_, call, arbitrary) => {
    const w = await world();
    await fc.assert(
      fc.asyncProperty(arbitrary(w), async (input) => {
        const before = withoutThrottle(await w.s.store.snapshot(w.s.clock.now()));
        try {
          await call(w.s.engine, input);
        } catch (e) {
          expect(isNtpassError(e), String(e)).toBe(true);
          expect(withoutThrottle(await w.s.store.snapshot(w.s.clock.now()))).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it.each(HOSTILE_VALUES.map(([name, value]) => [name, value] as const))('every NTP entry point refuses %s in any field with INVALID_ARGUMENT, changing nothing', async (_, value) => {
    const w = await world();
    const fields = ['tenantId', 'ntpId', 'objectId', 'groupAddresses', 'startTime', 'endTime', 'email', 'emails', 'count', 'code', 'issuer', 'clientKey', 'userId', 'maxRedemptions'];
    const before = withoutThrottle(await w.s.store.snapshot(w.s.clock.now()));
    for (const [op, call] of entryPoints) {
      for (const field of fields) {
        const input = { tenantId: T, ntpId: w.ntpId, objectId: 'o', code: 'zzzzzz', [field]: value };
        const error = await call(w.s.engine, input).then(() => undefined, (e: unknown) => e);
        expect(isNtpassError(error) && error.code, `${op}.${field}: ${String(error)}`).toBe('INVALID_ARGUMENT');
      }
    }
    expect(withoutThrottle(await w.s.store.snapshot(w.s.clock.now()))).toEqual(before);
  }, 120_000);

  it('verifySignedCode answers null or a payload for any token', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string(), fc.stringMatching(/^[A-Za-z0-9]{1,8}\.[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{86}$/)), (token) => {
        const result = verifySignedCode(token as string, keys.publicKey);
        expect(result).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
