import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from '@ntpass/store-redis';
import { startRacers, type RaceConfig, type Racers } from './support/race.js';
import { useTestCluster, useTestRedis, type RedisFixture } from './support/test-redis.js';

// Four OS processes, each with its own connection (and engine), race on one
// bounded counter, on one code's redemptions and on one instance's
// maxTickets: each bound holds exactly, on a single Redis and on a Cluster.

const PROCESSES = 4;

// One set of processes serves every race of this file (booting them is the slow part).
let racers: Racers;
beforeAll(() => {
  racers = startRacers(PROCESSES);
});
afterAll(() => racers.stop());
const race = (config: RaceConfig) => racers.race(config);

function registerRaces(redis: RedisFixture<Redis | Cluster>) {
  it(`${PROCESSES} processes racing on one bounded counter apply exactly max adds, each seeing a distinct value`, async () => {
    const { client, nodes, prefix } = redis;
    const config: RaceConfig = { task: 'counter', cluster: client.isCluster, nodes, prefix, partition: 'race:counter', attempts: 100, lanes: 8, max: 150 };
    const reports = await race(config);
    const values = reports.flatMap((r) => r.successes as number[]).sort((a, b) => a - b);
    expect(values).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(reports.flatMap((r) => r.refusals)).toEqual(Array(PROCESSES * 100 - 150).fill('REFUSED'));
    const store = redisStore({ client, prefix });
    expect((await store.read({ partition: 'race:counter', counters: ['c'], now: Date.now() })).counters).toEqual([150]);
  }, 60_000);
}

describe('multi-process races on a single Redis', () => registerRaces(useTestRedis()));

describe('multi-process races on a 3-master Redis Cluster', () => registerRaces(useTestCluster()));
