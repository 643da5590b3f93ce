import { describe, expect, it } from 'vitest';
import { BASE58_ALPHABET } from '@ntpass/core';
import { createHasher, normalizeEmail } from '../src/secrets.js';

const secret = new TextEncoder().encode('k'.repeat(32));

describe('hashing codes and emails', () => {
  it('is deterministic per secret and never contains the input', () => {
    const h = createHasher(secret);
    expect(h.ticketUserId('t1', 'Ti4XMa')).toBe(h.ticketUserId('t1', 'Ti4XMa'));
    expect(h.ticketUserId('t1', 'Ti4XMa')).not.toContain('Ti4XMa');
    expect(h.email('person@example.com')).not.toContain('person');
    expect(h.email('person@example.com')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('separates tenants, codes vs emails, and secrets', () => {
    const h = createHasher(secret);
    expect(h.ticketUserId('t1', 'abc')).not.toBe(h.ticketUserId('t2', 'abc'));
    expect(h.ticketUserId('t1', 'abc').slice(4)).not.toBe(h.email('abc').slice(0, 28));
    expect(createHasher(new TextEncoder().encode('j'.repeat(32))).email('abc')).not.toBe(h.email('abc'));
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
    expect(createHasher(new TextEncoder().encode('j'.repeat(32))).ticketUserId('t', 'AbCdEf')).not.toBe(id);
  });
});
