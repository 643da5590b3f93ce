import { describe, expect, it } from 'vitest';
import { createHasher, normalizeEmail } from '../src/secrets.js';

const secret = new TextEncoder().encode('k'.repeat(32));

describe('hashing codes and emails', () => {
  it('is deterministic per secret and never contains the input', () => {
    const h = createHasher(secret);
    expect(h.code('t1', 'Ti4XMa')).toBe(h.code('t1', 'Ti4XMa'));
    expect(h.code('t1', 'Ti4XMa')).not.toContain('Ti4XMa');
    expect(h.email('person@example.com')).not.toContain('person');
    expect(h.code('t1', 'Ti4XMa')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('separates tenants, codes vs emails, and secrets', () => {
    const h = createHasher(secret);
    expect(h.code('t1', 'abc')).not.toBe(h.code('t2', 'abc'));
    expect(h.code('t1', 'abc')).not.toBe(h.email('abc'));
    expect(createHasher(new TextEncoder().encode('j'.repeat(32))).code('t1', 'abc')).not.toBe(h.code('t1', 'abc'));
  });

  it('normalises emails: trimmed, lower-cased, blank means none', () => {
    expect(normalizeEmail('  Person@Example.COM ')).toBe('person@example.com');
    expect(normalizeEmail('   ')).toBeUndefined();
    expect(normalizeEmail('')).toBeUndefined();
    expect(normalizeEmail(undefined)).toBeUndefined();
  });
});
