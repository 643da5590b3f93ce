import { describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import { createEngine, isNtpassError, type Engine, type Store } from '@ntpass/core';
import { TEST_SECRET } from '@ntpass/core/testing';
import { redisStore } from '@ntpass/store-redis';
import { useTestCluster, useTestRedis, type RedisFixture } from './support/test-redis.js';

/*
 * The redeem throttle on Redis (SPEC §3.5, issue 13): exact under
 * concurrency, one client's keys whatever tenants it names, and no key left
 * once its window and ban end. The engine runs on the real clock here, so
 * Redis's own expiry (PEXPIREAT) is what is tested.
 */

const SECRET = TEST_SECRET;

async function outcomes(calls: Promise<unknown>[]): Promise<string[]> {
  const results = await Promise.allSettled(calls);
  return results.map((r) => (r.status === 'fulfilled' ? 'ok' : isNtpassError(r.reason) ? r.reason.code : String(r.reason)));
}

/** Keys under `prefix`, node by node on a Cluster. */
async function countKeys(client: Redis | Cluster, prefix: string): Promise<number> {
  const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  let n = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      // The store's layout marker (one per prefix, see layout-check.ts) is not throttle state.
      n += keys.filter((k) => k !== `${prefix}layout`).length;
    } while (cursor !== '0');
  }
  return n;
}

function suite(redis: RedisFixture<Redis | Cluster>): void {
  let stores = 0;
  const fresh = (): { store: Store; prefix: string } => {
    const prefix = `${redis.prefix}${stores++}:`;
    return { store: redisStore({ client: redis.client, prefix }), prefix };
  };
  const engineOn = (store: Store, maxFailures: number, windowMs = 60_000): Engine =>
    createEngine({ store, secret: SECRET, redeemThrottle: { maxFailures, windowMs, banMs: windowMs } });

  it('judges exactly maxFailures of 300 concurrent wrong guesses from one client, over two engines', async () => {
    const { store } = fresh();
    const [one, two] = [engineOn(store, 10), engineOn(store, 10)];
    try {
      await one.createNtpInstance({ tenantId: 'acme', objectId: 'o' });
      const codes = await outcomes(
        Array.from({ length: 300 }, (_, i) => (i % 2 ? one : two).redeemCode({ tenantId: i % 3 ? 'acme' : 'globex', code: 'zzzzzz', clientKey: 'ip' })),
      );
      expect(codes.filter((c) => c === 'INVALID_CODE')).toHaveLength(10);
      expect(codes.filter((c) => c === 'THROTTLED')).toHaveLength(290);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("keeps under 20 keys for one client's 20 000 failed guesses across 20 000 tenants", async () => {
    const { store, prefix } = fresh();
    const engine = engineOn(store, 100_000);
    try {
      for (let i = 0; i < 20_000; i += 200) {
        const codes = await outcomes(Array.from({ length: 200 }, (_, j) => engine.redeemCode({ tenantId: `made-up-${i + j}`, code: 'zzzzzz', clientKey: 'ip' })));
        expect(new Set(codes)).toEqual(new Set(['INVALID_CODE']));
      }
      expect(await countKeys(redis.client, prefix)).toBeLessThan(20);
    } finally {
      await engine.close();
    }
  }, 120_000);

  // Redis reclaims by its own clock, `reclaimGraceMs` after an item's expiry (60 s by default, for
  // clock skew between app servers and Redis): none here.
  it('leaves no key once the window and ban end', async () => {
    const prefix = `${redis.prefix}${stores++}:`;
    const store = redisStore({ client: redis.client, prefix, reclaimGraceMs: 0 });
    const engine = engineOn(store, 2, 300);
    try {
      // 50 clients, each banned: slots, failures and ban written for every one.
      await outcomes(Array.from({ length: 150 }, (_, i) => engine.redeemCode({ tenantId: 'acme', code: 'zzzzzz', clientKey: `client-${i % 50}` })));
      expect(await countKeys(redis.client, prefix)).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await countKeys(redis.client, prefix)).toBe(0);
    } finally {
      await engine.close();
    }
  });
}

describe('redeem throttle on a single Redis', () => suite(useTestRedis()));

describe('redeem throttle on a 3-master Redis Cluster', () => suite(useTestCluster()));
