import { describe, it } from 'vitest';
import { runStoreConformance } from '@ntpass/testkit';
import { redisStore } from '@ntpass/store-redis';
import { useTestCluster, useTestRedis, type RedisFixture } from './support/test-redis.js';
import type { Cluster, Redis } from 'ioredis';

// Every store gets its own prefix under the fixture's, so the suite can share
// a developer's Redis and clean up exactly what it wrote.
function conformance(name: string, redis: RedisFixture<Redis | Cluster>): void {
  let stores = 0;
  runStoreConformance({ name, createStore: () => redisStore({ client: redis.client, prefix: `${redis.prefix}${stores++}:` }) }, { describe, it });
}

describe('on a single Redis', () => conformance('redis', useTestRedis()));

describe('on a 3-master Redis Cluster', () => conformance('redis-cluster', useTestCluster()));
