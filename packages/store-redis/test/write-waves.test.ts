import { Redis } from 'ioredis';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAVE, writeInWaves } from '../src/transport/write-waves.js';
import { useTestRedis } from './support/test-redis.js';

// Commands sent in one turn leave in socket writes of WAVE commands (the rest
// at the end of the turn), in order, each answered: counted on the socket of
// a real connection to a real Redis.

const redis = useTestRedis();
let conn: Redis;
/** Commands per socket write, in the order the writes happened. */
let writes: number[] = [];

beforeAll(async () => {
  conn = redis.client.duplicate();
  await conn.ping();
  const socket = conn.stream as Socket & { _writev(chunks: unknown[], cb: unknown): void; _write(chunk: unknown, enc: unknown, cb: unknown): void };
  const writev = socket._writev.bind(socket);
  const write = socket._write.bind(socket);
  socket._writev = (chunks, cb) => {
    writes.push(chunks.length);
    writev(chunks, cb);
  };
  socket._write = (chunk, enc, cb) => {
    writes.push(1);
    write(chunk, enc, cb);
  };
});
afterAll(() => conn.disconnect());

/** `count` INCRBYs of one key sent in one turn, each through writeInWaves. */
function sendInOneTurn(key: string, count: number): Promise<unknown[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      writeInWaves(conn);
      return conn.incrby(key, 1);
    }),
  );
}

describe('write waves', () => {
  it.each([1, WAVE - 1, WAVE, WAVE + 1, 3 * WAVE + 5, 64])('%i commands in one turn: waves of WAVE, in order, all answered', async (count) => {
    const key = `${redis.prefix}waves:${count}`;
    writes = [];
    const replies = await sendInOneTurn(key, count);
    expect(replies).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const expected = Array.from({ length: Math.ceil(count / WAVE) }, (_, i) => Math.min(WAVE, count - i * WAVE));
    expect(writes).toEqual(expected);
  });

  it('a command carrying many commits (a joined call) weighs as many: one of WAVE commits is a write of its own', async () => {
    const key = `${redis.prefix}waves:weighed`;
    writes = [];
    await Promise.all(
      [1, WAVE, 2, 3, WAVE].map((weight) => {
        writeInWaves(conn, weight);
        return conn.incrby(key, 1);
      }),
    );
    // 1 held; WAVE would pass WAVE: the 1 leaves, WAVE held; 2 would pass: WAVE leaves; 2 + 3 held; WAVE passes: 2 + 3 leave; WAVE at the turn's end.
    expect(writes).toEqual([1, 1, 2, 1]);
    expect(await conn.get(key)).toBe('5');
  });

  it('the next turn starts a new wave', async () => {
    const key = `${redis.prefix}waves:turns`;
    writes = [];
    await sendInOneTurn(key, 3);
    await sendInOneTurn(key, 3);
    expect(writes).toEqual([3, 3]);
    expect(await conn.get(key)).toBe('6');
  });
});
