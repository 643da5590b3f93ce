import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isNtpassError, type Commit, type Store } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { keySlot } from '../src/transport/key-slot.js';
import { startRedisServer, waitFor, type RedisServer } from './support/redis-server.js';
import { startReplicatedCluster, type ReplicatedCluster } from './support/replicated-cluster.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

// A durable redis-server (AOF, fsync on every write) is killed (SIGKILL) in
// the middle of a load and restarted on the same data, while the same client
// keeps going: a single server, and one master of a Cluster. The clients reach
// Redis through a TCP proxy that holds the last replies before the crash, so
// that commits which ran (and are on disk) lose their replies, as unsent
// socket buffers do when a machine goes down. Each commit is
// sent once and never retried; the host's client carries default ioredis
// options (which re-send) or aggressive ones, and neither may make a commit
// count twice or lose one that was reported applied.

const T0 = Date.UTC(2030, 0, 1);
const LANES = 8;
const TIMEOUT_MS = 400;
const DURABLE = ['--appendonly', 'yes', '--appendfsync', 'always'];
// Scheduling slack on a loaded 2-core machine.
const FAIL_FAST_MS = TIMEOUT_MS + 2500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const HOST_OPTIONS: [string, RedisOptions][] = [
  // Default ioredis options but a short reconnect delay, as a host would use.
  ['default options', { retryStrategy: () => 100 }],
  ['aggressive options', { retryStrategy: () => 10, maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true, enableOfflineQueue: true }],
];

const CLUSTER_OPTIONS: [string, ClusterOptions][] = [
  ['default options', {}],
  [
    'aggressive options',
    {
      retryDelayOnFailover: 10,
      retryDelayOnClusterDown: 10,
      maxRedirections: 1000,
      clusterRetryStrategy: () => 10,
      redisOptions: { maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true },
    },
  ],
];

/**
 * Runs `operations` calls of `run` in parallel lanes; once a third of them
 * succeeded, `crash()`es, waits until `failedCalls()` counts two failed calls
 * per lane, and `recover()`s. Resolves when every lane is done, with the
 * successes acknowledged before the crash.
 */
async function crashMidLoad<T>(
  operations: number,
  run: (i: number) => Promise<T | undefined>,
  failedCalls: () => number,
  crash: () => Promise<void>,
  recover: () => Promise<void>,
): Promise<T[]> {
  const done: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < operations) {
      const outcome = await run(next++);
      if (outcome !== undefined) done.push(outcome);
      await sleep(2);
    }
  };
  const load = Promise.all(Array.from({ length: LANES }, lane));
  await waitFor('a third of the load', async () => done.length >= operations / 3);
  await crash();
  const beforeCrash = [...done];
  const failedBefore = failedCalls();
  await waitFor('calls failing while Redis is down', async () => failedCalls() - failedBefore >= 2 * LANES);
  await recover();
  await load;
  return beforeCrash;
}

/** Holds the server's replies for a moment (the commits still run and reach the disk), then kills it and drops the connections. */
async function crashWithRepliesLost(server: RedisServer, proxy: TcpProxy): Promise<void> {
  proxy.holdReplies();
  await sleep(30);
  await server.kill();
  proxy.dropClients();
}

const PARTITIONS = 8;
const commitOf = (i: number): Commit => ({
  partition: `fault-${i % PARTITIONS}`,
  now: T0,
  ops: [
    { type: 'add', key: 'total', by: 1 },
    { type: 'put', key: `m:${i}`, value: { i } },
  ],
});

/**
 * Sends each of `operations` commits once through `store` around a crash,
 * then checks: every acknowledged commit is there, and in every partition the
 * counter equals the number of distinct commits applied (a commit applied
 * twice would count twice), which lies between the acknowledged ones and
 * those plus the failed ones (outcome unknown).
 */
async function commitOnceAroundCrash(
  store: Store,
  operations: number,
  crash: () => Promise<void>,
  recover: () => Promise<void>,
  check: Store = store,
): Promise<void> {
  const failures: number[] = [];
  const acknowledged = await crashMidLoad(
    operations,
    async (i) => {
      const started = performance.now();
      try {
        const r = await store.commit(commitOf(i));
        if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
        return i;
      } catch (e) {
        if ((e as Error).message.startsWith('refused')) throw e;
        failures.push(performance.now() - started);
        return undefined;
      }
    },
    () => failures.length,
    crash,
    recover,
  );
  expect(failures.length).toBeGreaterThanOrEqual(2 * LANES);
  for (const ms of failures) expect(ms).toBeLessThan(FAIL_FAST_MS);
  // Room for anything re-sent late.
  await sleep(500);
  let applied = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const partition = `fault-${p}`;
    const mine = acknowledged.filter((i) => i % PARTITIONS === p);
    const read = await check.read({ partition, records: mine.map((i) => `m:${i}`), counters: ['total'], now: T0 });
    expect(read.records.every((r) => r !== null)).toBe(true);
    const all = await check.scan({ partition, prefix: 'm:', limit: 10_000, now: T0 });
    expect(read.counters[0] ?? 0).toBe(all.records.length);
    applied += all.records.length;
  }
  expect(applied).toBeGreaterThanOrEqual(operations - failures.length);
  expect(applied).toBeLessThanOrEqual(operations);
}

