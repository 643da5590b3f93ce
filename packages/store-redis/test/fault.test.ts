import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commit } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { startRedisServer, waitFor, type RedisServer } from './support/redis-server.js';

// A durable redis-server (AOF, fsync on every write) is killed in the middle
// of a load and restarted on the same data. Every logical operation carries a
// commit id and is retried with it until it succeeds, while ioredis re-sends
// the commands that were in flight: the count must come out exact.

const T0 = Date.UTC(2030, 0, 1);
const OPERATIONS = 300;
const LANES = 8;
const TIMEOUT_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis stopped mid-load and restarted on the same data', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    // Default ioredis options but a short reconnect delay, as a host would use.
    client = new Redis({ port: server.port, host: '127.0.0.1', retryStrategy: () => 100 });
    client.on('error', () => undefined);
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('fails fast while down, keeps every acknowledged commit, counts none twice, and recovers by itself', async () => {
    const store = redisStore({ client, commandTimeoutMs: TIMEOUT_MS });
    const commitOf = (i: number): Commit => ({
      partition: 'fault',
      now: T0,
      commitId: `op-${i}`,
      ops: [
        { type: 'add', key: 'total', by: 1 },
        { type: 'put', key: `m:${i}`, value: { i } },
      ],
    });
    const firstResults = new Map<number, number>();
    const failures: { ms: number; message: string }[] = [];
    let next = 0;
    const lane = async () => {
      while (next < OPERATIONS) {
        const i = next++;
        for (;;) {
          const started = performance.now();
          try {
            const r = await store.commit(commitOf(i));
            if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
            firstResults.set(i, r.counters['total']!);
            break;
          } catch (e) {
            failures.push({ ms: performance.now() - started, message: (e as Error).message });
            await sleep(50);
          }
        }
      }
    };
    const load = Promise.all(Array.from({ length: LANES }, lane));

    await waitFor('a third of the load', async () => firstResults.size >= OPERATIONS / 3);
    await server.kill();
    const acknowledgedBeforeCrash = [...firstResults.keys()];
    await waitFor('calls failing while Redis is down', async () => failures.length >= 2 * LANES);
    await server.restart();
    await load;

    // Down: every call threw, none hung past the timeout (with scheduling slack).
    expect(failures.length).toBeGreaterThanOrEqual(2 * LANES);
    for (const f of failures) expect(f.ms).toBeLessThan(TIMEOUT_MS + 2500);

    // Back: what was acknowledged before the crash survived the restart...
    const read = await store.read({ partition: 'fault', records: acknowledgedBeforeCrash.map((i) => `m:${i}`), counters: ['total'], now: T0 });
    expect(read.records.every((r) => r !== null)).toBe(true);
    // ...and every operation applied exactly once, though retried and re-sent:
    // the count is exact and each operation's result is its first one.
    expect(read.counters).toEqual([OPERATIONS]);
    expect([...firstResults.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: OPERATIONS }, (_, i) => i + 1));
    // The same client, never recreated, serves again.
    expect(client.status).toBe('ready');
  }, 60_000);
});
