import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runStoreConformance } from '@ntpass/testkit';
import { redisStore } from '@ntpass/store-redis';
import { startRedisCluster, type RedisClusterNodes } from './support/redis-cluster.js';
import { deleteKeys, testRedis, uniquePrefix, type TestRedis } from './support/test-redis.js';

// Every store of a run gets its own prefix under one run prefix, so the suite
// can share a developer's Redis and clean up exactly what it wrote.

describe('on a single Redis', () => {
  const runPrefix = uniquePrefix();
  let server: TestRedis;
  let client: Redis;
  let stores = 0;
  beforeAll(async () => {
    server = await testRedis();
    client = new Redis({ port: server.port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await deleteKeys(client, runPrefix);
    client.disconnect();
    await server.stop();
  });
  runStoreConformance({ name: 'redis', createStore: () => redisStore({ client, prefix: `${runPrefix}${stores++}:` }) }, { describe, it });
});

describe('on a 3-master Redis Cluster', () => {
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
  runStoreConformance({ name: 'redis-cluster', createStore: () => redisStore({ client }) }, { describe, it });
});
