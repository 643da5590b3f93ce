import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { startRacers, type RaceConfig, type Racers } from './support/race.js';
import { useTestCluster, useTestRedis, type RedisFixture } from './support/test-redis.js';

// Four OS processes, each with its own connection (and engine), race on one
// bounded counter, on one code's redemptions and on one instance's
// maxTickets: each bound holds exactly, on a single Redis and on a Cluster.

const PROCESSES = 4;
const SECRET = 'multi-process-test-secret-0123456789';
const TENANT = 'race-tenant';

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

  const withEngine = async (body: (engine: Engine, base: Omit<RaceConfig & { task: 'issue' }, 'task'>) => Promise<void>) => {
    const engine = createEngine({ store: redisStore({ client: redis.client, prefix: redis.prefix }), secret: SECRET });
    try {
      const ntpId = await engine.createNtpInstance({ tenantId: TENANT, objectId: 'door', maxRedemptions: 50, maxTickets: 60 });
      const { client, nodes, prefix } = redis;
      await body(engine, { cluster: client.isCluster, nodes, prefix, attempts: 40, lanes: 4, secret: SECRET, tenantId: TENANT, ntpId });
    } finally {
      await engine.close();
    }
  };

  it(`${PROCESSES} processes redeeming one 50-use code: exactly 50 redemptions succeed`, () =>
    withEngine(async (engine, base) => {
      const { token } = await engine.issueNtpCode({ tenantId: TENANT, ntpId: base.ntpId });
      const reports = await race({ ...base, task: 'redeem', code: token });
      expect(reports.flatMap((r) => r.successes)).toEqual(Array(50).fill('door'));
      expect(reports.flatMap((r) => r.refusals)).toEqual(Array(PROCESSES * 40 - 50).fill('REDEMPTION_LIMIT'));
      expect((await engine.ntpInstance({ tenantId: TENANT, ntpId: base.ntpId })).redemptions).toBe(50);
    }), 60_000);

  it(`${PROCESSES} processes issuing on one instance with maxTickets 60: exactly 60 tickets`, () =>
    withEngine(async (engine, base) => {
      const reports = await race({ ...base, task: 'issue' });
      expect(new Set(reports.flatMap((r) => r.successes)).size).toBe(60);
      expect(reports.flatMap((r) => r.refusals)).toEqual(Array(PROCESSES * 40 - 60).fill('TICKET_LIMIT'));
      expect((await engine.ntpInstance({ tenantId: TENANT, ntpId: base.ntpId })).issuedTickets).toBe(60);
      expect((await engine.listNtpTickets({ tenantId: TENANT, ntpId: base.ntpId, count: 100 })).total).toBe(60);
    }), 60_000);
}

describe('multi-process races on a single Redis', () => registerRaces(useTestRedis()));

describe('multi-process races on a 3-master Redis Cluster', () => registerRaces(useTestCluster()));
