import { createHmac, hkdfSync } from 'node:crypto';
import { BASE58_ALPHABET } from './ids.js';

/**
 * Hashes codes and emails before they reach a store (SPEC §6.7), keyed with
 * subkeys of the engine's `secret`. A keyed hash, not a plain one: a
 * 6-character code space is small enough to enumerate, so without the key a
 * leaked store would give the codes away.
 */
export interface Hasher {
  /**
   * The stored form of an email (trimmed, lower-cased first) within a tenant:
   * HMAC-SHA-256 under the email subkey, base64url. Scoped per tenant, so one
   * person's tickets in two tenants cannot be linked from a leaked store.
   */
  email(tenantId: string, email: string): string;
  /**
   * The email hash a signed token carries (`emailHash` of its payload), under
   * its own subkey: a token holder reads its payload, and must learn nothing
   * about the stored form.
   */
  payloadEmail(tenantId: string, email: string): string;
  /**
   * The stored form of a ticket code within a tenant, which is also the
   * ticket's `userId`: `"iusr"` + 28 base58 of HMAC-SHA-512 (~164 bits) under
   * the code subkey. So a redemption finds its ticket and names its user from
   * the code alone, and no one without the secret can tell a code from its
   * user id.
   */
  ticketUserId(tenantId: string, code: string): string;
}

/** The subkeys of one engine secret, each for one use. */
export interface Subkeys {
  readonly codes: Buffer;
  readonly emails: Buffer;
  readonly signing: Buffer;
}

const HKDF_SALT = 'ntpass/v1';

/**
 * Derives one 32-byte subkey per use with HKDF-SHA-256 (RFC 5869), once per
 * engine: a hash of one kind never serves as another, and a future use gets
 * its own key without touching the stored ones.
 */
export function deriveSubkeys(secret: Uint8Array): Subkeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, info, 32));
  return { codes: derive('ntpass codes'), emails: derive('ntpass emails'), signing: derive('ntpass signing payloads') };
}

/** Normalises an email for comparison: trimmed and lower-cased. Blank means none. */
export function normalizeEmail(email: string | undefined | null): string | undefined {
  if (email === undefined || email === null) return undefined;
  const e = email.trim().toLowerCase();
  return e === '' ? undefined : e;
}

export function createHasher(secret: Uint8Array): Hasher {
  const keys = deriveSubkeys(secret);
  // NUL separators keep one tenant's input from reading as another's (ids hold no control characters).
  return {
    email: (tenantId, email) => createHmac('sha256', keys.emails).update(`${tenantId}\0${email}`).digest('base64url'),
    payloadEmail: (tenantId, email) => createHmac('sha256', keys.signing).update(`${tenantId}\0${email}`).digest('base64url'),
    ticketUserId: (tenantId, code) => userIdOf(createHmac('sha512', keys.codes).update(`${tenantId}\0${code}`).digest()),
  };
}

/** A ticket user id is this prefix and this many base58 characters. */
export const USER_ID_CHARS = 28;
export const USER_ID_PREFIX = 'iusr';
const BASE58_BYTES = Uint8Array.from(BASE58_ALPHABET, (c) => c.charCodeAt(0));
// One buffer for every user id built: written and read synchronously, so calls never interleave.
const userIdBytes = Buffer.from(USER_ID_PREFIX.padEnd(USER_ID_PREFIX.length + USER_ID_CHARS), 'latin1');

/**
 * `"iusr"` + 28 base58 characters of `digest`, by rejection sampling (6 bits,
 * 58..63 skipped) so each character is uniform. 64 bytes give about 58
 * characters, so falling short of 28 is practically impossible; the padding
 * only keeps the function total. Built in a byte buffer and decoded once: a
 * string grown a character at a time is a chain V8 must flatten on first use.
 */
function userIdOf(digest: Uint8Array): string {
  let n = USER_ID_PREFIX.length;
  const end = n + USER_ID_CHARS;
  for (let i = 0; i < digest.length && n < end; i++) {
    const v = digest[i]! & 63;
    if (v < 58) userIdBytes[n++] = BASE58_BYTES[v]!;
  }
  userIdBytes.fill(BASE58_BYTES[0]!, n, end);
  return userIdBytes.toString('latin1', 0, end);
}
