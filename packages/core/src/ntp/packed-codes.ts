import { randomFillSync } from 'node:crypto';
import { BASE58_ALPHABET } from '../ids.js';
import type { IssuedNtpCode, PackedNtpCodes } from './types.js';

/*
 * The codes of one bulk call, packed: each slot's token and user id as ASCII
 * bytes in two typed arrays (about 40 B per code for 8-character codes,
 * against ~750 B as an object per code with its two strings), so a million
 * codes never become a million objects the collector must trace and move.
 * Strings are made only for the slot being written or read.
 */

/** Characters of every ticket user id (`"iusr"` + 28 base58). */
const USER_ID_CHARS = 32;

/** CSPRNG bytes drawn per refill: one call serves about a thousand 8-character codes. */
const RANDOM_POOL = 8192;

const ALPHABET_CODES = Uint8Array.from(BASE58_ALPHABET, (c) => c.charCodeAt(0));

/** Where each ASCII byte stands in the base58 alphabet (which is in ASCII order), or 255. */
const ALPHABET_INDEX = (() => {
  const index = new Uint8Array(128).fill(255);
  ALPHABET_CODES.forEach((code, i) => (index[code] = i));
  return index;
})();

/** Directory shards (two base58 characters of the user id; see layout.ts `directoryPartitions`). */
export const SHARDS = 58 * 58;

// Every byte is ASCII, which latin1 maps to itself.
const latin1 = new TextDecoder('latin1');

function decode(bytes: Uint8Array, start: number, end: number): string {
  return latin1.decode(bytes.subarray(start, end));
}

/** The writer's side of a call's packed codes. */
export interface PackedCodeSlots {
  readonly count: number;
  /** Draws a fresh token for `slot` from the CSPRNG, stores it and its user id; resolves to the user id. */
  draw(slot: number, userIdOf: (token: string) => string): string;
  token(slot: number): string;
  userId(slot: number): string;
  /** The slot's directory shard, 0..SHARDS-1, in the order of the shards' partition names. */
  shard(slot: number): number;
  /** The read-only view handed to the caller once the batch is done. */
  view(): PackedNtpCodes;
}

export function createPackedCodeSlots(count: number, length: number): PackedCodeSlots {
  const tokens = new Uint8Array(count * length);
  const userIds = new Uint8Array(count * USER_ID_CHARS);
  const pool = new Uint8Array(RANDOM_POOL);
  let poolAt = RANDOM_POOL;

  // Rejection sampling (6 bits, 58..63 redrawn) keeps every character exactly uniform.
  function fillToken(at: number): void {
    for (let c = at; c < at + length; ) {
      if (poolAt === RANDOM_POOL) {
        randomFillSync(pool);
        poolAt = 0;
      }
      const v = pool[poolAt++]! & 63;
      if (v < 58) tokens[c++] = ALPHABET_CODES[v]!;
    }
  }

  const token = (slot: number) => decode(tokens, slot * length, (slot + 1) * length);
  const userId = (slot: number) => decode(userIds, slot * USER_ID_CHARS, (slot + 1) * USER_ID_CHARS);
  const at = (slot: number): IssuedNtpCode => ({ token: token(slot), userId: userId(slot) });

  return {
    count,
    draw(slot, userIdOf) {
      fillToken(slot * length);
      const id = userIdOf(token(slot));
      const base = slot * USER_ID_CHARS;
      for (let c = 0; c < USER_ID_CHARS; c++) userIds[base + c] = id.charCodeAt(c);
      return id;
    },
    token,
    userId,
    shard(slot) {
      const base = slot * USER_ID_CHARS;
      return ALPHABET_INDEX[userIds[base + 4]!]! * 58 + ALPHABET_INDEX[userIds[base + 5]!]!;
    },
    view() {
      return Object.freeze({
        count,
        at(index: number): IssuedNtpCode {
          if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`index must be an integer from 0 to ${count - 1}`);
          return at(index);
        },
        *[Symbol.iterator](): Iterator<IssuedNtpCode> {
          for (let slot = 0; slot < count; slot++) yield at(slot);
        },
      });
    },
  };
}

/** `slots` ordered by directory shard (a counting sort): writes in this order touch one key range at a time. */
export function byShard(codes: PackedCodeSlots, slots: ArrayLike<number>): Uint32Array {
  const starts = new Uint32Array(SHARDS + 1);
  const shards = new Uint16Array(slots.length);
  for (let k = 0; k < slots.length; k++) {
    const s = codes.shard(slots[k]!);
    shards[k] = s;
    starts[s + 1]! += 1;
  }
  for (let s = 0; s < SHARDS; s++) starts[s + 1]! += starts[s]!;
  const out = new Uint32Array(slots.length);
  for (let k = 0; k < slots.length; k++) out[starts[shards[k]!]!++] = slots[k]!;
  return out;
}
