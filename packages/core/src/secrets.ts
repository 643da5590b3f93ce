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
    ticketUserId: (tenantId, code) => {
      const digest = createHmac('sha512', keys.codes).update(`${tenantId}\0${code}`).digest();
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
