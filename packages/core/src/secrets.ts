import { createHmac } from 'node:crypto';

/**
 * Hashes codes and emails before they reach a store (SPEC §6.7): HMAC-SHA-256
 * keyed with the engine's `secret`, base64url. A keyed hash, not a plain one:
 * a 6-character code space is small enough to enumerate, so without the key a
 * leaked store would give the codes away.
 */
export interface Hasher {
  /** The stored form of a ticket code within a tenant. */
  code(tenantId: string, code: string): string;
  /** The stored form of an email (trimmed, lower-cased first). */
  email(email: string): string;
}

/** Normalises an email for comparison: trimmed and lower-cased. Blank means none. */
export function normalizeEmail(email: string | undefined | null): string | undefined {
  if (email === undefined || email === null) return undefined;
  const e = email.trim().toLowerCase();
  return e === '' ? undefined : e;
}

export function createHasher(secret: Uint8Array): Hasher {
  const key = Buffer.from(secret);
  const mac = (domain: string, text: string): string =>
    // The domain and NUL separator keep a code from colliding with an email or another tenant's code.
    createHmac('sha256', key).update(`${domain}\0${text}`).digest('base64url');
  return {
    code: (tenantId, code) => mac(`code\0${tenantId}`, code),
    email: (email) => mac('email', email),
  };
}
