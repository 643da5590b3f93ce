import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commit, Store } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { startRedisServer, waitFor, type RedisServer } from './support/redis-server.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

// A reply lost mid-flight: the commits reach Redis and run, but their replies
// never come back and the connection then closes (a TCP proxy holds the
// replies and drops the connections), or Redis freezes (SIGSTOP) past the
// command timeout. Each such call must fail as "outcome unknown" and never be
// applied a second time, whatever re-sending the host's ioredis client is
// configured for.

const T0 = Date.UTC(2030, 0, 1);
const IN_FLIGHT = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HOST_OPTIONS: [string, RedisOptions][] = [
  ['default options (re-send after reconnect, offline queue)', { retryStrategy: () => 20 }],
  ['aggressive options', { retryStrategy: () => 5, maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true, enableOfflineQueue: true, commandTimeout: 10_000 }],
];

const bump = (i: number): Commit => ({
  partition: 'lost',
  now: T0,
  ops: [
    { type: 'add', key: 'total', by: 1 },
    { type: 'put', key: `m:${i}`, value: { i } },
  ],
});

/** The counter and the number of distinct operations applied: equal unless something ran twice. */
async function tally(store: Store): Promise<{ total: number; applied: number }> {
  const read = await store.read({ partition: 'lost', counters: ['total'], now: T0 });
  const scan = await store.scan({ partition: 'lost', prefix: 'm:', limit: 10_000, now: T0 });
  return { total: read.counters[0]!, applied: scan.records.length };
}

describe('a reply lost mid-flight', () => {
  let server: RedisServer;
  let proxy: TcpProxy;
  let direct: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    proxy = await startTcpProxy(server.port);
    direct = new Redis({ port: server.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    direct.disconnect();
    await proxy.close();
    await server.stop();
  });

  it('control: a plain ioredis client with default options re-sends what it had in flight, so the same fault applies it twice', async () => {
    const client = new Redis({ port: proxy.port, host: '127.0.0.1', retryStrategy: () => 20 });
    client.on('error', () => undefined);
    try {
      await client.del('control');
      proxy.holdReplies();
      const calls = Array.from({ length: IN_FLIGHT }, () => client.incr('control'));
      await waitFor('the increments to run', async () => Number(await direct.get('control')) === IN_FLIGHT);
      proxy.dropClients();
      await Promise.allSettled(calls);
      // Every increment ran twice: once before the drop, once re-sent after the reconnect.
      expect(Number(await direct.get('control'))).toBe(2 * IN_FLIGHT);
    } finally {
      client.disconnect();
    }
  });

  describe.each(HOST_OPTIONS)('host client with %s', (label, options) => {
    const prefix = `lost:${label.split(' ')[0]}:`;
    let client: Redis;
    let store: Store;
    let check: Store;
    beforeAll(() => {
      client = new Redis({ port: proxy.port, host: '127.0.0.1', ...options });
      client.on('error', () => undefined);
      store = redisStore({ client, prefix, commandTimeoutMs: 1500 });
      check = redisStore({ client: direct, prefix });
    });
    afterAll(async () => {
      await store.close();
      client.disconnect();
    });

    it('connection dropped with the replies lost: every call fails "outcome unknown", each commit applied exactly once, the store serves again', async () => {
      // One commit alone and two in one turn: the shape's script and its joined script are cached on
      // Redis, so no call below answers NOSCRIPT (whose reply the proxy would hold).
      await store.commit(bump(0));
      await Promise.all([store.commit(bump(-1)), store.commit(bump(-2))]);
      const base = 3;
      proxy.holdReplies();
      const calls = Array.from({ length: IN_FLIGHT }, (_, k) => store.commit(bump(k + 1)).then(() => 'ok', (e: Error) => e.message));
      await waitFor('the commits to run on Redis', async () => (await tally(check)).applied === IN_FLIGHT + base);
      proxy.dropClients();
      const outcomes = await Promise.all(calls);
      for (const outcome of outcomes) expect(outcome).toMatch(/^redisStore\.commit: .*outcome unknown/);
      // Room for any re-send ioredis might still attempt after reconnecting.
      await sleep(300);
      expect(await tally(check)).toEqual({ total: IN_FLIGHT + base, applied: IN_FLIGHT + base });
      expect((await store.commit(bump(1000))).ok).toBe(true);
      expect(await tally(check)).toEqual({ total: IN_FLIGHT + base + 1, applied: IN_FLIGHT + base + 1 });
    });

    it('Redis frozen (SIGSTOP) past the timeout, then resumed: the calls fail, each commit runs at most once, the store serves again', async () => {
      const before = await tally(check);
      server.signal('SIGSTOP');
      let outcomes: string[];
      try {
        const calls = Array.from({ length: IN_FLIGHT }, (_, k) => store.commit(bump(2000 + k)).then(() => 'ok', (e: Error) => e.message));
        outcomes = await Promise.all(calls);
      } finally {
        server.signal('SIGCONT');
      }
      for (const outcome of outcomes) expect(outcome).toMatch(/^redisStore\.commit: no reply from Redis within \d+ ms .*outcome unknown/);
      // The frozen server runs what it had received, once, when it resumes.
      await waitFor('the resumed server to run the commits', async () => (await tally(check)).applied === before.applied + IN_FLIGHT);
      await sleep(300);
      expect(await tally(check)).toEqual({ total: before.total + IN_FLIGHT, applied: before.applied + IN_FLIGHT });
      await waitFor('the store to serve again', async () => (await store.commit(bump(3000)).then((r) => r.ok, () => false)));
      expect(await tally(check)).toEqual({ total: before.total + IN_FLIGHT + 1, applied: before.applied + IN_FLIGHT + 1 });
    });
  });
});
