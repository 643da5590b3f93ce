import type { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisStore } from '@ntpass/store-redis';
import { race, type RaceConfig } from './support/race.js';
import { useTestCluster, useTestRedis, type RedisFixture } from './support/test-redis.js';

// Four OS processes, each with its own connection, race on one bounded
// counter: the bound holds exactly, on a single Redis and on a Cluster.

const PROCESSES = 4;

function registerRaces(redis: RedisFixture<Redis | Cluster>) {
  it(`${PROCESSES} processes racing on one bounded counter apply exactly max adds, each seeing a distinct value`, async () => {
    const { client, nodes, prefix } = redis;
    const config: RaceConfig = { task: 'counter', cluster: client.isCluster, nodes, prefix, partition: 'race:counter', attempts: 100, lanes: 8, max: 150 };
    const reports = await race(PROCESSES, config);
    const values = reports.flatMap((r) => r.successes as number[]).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(reports.reduce((sum, r) => sum + r.failures, 0)).toBe(PROCESSES * 100 - 150);
    const store = redisStore({ client, prefix });
    expect((await store.read({ partition: 'race:counter', counters: ['c'], now: Date.now() })).counters).toEqual([150]);
  }, 60_000);
}

describe('multi-process races on a single Redis', () => registerRaces(useTestRedis()));

describe('multi-process races on a 3-master Redis Cluster', () => registerRaces(useTestCluster()));
