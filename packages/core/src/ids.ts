import { randomBytes, randomUUID } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** Base58 (Bitcoin alphabet): no `0`, `O`, `I` or `l`, so codes survive being read aloud or retyped. */
export const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

// Drawing bytes one call at a time costs a syscall each; a pool amortises it.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

function nextByte(): number {
  if (poolOffset === POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

/**
 * `length` characters of base58 from the CSPRNG. Rejection sampling (6 bits,
 * values 58..63 redrawn) keeps every character exactly uniform.
 */
export function randomBase58(length: number): string {
  let out = '';
  while (out.length < length) {
    const v = nextByte() & 63;
    if (v < 58) out += BASE58_ALPHABET[v];
  }
  return out;
}

/** A new NTP instance id: `"QOTP"` + 11 base58. */
export function newNtpId(): string {
  return `QOTP${randomBase58(11)}`;
}

/** A new ticket user id: `"iusr"` + 28 base58. */
export function newUserId(): string {
  return `iusr${randomBase58(28)}`;
}

/** A new authentication-method instance id: `"<METHODTYPE>:<uuid>:<muid>"`. */
export function newInstanceId(methodType: string, muid: string): string {
  return `${methodType}:${randomUUID()}:${muid}`;
}

// Control characters (C0, DEL, C1) would corrupt logs, keys and terminals.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Validates a caller-chosen id (`tenantId`, `objectId`, `muid`, `instanceId`):
 * 1–256 characters, no control characters.
 */
export function checkId(value: unknown, operation: string, field: string): string {
  if (typeof value !== 'string') throw invalidArgument(operation, field, 'must be a string');
  if (value.length === 0 || value.length > 256) throw invalidArgument(operation, field, 'must be 1 to 256 characters');
  if (CONTROL.test(value)) throw invalidArgument(operation, field, 'must not contain control characters');
  // A lone surrogate cannot be encoded as UTF-8, so no store could keep it faithfully.
  if (LONE_SURROGATE.test(value)) throw invalidArgument(operation, field, 'must be well-formed Unicode');
  return value;
}
