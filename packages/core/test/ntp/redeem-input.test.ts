import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRedeemInput } from '../../src/ntp/redeem-input.js';
import { redeemCodeSchema } from '../../src/ntp/schemas.js';
import { parseInput } from '../../src/validate.js';

// Values chosen to sit on every edge the hand check decides: lengths, control characters, lone surrogates, types.
const value = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, '', 'a', 'acme', 'x'.repeat(256), 'x'.repeat(257), 'c'.repeat(4096), 'c'.repeat(4097), 'a\u0000b', 'a\u007fb', '\ud800', 'ü😀', ' ', {}, []),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const key = fc.constantFrom('tenantId', 'ntpId', 'code', 'clientKey', 'includeNtpId', 'issuer', 'email', 'other', '__proto__', 'constructor');
const outcome = (f: () => unknown): unknown => {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: String(e), code: (e as { code?: unknown }).code };
  }
};

describe('parseRedeemInput', () => {
  it('gives what the zod schema gives, value or error, for any options', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (options) => {
        expect(outcome(() => parseRedeemInput(options, 'redeemCode'))).toEqual(outcome(() => parseInput(redeemCodeSchema, options, 'redeemCode')));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the common request as is, and refuses a non-object like the schema does', () => {
    expect(parseRedeemInput({ tenantId: 't', ntpId: 'n', code: 'abc', includeNtpId: true }, 'redeemCode')).toEqual({ tenantId: 't', ntpId: 'n', code: 'abc', includeNtpId: true });
    expect(() => parseRedeemInput(null, 'redeemCode')).toThrow(/options must be an object/);
    expect(() => parseRedeemInput({ tenantId: 't', code: 'abc', extra: 1 }, 'redeemCode')).toThrow(/INVALID_ARGUMENT|extra|unrecognized/i);
  });
});

describe('parseRedeemInput on hostile options', () => {
  it('reports a throwing getter or proxy as the schema does, never the raw error', () => {
    const getter = { code: 'abc', get tenantId(): string { throw new Error('getter'); } };
    const proxy = new Proxy({}, { get: () => { throw new Error('trap'); }, getPrototypeOf: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
    for (const options of [getter, proxy]) {
      expect(outcome(() => parseRedeemInput(options, 'redeemCode'))).toEqual(outcome(() => parseInput(redeemCodeSchema, options, 'redeemCode')));
      expect(() => parseRedeemInput(options, 'redeemCode')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
