import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { NtpassError, createEngine } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { LAYOUT } from '../src/layout-check.js';
import { useTestCluster, useTestRedis, type RedisFixture } from './support/test-redis.js';

// A prefix holding the 0.1.0 key layout is refused, never misread; a fresh
// one is marked with this layout on first use.

const T0 = Date.UTC(2030, 0, 1);

function layoutSuite(redis: RedisFixture<Redis | Cluster>) {
  let n = 0;
  const freshPrefix = () => `${redis.prefix}${n++}:`;

  it('marks a fresh prefix with this layout on first use, and works', async () => {
    const prefix = freshPrefix();
    const store = redisStore({ client: redis.client, prefix });
    expect(await redis.client.get(`${prefix}layout`)).toBeNull();
    const r = await store.commit({ partition: 'p', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] });
    expect(r.ok).toBe(true);
    expect(await redis.client.get(`${prefix}layout`)).toBe(LAYOUT);
    // A second store on the same prefix reads the marker and goes on.
    const again = redisStore({ client: redis.client, prefix });
    expect((await again.read({ partition: 'p', counters: ['c'], now: T0 })).counters).toEqual([1]);
  });

  it('refuses a prefix holding 0.1.0 keys, on every call, and writes nothing', async () => {
    const prefix = freshPrefix();
    // What 0.1.0 left: a records hash `<prefix>{P}:r` (JSON-named fields) and a counters hash `:c`.
    await redis.client.hset(`${prefix}{ntp:acme:QOTP1}:r`, 'inst', 'old');
    await redis.client.hset(`${prefix}{code:acme:ab}:c`, 'n', '1');
    const store = redisStore({ client: redis.client, prefix });
    const calls = [
      () => store.read({ partition: 'ntp:acme:QOTP1', records: ['inst'], now: T0 }),
      () => store.commit({ partition: 'p', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] }),
      () => store.commitBatch([{ partition: 'p', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] }]),
      () => store.list({ partition: 'p', index: 'ix', offset: 0, count: 1 }),
    ];
    for (const call of calls) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NtpassError);
      expect((error as NtpassError).code).toBe('STORE_UNAVAILABLE');
      expect((error as NtpassError).message).toMatch(/^redisStore\.\w+: the keys under prefix ".*" are in the 0\.1\.0 key layout/);
    }
    expect(await redis.client.get(`${prefix}layout`)).toBeNull();
    expect(await redis.client.exists(`${prefix}{p}:h`)).toBe(0);

    // Through the engine: STORE_UNAVAILABLE with the refusal as its cause.
    const engine = createEngine({ store: redisStore({ client: redis.client, prefix }), secret: 'layout-check-secret-0123456789abcdef' });
    try {
      const e = await engine.createNtpInstance({ tenantId: 'acme', objectId: 'o' }).then(
        () => null,
        (x: unknown) => x,
      );
      expect((e as NtpassError).code).toBe('STORE_UNAVAILABLE');
      expect(((e as NtpassError).cause as Error).message).toMatch(/0\.1\.0 key layout/);
    } finally {
      await engine.close();
    }
  });

  it('refuses a prefix marked with another layout (layout 2: counters in a hash of their own)', async () => {
    const prefix = freshPrefix();
    await redis.client.set(`${prefix}layout`, 'ntpass-redis-layout:2');
    const store = redisStore({ client: redis.client, prefix });
    await expect(store.read({ partition: 'p', counters: ['c'], now: T0 })).rejects.toThrow(/marked "ntpass-redis-layout:2"/);
  });

  it('accepts keys of this layout whose marker was lost, and marks them again', async () => {
    const prefix = freshPrefix();
    const store = redisStore({ client: redis.client, prefix });
    await store.commit({ partition: 'p', now: T0, ops: [{ type: 'put', key: 'k', value: { a: 1 } }, { type: 'add', key: 'c', by: 2 }] });
    await redis.client.del(`${prefix}layout`);
    const again = redisStore({ client: redis.client, prefix });
    expect((await again.read({ partition: 'p', records: ['k'], counters: ['c'], now: T0 })).counters).toEqual([2]);
    expect(await redis.client.get(`${prefix}layout`)).toBe(LAYOUT);
  });
}

describe('layout check, single Redis', () => {
  layoutSuite(useTestRedis());
});

describe('layout check, Redis Cluster', () => {
  layoutSuite(useTestCluster());
});
