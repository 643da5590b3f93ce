import { describe, expect, it } from 'vitest';
import { BASE58_ALPHABET } from '@ntpass/core';
import { createHasher, normalizeEmail } from '../src/secrets.js';

const hasher = createHasher(new TextEncoder().encode('k'.repeat(32)));

describe('hasher', () => {
  it('derives a ticket user id of "iusr" + 28 base58, stable per (tenant, code)', () => {
    const id = hasher.ticketUserId('t', 'AbCdEf');
    expect(id).toMatch(new RegExp(`^iusr[${BASE58_ALPHABET}]{28}$`));
    expect(hasher.ticketUserId('t', 'AbCdEf')).toBe(id);
    expect(hasher.ticketUserId('u', 'AbCdEf')).not.toBe(id);
    expect(hasher.ticketUserId('t', 'AbCdEg')).not.toBe(id);
  });

  it('keeps the user id unrelated to the stored code hash and to other secrets', () => {
    const other = createHasher(new TextEncoder().encode('j'.repeat(32)));
    expect(other.ticketUserId('t', 'AbCdEf')).not.toBe(hasher.ticketUserId('t', 'AbCdEf'));
    expect(hasher.code('t', 'AbCdEf')).not.toContain(hasher.ticketUserId('t', 'AbCdEf').slice(4));
  });

  it('separates codes by tenant', () => {
    expect(hasher.code('t1', 'AbCdEf')).not.toBe(hasher.code('t2', 'AbCdEf'));
  });

  it('normalises emails: trimmed, lower-cased, blank means none', () => {
    expect(normalizeEmail('  A@B.org ')).toBe('a@b.org');
    expect(normalizeEmail('   ')).toBeUndefined();
    expect(normalizeEmail(null)).toBeUndefined();
  });
});
