import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha512 } from '../src/hmac-sha512.js';

const reference = (key: Uint8Array, message: string) => createHmac('sha512', key).update(message).digest('hex');

describe('hmacSha512 (precomputed pads, one-shot hashes)', () => {
  it('gives the bytes of createHmac for any key and string, reused many times', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.string({ unit: 'binary', maxLength: 1600 }), { minLength: 1, maxLength: 8 }), (key, messages) => {
        const hmac = hmacSha512(key);
        for (const message of messages) expect(hmac(message).toString('hex')).toBe(reference(key, message));
      }),
      { numRuns: 300 },
    );
  });

  it('handles a shorter message after a longer one, lone surrogates, and input past its buffer', () => {
    const key = new Uint8Array(32).fill(7);
    const hmac = hmacSha512(key);
    for (const message of ['x'.repeat(4000), 'ab', '\ud800z', '😀'.repeat(700), 'é'.repeat(1365), 'é'.repeat(1366), '']) {
      expect(hmac(message).toString('hex')).toBe(reference(key, message));
    }
  });
});
