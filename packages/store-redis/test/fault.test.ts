import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isNtpassError, type Commit } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { startRedisServer, waitFor, type RedisServer } from './support/redis-server.js';

// A durable redis-server (AOF, fsync on every write) is killed (SIGKILL) in
// the middle of a load and restarted on the same data, while the same client
// keeps going.

const T0 = Date.UTC(2030, 0, 1);
const LANES = 8;
const TIMEOUT_MS = 400;
// Scheduling slack on a loaded 2-core machine; ioredis alone would wait for
// its 20 reconnect attempts, many seconds.
const FAIL_FAST_MS = TIMEOUT_MS + 2500;
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

  /**
   * Runs `operations` calls of `run` in parallel lanes; once a third of them
   * succeeded, kills Redis, waits until `failedCalls()` counts two failed
   * calls per lane, and restarts it. Resolves when every lane is done, with
   * the successes acknowledged before the crash.
   */
  async function crashMidLoad<T>(operations: number, run: (i: number) => Promise<T | undefined>, failedCalls: () => number): Promise<T[]> {
    const done: T[] = [];
    let next = 0;
    const lane = async () => {
      while (next < operations) {
        const outcome = await run(next++);
        if (outcome !== undefined) done.push(outcome);
      }
    };
    const load = Promise.all(Array.from({ length: LANES }, lane));
    await waitFor('a third of the load', async () => done.length >= operations / 3);
    await server.kill();
    const beforeCrash = [...done];
    const failedBefore = failedCalls();
    await waitFor('calls failing while Redis is down', async () => failedCalls() - failedBefore >= 2 * LANES);
    await server.restart();
    await load;
    return beforeCrash;
  }

  it('store: fails fast while down, keeps every acknowledged commit, and counts none twice', async () => {
    const store = redisStore({ client, commandTimeoutMs: TIMEOUT_MS, prefix: 'store:' });
    const OPERATIONS = 300;
    const commitOf = (i: number): Commit => ({
      partition: 'fault',
      now: T0,
      commitId: `op-${i}`,
      ops: [
        { type: 'add', key: 'total', by: 1 },
        { type: 'put', key: `m:${i}`, value: { i } },
      ],
    });
    const failures: number[] = [];
    // Each operation is retried under its commit id until it succeeds.
    const beforeCrash = await crashMidLoad(OPERATIONS, async (i) => {
      for (;;) {
        const started = performance.now();
        try {
          const r = await store.commit(commitOf(i));
          if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
          return { i, total: r.counters['total']! };
        } catch (e) {
          if ((e as Error).message.startsWith('refused')) throw e;
          failures.push(performance.now() - started);
          await sleep(50);
        }
      }
    }, () => failures.length);

    expect(failures.length).toBeGreaterThanOrEqual(2 * LANES);
    for (const ms of failures) expect(ms).toBeLessThan(FAIL_FAST_MS);
    // What was acknowledged before the crash survived it...
    const read = await store.read({ partition: 'fault', records: beforeCrash.map(({ i }) => `m:${i}`), counters: ['total'], now: T0 });
    expect(read.records.every((r) => r !== null)).toBe(true);
    // ...and every operation applied exactly once, though retried and re-sent
    // by ioredis: the count is exact and each operation got its first result.
    expect(read.counters).toEqual([OPERATIONS]);
    const all = await store.scan({ partition: 'fault', prefix: 'm:', limit: 1000, now: T0 });
    expect(all.records).toHaveLength(OPERATIONS);
    expect(client.status).toBe('ready');
  }, 60_000);

  it('engine: redemptions fail fast with STORE_UNAVAILABLE, successful ones survive, and the engine recovers by itself', async () => {
    const engine = createEngine({ store: redisStore({ client, commandTimeoutMs: TIMEOUT_MS, prefix: 'engine:' }), secret: 'fault-test-secret-0123456789abcdef' });
    try {
      const tenantId = 'fault';
      const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'vault', maxRedemptions: 1_000_000 });
      const { token } = await engine.issueNtpCode({ tenantId, ntpId });
      const ATTEMPTS = 400;
      const unavailable: number[] = [];
      // One call per attempt, no retry: the engine's own behaviour.
      await crashMidLoad(ATTEMPTS, async () => {
        const started = performance.now();
        try {
          return await engine.redeemCode({ tenantId, ntpId, code: token });
        } catch (e) {
          if (!isNtpassError(e) || e.code !== 'STORE_UNAVAILABLE') throw e;
          unavailable.push(performance.now() - started);
          return undefined;
        }
      }, () => unavailable.length);

      expect(unavailable.length).toBeGreaterThanOrEqual(2 * LANES);
      for (const ms of unavailable) expect(ms).toBeLessThan(FAIL_FAST_MS);
      const succeeded = ATTEMPTS - unavailable.length;
      const { redemptions } = await engine.ntpInstance({ tenantId, ntpId });
      // Every success is counted; an unavailable call may or may not have applied (once at most).
      expect(redemptions).toBeGreaterThanOrEqual(succeeded);
      expect(redemptions).toBeLessThanOrEqual(succeeded + unavailable.length);
      const status = await engine.ntpCodeStatus({ tenantId, ntpId, code: token });
      expect(status.redemptions).toBe(redemptions);
      // The same engine and client redeem again without being recreated.
      await engine.redeemCode({ tenantId, ntpId, code: token });
      expect((await engine.ntpInstance({ tenantId, ntpId })).redemptions).toBe(redemptions + 1);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
