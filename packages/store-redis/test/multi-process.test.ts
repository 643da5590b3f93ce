import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '@ntpass/store-redis';
import { race, type RaceConfig } from './support/race.js';
import { startRedisCluster, type RedisClusterNodes } from './support/redis-cluster.js';
import { deleteKeys, testRedis, uniquePrefix, type TestRedis } from './support/test-redis.js';

// Four OS processes, each with its own connection, race on one bounded
// counter: the bound holds exactly, on a single Redis and on a Cluster.

const PROCESSES = 4;

function registerRaces(target: () => { cluster: boolean; nodes: RaceConfig['nodes']; prefix: string; client: Redis | Cluster }) {
  it(`${PROCESSES} processes racing on one bounded counter apply exactly max adds, each seeing a distinct value`, async () => {
    const { cluster, nodes, prefix, client } = target();
    const config: RaceConfig = { task: 'counter', cluster, nodes, prefix, partition: 'race:counter', attempts: 100, lanes: 8, max: 150 };
    const reports = await race(PROCESSES, config);
    const values = reports.flatMap((r) => r.successes as number[]).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(reports.reduce((sum, r) => sum + r.failures, 0)).toBe(PROCESSES * 100 - 150);
    const store = redisStore({ client, prefix });
    expect((await store.read({ partition: 'race:counter', counters: ['c'], now: Date.now() })).counters).toEqual([150]);
  }, 60_000);
}

describe('multi-process races on a single Redis', () => {
  const prefix = uniquePrefix();
  let server: TestRedis;
  let client: Redis;
  beforeAll(async () => {
    server = await testRedis();
    client = new Redis({ port: server.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await deleteKeys(client, prefix);
    client.disconnect();
    await server.stop();
  });
  registerRaces(() => ({ cluster: false, nodes: [{ host: '127.0.0.1', port: server.port }], prefix, client }));
});

describe('multi-process races on a 3-master Redis Cluster', () => {
  const prefix = uniquePrefix();
  let cluster: RedisClusterNodes;
  let client: Cluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    client = new Cluster([...cluster.nodes]);
  }, 60_000);
  afterAll(async () => {
    client.disconnect();
    await cluster.stop();
  });
  registerRaces(() => ({ cluster: true, nodes: cluster.nodes, prefix, client }));
});
