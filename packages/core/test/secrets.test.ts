import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BASE58_ALPHABET } from '@ntpass/core';
import { createHasher, deriveSubkeys, normalizeEmail } from '../src/secrets.js';
import { OTHER_TEST_SECRET, TEST_SECRET } from '../src/testing/index.js';

const secret = new TextEncoder().encode(TEST_SECRET);
const other = new TextEncoder().encode(OTHER_TEST_SECRET);

/** The user id as SPEC's stored form defines it, written the plain way: "iusr" + 28 base58 of HMAC-SHA-512 by rejection sampling. */
function referenceUserId(tenantId: string, code: string): string {
  const digest = createHmac('sha512', deriveSubkeys(secret).codes).update(`${tenantId}\0${code}`).digest();
  let out = '';
  for (const byte of digest) if ((byte & 63) < 58 && out.length < 28) out += BASE58_ALPHABET[byte & 63];
  return `iusr${out}`;
}

describe('hashing codes and emails', () => {
  it('gives every code the user id of the plain construction, call after call', () => {
    const h = createHasher(secret);
    for (let i = 0; i < 2000; i++) {
      const tenant = i % 3 === 0 ? 'ü'.repeat(256) : `t${i % 7}`;
      const code = `C${i.toString(36)}x`;
      expect(h.ticketUserId(tenant, code)).toBe(referenceUserId(tenant, code));
    }
  });

  it('is deterministic per secret and never contains the input', () => {
    const h = createHasher(secret);
    expect(h.ticketUserId('t1', 'Ti4XMa')).toBe(h.ticketUserId('t1', 'Ti4XMa'));
    expect(h.ticketUserId('t1', 'Ti4XMa')).not.toContain('Ti4XMa');
    expect(h.email('t1', 'person@example.com')).not.toContain('person');
    expect(h.email('t1', 'person@example.com')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('separates tenants, codes vs emails, and secrets', () => {
    const h = createHasher(secret);
    expect(h.ticketUserId('t1', 'abc')).not.toBe(h.ticketUserId('t2', 'abc'));
    expect(h.ticketUserId('t1', 'abc').slice(4)).not.toBe(h.email('t1', 'abc').slice(0, 28));
    expect(createHasher(other).email('t1', 'abc')).not.toBe(h.email('t1', 'abc'));
  });

  it('scopes email hashes per tenant: one person in two tenants is not linkable', () => {
    const h = createHasher(secret);
    expect(h.email('acme', 'person@example.com')).not.toBe(h.email('globex', 'person@example.com'));
    // The separator keeps ("a", "b\0c") and ("a\0b", "c") apart; ids never hold NUL, emails may not either.
    expect(h.email('ab', 'c@x')).not.toBe(h.email('a', 'bc@x'));
  });

  it('keys codes, stored emails and signed payloads with separate HKDF subkeys, none of them the secret', () => {
    const keys = deriveSubkeys(secret);
    const all = [keys.codes, keys.emails, keys.signing].map((k) => k.toString('hex'));
    expect(new Set([...all, Buffer.from(secret).toString('hex')]).size).toBe(4);
    for (const k of [keys.codes, keys.emails, keys.signing]) expect(k).toHaveLength(32);
    const h = createHasher(secret);
    // A stored email hash and a payload's email hash of the same email differ: a token holder learns nothing stored.
    expect(h.payloadEmail('t', 'p@x')).not.toBe(h.email('t', 'p@x'));
    // Nothing is keyed with the raw secret any more.
    const raw = createHmac('sha256', Buffer.from(secret)).update('t\0p@x').digest('base64url');
    expect([h.email('t', 'p@x'), h.payloadEmail('t', 'p@x')]).not.toContain(raw);
    expect(h.email('t', 'p@x')).toBe(createHmac('sha256', keys.emails).update('t\0p@x').digest('base64url'));
  });

  it('normalises emails: trimmed, lower-cased, blank means none', () => {
    expect(normalizeEmail('  Person@Example.COM ')).toBe('person@example.com');
    expect(normalizeEmail('   ')).toBeUndefined();
    expect(normalizeEmail('')).toBeUndefined();
    expect(normalizeEmail(undefined)).toBeUndefined();
  });

  it('stores a code as its ticket user id: "iusr" + 28 base58, distinct per code and per secret', () => {
    const h = createHasher(secret);
    const id = h.ticketUserId('t', 'AbCdEf');
    expect(id).toMatch(new RegExp(`^iusr[${BASE58_ALPHABET}]{28}$`));
    expect(h.ticketUserId('t', 'AbCdEg')).not.toBe(id);
    expect(createHasher(other).ticketUserId('t', 'AbCdEf')).not.toBe(id);
  });
});