describe.each(HOST_OPTIONS)('Redis stopped mid-load and restarted on the same data, host client with %s', (label, options) => {
  let server: RedisServer;
  let proxy: TcpProxy;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: DURABLE });
    proxy = await startTcpProxy(server.port);
    client = new Redis({ port: proxy.port, host: '127.0.0.1', ...options });
    client.on('error', () => undefined);
  });
  afterAll(async () => {
    client.disconnect();
    await proxy.close();
    await server.stop();
  });
  const crash = () => crashWithRepliesLost(server, proxy);
  const recover = () => server.restart();

  it('store: fails fast while down, keeps every acknowledged commit, and applies none twice', async () => {
    const store = redisStore({ client, commandTimeoutMs: TIMEOUT_MS, prefix: `store:${label}:` });
    await commitOnceAroundCrash(store, 300, crash, recover);
    // The host's own client reconnects by itself; on a loaded machine its ready check may still be in flight.
    await waitFor('the host client ready again', async () => client.status === 'ready');
    await store.close();
  }, 60_000);

  it('engine: redemptions fail fast with STORE_UNAVAILABLE, successful ones survive, and the engine recovers by itself', async () => {
    const engine = createEngine({ store: redisStore({ client, commandTimeoutMs: TIMEOUT_MS, prefix: `engine:${label}:` }), secret: 'fault-test-secret-0123456789abcdef' });
    try {
      const tenantId = 'fault';
      const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'vault', maxRedemptions: 1_000_000 });
      const { token } = await engine.issueNtpCode({ tenantId, ntpId });
      const ATTEMPTS = 400;
      const unavailable: number[] = [];
      // One call per attempt, no retry: the engine's own behaviour.
      await crashMidLoad(
        ATTEMPTS,
        async () => {
        const started = performance.now();
        try {
          return await engine.redeemCode({ tenantId, ntpId, code: token });
        } catch (e) {
          if (!isNtpassError(e) || e.code !== 'STORE_UNAVAILABLE') throw e;
          unavailable.push(performance.now() - started);
          return undefined;
        }
      },
        () => unavailable.length,
        crash,
        recover,
      );

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

describe.each(CLUSTER_OPTIONS)('a Cluster master stopped mid-load and restarted on the same data, host client with %s', (label, options) => {
  let cluster: ReplicatedCluster;
  let client: Cluster;
  const proxies = new Map<number, TcpProxy>();
  beforeAll(async () => {
    cluster = await startReplicatedCluster({ masters: 3, replicas: 0, nodeTimeoutMs: 1000, args: DURABLE });
    const natMap: Record<string, { host: string; port: number }> = {};
    for (const n of cluster.nodes) {
      const proxy = await startTcpProxy(n.port);
      proxies.set(n.port, proxy);
      natMap[`127.0.0.1:${n.port}`] = { host: '127.0.0.1', port: proxy.port };
    }
    // The client reaches every node through its proxy (ioredis's natMap, which the store follows too).
    client = new Cluster([...cluster.startup], { ...options, natMap });
    client.on('error', () => undefined);
  }, 90_000);
  afterAll(async () => {
    client?.disconnect();
    for (const proxy of proxies.values()) await proxy.close();
    await cluster?.stop();
  });

  it('store: fails fast while the master is down, keeps every acknowledged commit, and applies none twice', async () => {
    const store = redisStore({ client, commandTimeoutMs: TIMEOUT_MS, prefix: `store:${label}:` });
    // The master of one of the partitions (they spread over the masters).
    const victim = await cluster.masterOf(keySlot('{fault-0}'));
    const check = redisStore({ client, prefix: `store:${label}:` });
    await commitOnceAroundCrash(
      store,
      300,
      () => crashWithRepliesLost(victim.server, proxies.get(victim.port)!),
      async () => {
        await victim.server.restart();
        await cluster.waitHealthy();
      },
      check,
    );
    await check.close();
    await store.close();
  }, 90_000);
});

