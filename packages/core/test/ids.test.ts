import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE58_ALPHABET } from '../src/index.js';
import { checkId, newInstanceId, newNtpId, newUserId, randomBase58 } from '../src/ids.js';

const BASE58 = new RegExp(`^[${BASE58_ALPHABET}]+$`);

describe('ids', () => {
  it('base58 has no 0, O, I or l', () => {
    expect(BASE58_ALPHABET).toHaveLength(58);
    for (const c of '0OIl') expect(BASE58_ALPHABET).not.toContain(c);
  });

  it('ntpId is QOTP + 11 base58, userId iusr + 28 base58, instance ids TYPE:uuid:muid', () => {
    expect(newNtpId()).toMatch(/^QOTP[1-9A-HJ-NP-Za-km-z]{11}$/);
    expect(newUserId()).toMatch(/^iusr[1-9A-HJ-NP-Za-km-z]{28}$/);
    expect(newInstanceId('PASSWORD', 'cg2t1')).toMatch(/^PASSWORD:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}:cg2t1$/);
  });

  it('random codes have the length asked and only base58 characters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (n) => {
        const code = randomBase58(n);
        expect(code).toHaveLength(n);
        expect(code).toMatch(BASE58);
      }),
    );
  });

  it('random codes use every character about equally (no modulo bias)', () => {
    const counts = new Map<string, number>();
    const sample = randomBase58(58 * 2000);
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(58);
    // 2000 expected per character; 6 sigma is about ±270.
    for (const n of counts.values()) expect(Math.abs(n - 2000)).toBeLessThan(300);
  });

  it('checkId accepts 1–256 characters without control characters', () => {
    expect(checkId('iten4PgJYBY7UP3YpP2DYm7C9XxxL7kU', 'op', 'tenantId')).toBe('iten4PgJYBY7UP3YpP2DYm7C9XxxL7kU');
    expect(checkId('{weird}:tenant%/é😀', 'op', 'tenantId')).toBe('{weird}:tenant%/é😀');
    for (const bad of ['', 'x'.repeat(257), 'a\nb', 'a\u0000', '\u0085', '\ud800', 5, null]) {
      expect(() => checkId(bad, 'op', 'tenantId')).toThrow(/^op: tenantId /);
    }
  });
});
