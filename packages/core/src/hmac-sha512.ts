import { createHmac, hash } from 'node:crypto';

/*
 * HMAC-SHA-512 (RFC 2104) of short strings, for the code hash every
 * redemption and every issued code computes. `createHmac` builds a keyed
 * context per call (~4.8 µs here); two one-shot `crypto.hash` calls over
 * buffers that already hold the padded key give the same bytes in ~3.1 µs.
 */

const BLOCK = 128;
const DIGEST = 64;
// Room for the longest input a hash is taken of (a 256-character tenant id of
// 4-byte characters, a separator and a code); longer input takes createHmac.
const MESSAGE_ROOM = 4096;

/** A function computing HMAC-SHA-512 under `key` of a string's UTF-8 bytes. */
export function hmacSha512(key: Uint8Array): (message: string) => Buffer {
  const block = Buffer.alloc(BLOCK);
  if (key.length > BLOCK) hash('sha512', key, 'buffer').copy(block);
  else block.set(key);
  // The inner and outer buffers start with the key XOR ipad / opad; each call
  // writes only what follows. Both are private to this closure and used
  // synchronously, so calls cannot interleave.
  const inner = Buffer.alloc(BLOCK + MESSAGE_ROOM);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  const slow = Buffer.from(key);
  return (message) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (message.length * 3 > MESSAGE_ROOM) return createHmac('sha512', slow).update(message).digest();
    const length = inner.write(message, BLOCK, 'utf8');
    hash('sha512', inner.subarray(0, BLOCK + length), 'buffer').copy(outer, BLOCK);
    return hash('sha512', outer, 'buffer');
  };
}
