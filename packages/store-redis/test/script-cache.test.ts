import { describe, expect, it } from 'vitest';
import type { Commit } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { useOwnRedis } from './support/test-redis.js';

// A script's first call on a connection goes as EVAL (src/scripts.ts), so a
// server that has not cached it yet answers no NOSCRIPT to the calls written
// behind it. On a server of this file's own, so its error and command counts
// are exact.

const T0 = Date.now();

/** 200 commits on 200 partitions, one shape: a pipelined batch, like a bulk issue's. */
const batch = (round: number): Commit[] =>
  Array.from({ length: 200 }, (_, i) => ({ partition: `p${i}`, now: T0, ops: [{ type: 'add', key: 'c', by: round }] }));

const redis = useOwnRedis();

async function serverStats(): Promise<{ noscript: number; eval: number; evalsha: number }> {
  const errors = await redis.client.info('errorstats');
  const commands = await redis.client.info('commandstats');
  const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    noscript: count(errors, /errorstat_NOSCRIPT:count=(\d+)/),
    eval: count(commands, /cmdstat_eval:calls=(\d+)/),
    evalsha: count(commands, /cmdstat_evalsha:calls=(\d+)/),
  };
}

describe('the script cache', () => {
  it('sends each script in full once per connection: a fresh server answers no NOSCRIPT to a pipelined batch', async () => {
    const store = redisStore({ client: redis.client, prefix: redis.prefix });
    const results = await store.commitBatch(batch(1));
    expect(results.every((r) => r.ok && r.counters['c'] === 1)).toBe(true);
    const stats = await serverStats();
    expect(stats.noscript).toBe(0);
    // The layout check's script, the commit's shape (and its joined form, maybe): a few calls in full, the rest by SHA.
    expect(stats.eval).toBeGreaterThan(0);
    expect(stats.eval).toBeLessThanOrEqual(5);
    expect(stats.evalsha).toBeGreaterThanOrEqual(195);
    await store.close();
  });

  it('after the server forgot its scripts, only the calls already sent answer NOSCRIPT; the next batch none', async () => {
    const store = redisStore({ client: redis.client, prefix: `${redis.prefix}flushed:` });
    await store.commitBatch(batch(1));
    await redis.client.script('FLUSH');
    const before = await serverStats();
    const again = await store.commitBatch(batch(2));
    expect(again.every((r) => r.ok && r.counters['c'] === 3)).toBe(true);
    const between = await serverStats();
    // Each call refused with NOSCRIPT ran nothing and was sent again in full: applied once.
    expect(between.noscript - before.noscript).toBeLessThanOrEqual(200);
    const third = await store.commitBatch(batch(3));
    expect(third.every((r) => r.ok && r.counters['c'] === 6)).toBe(true);
    const after = await serverStats();
    expect(after.noscript).toBe(between.noscript);
    expect(after.eval - between.eval).toBe(0);
    await store.close();
  });
});
