import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { invalidArgument } from './errors.js';
import type { KeyInput } from './options.js';

/**
 * What a signed code carries (SPEC §3.2). The token is
 * `"<code>.<base64url payload>.<base64url Ed25519 signature>"`; the signature
 * covers `"<code>.<base64url payload>"`, so neither part can be swapped.
 */
export interface SignedCodePayload {
  /** Payload format version. */
  readonly v: 1;
  /** The tenant whose instance issued the code. */
  readonly tenantId: string;
  /** The instance that issued the code. */
  readonly ntpId: string;
  /** The ticket code itself (the token's first part). */
  readonly code: string;
  /** HMAC of the bound email, when the ticket is bound to one (never the email itself). */
  readonly emailHash?: string;
  /** When the code was issued, epoch ms. */
  readonly iat: number;
  /** The id of the key that signed it, when the engine has `signingKeyId`. */
  readonly kid?: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
// Ed25519 signatures are 64 bytes: 86 base64url characters.
const SIGNATURE_CHARS = 86;
// A generous bound so a hostile token cannot make us parse megabytes of JSON.
const MAX_TOKEN_CHARS = 4096;

/** True when `text` has the shape of a signed token (three dot-separated parts); says nothing about validity. */
export function looksSigned(text: string): boolean {
  return text.includes('.');
}

/** Builds a signed token for `payload` with an Ed25519 private key. */
export function signCode(payload: SignedCodePayload, privateKey: KeyObject): string {
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const signingInput = `${payload.code}.${body}`;
  const signature = sign(null, Buffer.from(signingInput, 'utf8'), privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * The `kid` a token claims, read before verification so the right key can be
 * chosen; `undefined` when the token has none, `null` when it is malformed.
 * Never trust anything else from an unverified token.
 */
export function claimedKeyId(token: string): string | undefined | null {
  const parts = splitToken(token);
  if (!parts) return null;
  const payload = decodePayload(parts.body);
  return payload === null ? null : payload.kid;
}

/**
 * Verifies a signed token with an Ed25519 public key (a `KeyObject` or PEM;
 * a private key's public half is used). Returns the payload, or `null` when
 * the token is malformed or its signature does not verify.
 * Throws `INVALID_ARGUMENT` only for a key that is not Ed25519.
 */
export function verifySignedCode(token: string, publicKey: KeyInput): SignedCodePayload | null {
  const key = toEd25519PublicKey(publicKey, 'verifySignedCode', 'publicKey');
  if (typeof token !== 'string') return null;
  const parts = splitToken(token);
  if (!parts) return null;
  let ok = false;
  try {
    ok = verify(null, Buffer.from(`${parts.code}.${parts.body}`, 'utf8'), key, Buffer.from(parts.signature, 'base64url'));
  } catch {
    return null;
  }
  if (!ok) return null;
  const payload = decodePayload(parts.body);
  return payload !== null && payload.code === parts.code ? payload : null;
}

/**
 * An Ed25519 public key from a `KeyObject` (a private key gives its public
 * half) or PEM, or `INVALID_ARGUMENT` naming `field`.
 */
export function toEd25519PublicKey(key: KeyInput, operation: string, field: string): KeyObject {
  try {
    const k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
    if (k.type === 'public' && k.asymmetricKeyType === 'ed25519') return k;
  } catch {
    // fall through to the uniform message
  }
  throw invalidArgument(operation, field, 'must be an Ed25519 public key (KeyObject or PEM)');
}

function splitToken(token: string): { code: string; body: string; signature: string } | null {
  if (token.length > MAX_TOKEN_CHARS) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [code, body, signature] = parts as [string, string, string];
  if (code.length === 0 || signature.length !== SIGNATURE_CHARS || !canonicalBase64url(body) || !canonicalBase64url(signature)) {
    return null;
  }
  return { code, body, signature };
}

/**
 * True when `text` is the one base64url spelling of its bytes. The last
 * character of an 86-character signature carries 2 bits and 4 unused ones,
 * so 16 spellings decode alike; accepting only the canonical one keeps a
 * token from having several forms that all verify (a replay cache or a
 * log search keyed by the token would miss the others).
 */
function canonicalBase64url(text: string): boolean {
  return B64URL.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}

const PAYLOAD_FIELDS = new Set(['v', 'tenantId', 'ntpId', 'code', 'emailHash', 'iat', 'kid']);

function decodePayload(body: string): SignedCodePayload | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const p = value as Record<string, unknown>;
  if (Object.keys(p).some((k) => !PAYLOAD_FIELDS.has(k))) return null;
  if (p['v'] !== 1 || typeof p['tenantId'] !== 'string' || typeof p['ntpId'] !== 'string' || typeof p['code'] !== 'string') {
    return null;
  }
  if (typeof p['iat'] !== 'number' || !Number.isSafeInteger(p['iat'])) return null;
  if (p['emailHash'] !== undefined && typeof p['emailHash'] !== 'string') return null;
  if (p['kid'] !== undefined && typeof p['kid'] !== 'string') return null;
  return {
    v: 1,
    tenantId: p['tenantId'],
    ntpId: p['ntpId'],
    code: p['code'],
    ...(p['emailHash'] === undefined ? {} : { emailHash: p['emailHash'] }),
    iat: p['iat'],
    ...(p['kid'] === undefined ? {} : { kid: p['kid'] }),
  };
}
