import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createEngine, isNtpassError, type Engine } from '@ntpass/core';
import { createFakeClock } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';
import { SECRET, instance, rejects, setup } from './support.js';

/*
 * SPEC §3.5 (revised): throttle state is O(1) per client, whatever tenants
 * its guesses name, and disappears once its window and ban end.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** `n` failed guesses from `clientKey(i)` against tenant `tenant(i)`; every one must be judged INVALID_CODE. */
async function guess(engine: Engine, n: number, tenant: (i: number) => string, clientKey: (i: number) => string): Promise<void> {
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, (_, j) =>
        engine.redeemCode({ tenantId: tenant(i + j), code: 'zzzzzz', clientKey: clientKey(i + j) }).then(
          () => Promise.reject(new Error('a guess redeemed')),
          (e: unknown) => {
            if (!isNtpassError(e) || e.code !== 'INVALID_CODE') throw e;
          },
        ),
      ),
    );
  }
}

describe('throttle state', () => {
  it('writes only the client\'s own partition, whatever tenants its guesses name', async () => {
    const s = setup({ redeemThrottle: { maxFailures: 1000 } });
    await instance(s);
    s.store.clearCalls();
    await guess(s.engine, 300, (i) => `made-up-${i}`, () => '198.51.100.7');
    const written = new Set(s.store.calls.filter((c) => c.method !== 'read').flatMap((c) => c.partitions));
    expect([...written]).toEqual(['client:198.51.100.7']);
  });

  it("keeps under 40 B per request in the memory store for one client's 20 000 guesses across 20 000 tenants", async () => {
    const clock = createFakeClock();
    const engine = createEngine({ store: memoryStore(), secret: SECRET, clock: clock.now, redeemThrottle: { maxFailures: 100_000 } });
    try {
      await guess(engine, 100, (i) => `warm-up-${i}`, () => 'warm-up');
      const before = heapUsed();
      await guess(engine, 20_000, (i) => `made-up-tenant-${i}`, () => '198.51.100.7');
      const perRequest = (heapUsed() - before) / 20_000;
      expect(perRequest).toBeLessThan(40);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('bans a client whose guesses are spread over many tenants', async () => {
    const s = setup({ redeemThrottle: { maxFailures: 5 } });
    await guess(s.engine, 5, (i) => `t-${i}`, () => 'ip');
    await rejects(s.engine.redeemCode({ tenantId: 't-new', code: 'zzzzzz', clientKey: 'ip' }), 'THROTTLED');
  });

  // RECLAIM-PENDING (store-memory, issue 12: jsstores): expired items are reclaimed only when touched
  // today, so this assertion fails and is marked `it.fails`. Once the memory store frees expired
  // items with no later touch, vitest reports this test as unexpectedly passing: turn it into `it`.
  it.fails('frees all throttle state of the memory store once the window and ban end', async () => {
    const clock = createFakeClock();
    const store = memoryStore();
    const windowMs = 60_000;
    const engine = createEngine({ store, secret: SECRET, clock: clock.now, redeemThrottle: { maxFailures: 2, windowMs, banMs: windowMs } });
    try {
      await guess(engine, 10, () => 'warm-up', (i) => `warm-up-${i}`);
      const before = heapUsed();
      // 5 000 clients, each banned: slots, failures and ban written for every one.
      await guess(engine, 10_000, () => 'acme', (i) => `client-${i % 5000}`);
      expect((heapUsed() - before) / 5000).toBeGreaterThan(100);
      clock.advance(2 * windowMs + 1);
      // Time moves on for the store through another partition's call; the clients are never touched again.
      await store.read({ partition: 'elsewhere', now: clock.now() });
      await new Promise((r) => setTimeout(r, 100));
      expect((heapUsed() - before) / 5000).toBeLessThan(40);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
