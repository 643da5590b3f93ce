import fc from 'fast-check';
import { Command } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { respBytes, WireCommand } from '../src/transport/wire-command.js';

// The store writes its scripts' bytes itself (src/transport/wire-command.ts):
// they must be exactly the bytes ioredis's own Command would write.

const ioredisBytes = (name: string, args: (string | number)[]): Buffer => {
  const written = new Command(name, args).toWritable({} as never);
  return typeof written === 'string' ? Buffer.from(written, 'utf8') : written;
};

const arg = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\0', '\r', '\n', '$', '*', 'a', 'é', '\u{1F600}'), maxLength: 12 }),
  fc.string({ minLength: 0, maxLength: 12_000 }),
  fc.integer().map(String),
  // Numbers are sent as String(n) does: digits for safe integers, the rest as JavaScript prints them.
  fc.maxSafeNat(),
  fc.constantFrom(0, -0, 9, 10, 99, 100, 1e15, 2 ** 53 - 1, 2 ** 53, 1e21, -1, 1.5, 0.1),
  fc.double({ noNaN: false }),
);

describe('wire command', () => {
  it('writes exactly the bytes ioredis writes', () => {
    fc.assert(
      fc.property(fc.constantFrom('evalsha', 'eval', 'get'), fc.array(arg, { maxLength: 30 }), (name, args: (string | number)[]) => {
        expect(respBytes(name, args).equals(ioredisBytes(name, args))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('lengths around the digit boundaries', () => {
    for (const n of [0, 1, 9, 10, 11, 99, 100, 999, 1000, 9999, 10_000, 10_001]) {
      const args = Array.from({ length: n % 13 }, (_, i) => 'x'.repeat(i === 0 ? n : i));
      expect(respBytes('evalsha', args).equals(ioredisBytes('evalsha', args))).toBe(true);
    }
  });

  it('is a Command that writes them and keeps its arguments for error details', () => {
    const command = new WireCommand('evalsha', ['abc', 1, 'k', 'v'], { replyEncoding: 'utf8' });
    expect(command.args).toEqual(['abc', 1, 'k', 'v']);
    expect(command.toWritable().equals(ioredisBytes('evalsha', ['abc', '1', 'k', 'v']))).toBe(true);
  });

  it('expires as a timeout that names the call and the connection status at that moment', async () => {
    const command = new WireCommand('evalsha', ['abc', 0], { replyEncoding: 'utf8' });
    const connection = { status: 'ready' };
    Object.assign(command, { operation: 'redisStore.commit', budgetMs: 5000, connection });
    connection.status = 'connecting';
    command.expire();
    await expect(command.promise).rejects.toThrow('redisStore.commit: no reply from Redis within 5000 ms (connection status "connecting"); outcome unknown');
  });
});
