import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreRequestError, isNtpassError, type Store } from '@ntpass/core';
import { redisStore, type RedisStoreOptions } from '@ntpass/store-redis';
import { freePort, startRedisServer, type RedisServer } from './support/redis-server.js';
import { useTestRedis } from './support/test-redis.js';

const T0 = Date.UTC(2030, 0, 1);
const bump = (store: Store, partition = 'p') => store.commit({ partition, now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] });

function invalidArgument(build: () => unknown, message: RegExp): void {
  try {
    build();
  } catch (e) {
    expect(isNtpassError(e) && e.code === 'INVALID_ARGUMENT').toBe(true);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('redisStore options', () => {
  const redis = useTestRedis();
  const { prefix } = redis;
  let client: Redis;
  let port: number;
  beforeAll(() => {
    client = redis.client;
    port = redis.nodes[0]!.port;
  });

  it('refuses a prefix with a brace, which would break the hash tag', () => {
    invalidArgument(() => redisStore({ client, prefix: 'app{1}:' }), /^redisStore: prefix must not contain \{ or \}/);
    invalidArgument(() => redisStore({ client, prefix: 'a}' }), /prefix/);
  });

  it("refuses a client whose own keyPrefix has a brace", () => {
    const prefixed = new Redis({ port: port, host: '127.0.0.1', keyPrefix: 'x{y}:', lazyConnect: true });
    invalidArgument(() => redisStore({ client: prefixed }), /^redisStore: client keyPrefix must not contain \{ or \}/);
  });

  it('works under the client\'s own keyPrefix, index keys included', async () => {
    const prefixed = new Redis({ port: port, host: '127.0.0.1', keyPrefix: `${prefix}kp:` });
    try {
      const store = redisStore({ client: prefixed, prefix: 'ntpass:' });
      await store.commit({ partition: 'p', now: T0, ops: [{ type: 'put', key: 'k', value: {} }, { type: 'indexPut', index: 'ix', member: 'm', sortKey: 's' }] });
      expect((await store.list({ partition: 'p', index: 'ix', offset: 0, count: 5 })).total).toBe(1);
      expect((await client.keys(`${prefix}kp:*`)).sort()).toEqual(
        [`${prefix}kp:ntpass:layout`, `${prefix}kp:ntpass:{p}:h`, `${prefix}kp:ntpass:{p}:i`, `${prefix}kp:ntpass:{p}:x:ix`, `${prefix}kp:ntpass:{p}:y:ix`],
      );
      // The 0.1.0-layout check looks under keyPrefix + prefix too.
      await client.hset(`${prefix}kp:old:{p}:r`, 'k', 'x');
      await expect(redisStore({ client: prefixed, prefix: 'old:' }).read({ partition: 'p', records: ['k'], now: T0 })).rejects.toThrow(/0\.1\.0 key layout/);
    } finally {
      prefixed.disconnect();
    }
  });

  it('refuses something that is not an ioredis client', () => {
    invalidArgument(() => redisStore({ client: {} as unknown as Redis }), /^redisStore: client must be an ioredis Redis or Cluster client/);
    invalidArgument(() => redisStore(undefined as unknown as RedisStoreOptions), /^redisStore: options must be an object/);
  });

  it('refuses out-of-range numbers, naming the option', () => {
    invalidArgument(() => redisStore({ client, maxOpsPerCommit: 10 }), /^redisStore: maxOpsPerCommit must be an integer >= 64/);
    invalidArgument(() => redisStore({ client, commandTimeoutMs: 0 }), /^redisStore: commandTimeoutMs/);
    invalidArgument(() => redisStore({ client, reclaimGraceMs: -1 }), /^redisStore: reclaimGraceMs/);
  });

  it('refuses a waitForReplicas that is not { count, timeoutMs } of positive integers, naming the field', () => {
    invalidArgument(() => redisStore({ client, waitForReplicas: { count: 0, timeoutMs: 100 } }), /^redisStore: waitForReplicas\.count must be a positive integer/);
    invalidArgument(() => redisStore({ client, waitForReplicas: { count: 1.5, timeoutMs: 100 } }), /^redisStore: waitForReplicas\.count/);
    invalidArgument(() => redisStore({ client, waitForReplicas: { count: 1, timeoutMs: 0 } }), /^redisStore: waitForReplicas\.timeoutMs must be a positive integer/);
    invalidArgument(() => redisStore({ client, waitForReplicas: { count: 1 } as never }), /^redisStore: waitForReplicas\.timeoutMs/);
    invalidArgument(() => redisStore({ client, waitForReplicas: 1 as never }), /^redisStore: waitForReplicas must be an object/);
  });

  it('with waitForReplicas on a master without replicas, a commit that applied throws "outcome unknown"; reads and refusals do not wait', async () => {
    const store = redisStore({ client, prefix, waitForReplicas: { count: 1, timeoutMs: 50 } });
    try {
      await expect(bump(store, 'w')).rejects.toThrow(
        /^redisStore\.commit: only 0 of 1 replicas acknowledged the write on 127\.0\.0\.1:\d+ within 50 ms \(waitForReplicas\): the master has 0 connected replica\(s\), fewer than waitForReplicas\.count; outcome unknown/,
      );
      await expect(store.commitBatch([{ partition: 'w', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] }, { partition: 'w2', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] }])).rejects.toThrow(
        /^redisStore\.commitBatch: only 0 of 1 replicas/,
      );
      // The write itself was applied on the master (it is the acknowledgement that is missing).
      expect((await store.read({ partition: 'w', counters: ['c'], now: T0 })).counters).toEqual([2]);
      const refused = await store.commit({ partition: 'w', now: T0, checks: [{ type: 'version', key: 'nothing', version: 7 }], ops: [{ type: 'add', key: 'c', by: 1 }] });
      expect(refused.ok).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('declares the maxOpsPerCommit it was given', () => {
    expect(redisStore({ client }).limits.maxOpsPerCommit).toBe(1000);
    expect(redisStore({ client, maxOpsPerCommit: 64 }).limits.maxOpsPerCommit).toBe(64);
  });

  it('refuses a client that was closed', async () => {
    const closed = new Redis({ port: port, host: '127.0.0.1' });
    const ended = new Promise((resolve) => closed.once('end', resolve));
    await closed.quit();
    await ended;
    invalidArgument(() => redisStore({ client: closed }), /^redisStore: client is closed/);
  });

  it('refuses a partition name with a brace as a malformed request', async () => {
    const store = redisStore({ client, prefix });
    await expect(bump(store, 'a{b}')).rejects.toThrow(/partition must not contain \{ or \}/);
  });

  it('refuses keys with a lone surrogate, which UTF-8 would merge, and keeps such values', async () => {
    const store = redisStore({ client, prefix });
    const lone = 'k\ud800';
    await expect(store.commit({ partition: 'p', now: T0, ops: [{ type: 'put', key: lone, value: {} }] })).rejects.toThrow(StoreRequestError);
    await expect(store.commit({ partition: 'p', now: T0, ops: [{ type: 'indexPut', index: 'ix', member: 'm', sortKey: lone }] })).rejects.toThrow(
      /ops\[0\]\.sortKey must be well-formed Unicode/,
    );
    await expect(store.read({ partition: 'p', records: [lone], now: T0 })).rejects.toThrow(StoreRequestError);
    await expect(store.list({ partition: lone, index: 'ix', offset: 0, count: 1 })).rejects.toThrow(StoreRequestError);
    await store.commit({ partition: 'p', now: T0, ops: [{ type: 'put', key: 'v', value: { s: lone, t: 'x\udfff' } }] });
    expect((await store.read({ partition: 'p', records: ['v'], now: T0 })).records[0]?.value).toEqual({ s: lone, t: 'x\udfff' });
  });

  it('throws within commandTimeoutMs when Redis does not answer', async () => {
    const nobody = new Redis({ port: await freePort(), host: '127.0.0.1' });
    nobody.on('error', () => undefined);
    try {
      const store = redisStore({ client: nobody, commandTimeoutMs: 200 });
      const started = performance.now();
      await expect(bump(store)).rejects.toThrow(/^redisStore\.commit: no connection to Redis within 200 ms \(connection status "\w+"\); nothing was sent/);
      await expect(store.read({ partition: 'p', records: ['k'], now: T0 })).rejects.toThrow(/^redisStore\.read: no connection/);
      expect(performance.now() - started).toBeLessThan(2000);
      await store.close();
    } finally {
      nobody.disconnect();
    }
  });

  it('keeps working after the server forgot its scripts (SCRIPT FLUSH), alone and in a pipeline', async () => {
    const store = redisStore({ client, prefix });
    expect((await bump(store)).ok).toBe(true);
    await client.script('FLUSH');
    expect(await bump(store)).toEqual({ ok: true, counters: { c: 2 }, versions: {} });
    await client.script('FLUSH');
    const batch = await store.commitBatch([
      { partition: 'p', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] },
      { partition: 'q', now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] },
    ]);
    expect(batch.map((r) => r.ok && r.counters['c'])).toEqual([3, 1]);
  });
});

describe('a server without Lua scripting', () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--rename-command', 'EVALSHA', '', '--rename-command', 'EVAL', ''] });
    client = new Redis({ port: server.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('fails the first call with a clear error', async () => {
    const store = redisStore({ client });
    await expect(bump(store)).rejects.toThrow(/^redisStore\.commit: the Redis server does not run Lua scripts \(EVALSHA\)/);
    await expect(store.commitBatch([{ partition: 'p', now: T0, ops: [] }, { partition: 'q', now: T0, ops: [] }])).rejects.toThrow(
      /^redisStore\.commitBatch: the Redis server does not run Lua scripts/,
    );
  });
});
