import { createHmac } from 'node:crypto';
import { BASE58_ALPHABET } from './ids.js';

/**
 * Hashes codes and emails before they reach a store (SPEC §6.7), keyed with
 * the engine's `secret`. A keyed hash, not a plain one: a 6-character code
 * space is small enough to enumerate, so without the key a leaked store would
 * give the codes away.
 */
export interface Hasher {
  /** The stored form of an email (trimmed, lower-cased first): HMAC-SHA-256, base64url. */
  email(email: string): string;
  /**
   * The stored form of a ticket code within a tenant, which is also the
   * ticket's `userId`: `"iusr"` + 28 base58 of HMAC-SHA-512 (~164 bits). So a
   * redemption finds its ticket and names its user from the code alone, and no
   * one without the secret can tell a code from its user id.
   */
  ticketUserId(tenantId: string, code: string): string;
}

/** Normalises an email for comparison: trimmed and lower-cased. Blank means none. */
export function normalizeEmail(email: string | undefined | null): string | undefined {
  if (email === undefined || email === null) return undefined;
  const e = email.trim().toLowerCase();
  return e === '' ? undefined : e;
}

export function createHasher(secret: Uint8Array): Hasher {
  const key = Buffer.from(secret);
  // The domains and NUL separators keep a code from colliding with an email or another tenant's code.
  return {
    email: (email) => createHmac('sha256', key).update(`email\0${email}`).digest('base64url'),
    ticketUserId: (tenantId, code) => {
      const digest = createHmac('sha512', key).update(`user\0${tenantId}\0${code}`).digest();
      return `iusr${base58FromBytes(digest, USER_ID_CHARS)}`;
    },
  };
}

const USER_ID_CHARS = 28;

// Rejection sampling (6 bits, 58..63 skipped) keeps each character uniform.
// 64 bytes give about 58 characters, so falling short of 28 is practically
// impossible; the fallback only keeps the function total.
function base58FromBytes(bytes: Uint8Array, length: number): string {
  let out = '';
  for (const byte of bytes) {
    const v = byte & 63;
    if (v < 58) out += BASE58_ALPHABET[v];
    if (out.length === length) return out;
  }
  return out.padEnd(length, BASE58_ALPHABET[0]);
}
