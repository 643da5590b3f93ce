import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createEngine, type Engine } from '@ntpass/core';
import { postgresStore } from '@ntpass/store-postgres';
import type { NtpSuccess, NtpTask } from './fixtures/ntp-worker.js';
import { startTogether } from './fixtures/spawn-worker.js';
import { TEST_DATABASE_URL, dropSchema, testPool, throwawaySchema } from './fixtures/test-database.js';

/*
 * The engine in four OS processes, each with its own pool, over one schema
 * (SPEC §6 invariants 1, 2): exact counts for a code's uses and an
 * instance's maxTickets. Only the store's per-partition locks stand between
 * them.
 */

const PROCESSES = 4;
const SECRET = 'multi-process-test-secret-of-32-bytes!';
const TENANT = 'acme';
const schema = throwawaySchema('processes');
const pool = testPool();
afterAll(async () => {
  await pool.end();
  await dropSchema(schema);
});

async function withEngine<T>(body: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = createEngine({ store: postgresStore({ pool, schema }), secret: SECRET });
  try {
    return await body(engine);
  } finally {
    await engine.close();
  }
}

type TaskKind = { kind: 'issue' } | { kind: 'redeem'; code: string; byTenant: boolean };

async function runToEnd(ntpId: string, kind: (worker: number) => TaskKind): Promise<NtpSuccess[]> {
  const tasks: NtpTask[] = Array.from({ length: PROCESSES }, (_, worker) => ({
    url: TEST_DATABASE_URL,
    schema,
    secret: SECRET,
    tenantId: TENANT,
    ntpId,
    worker,
    ...kind(worker),
  }));
  const workers = await startTogether<NtpSuccess>('ntp-worker.ts', tasks);
  const codes = await Promise.all(workers.map((w) => w.exited));
  assert.deepEqual(workers.flatMap((w) => w.errors), [], 'no worker failed');
  assert.deepEqual(codes, tasks.map(() => 0));
  return workers.flatMap((w) => w.lines);
}

describe('the engine over postgresStore in several processes', () => {
  it('a 7-use code redeemed by 4 processes at once succeeds exactly 7 times', async () => {
    const { ntpId, token } = await withEngine(async (engine) => {
      const id = await engine.createNtpInstance({ tenantId: TENANT, objectId: 'door-7', maxRedemptions: 7 });
      return { ntpId: id, token: (await engine.issueNtpCode({ tenantId: TENANT, ntpId: id })).token };
    });
    // Half the processes name the instance, half find the code through the tenant's directory.
    const successes = await runToEnd(ntpId, (worker) => ({ kind: 'redeem', code: token, byTenant: worker % 2 === 1 }));
    assert.equal(successes.length, 7);
    await withEngine(async (engine) => {
      assert.equal((await engine.ntpInstance({ tenantId: TENANT, ntpId })).redemptions, 7);
      const status = await engine.ntpCodeStatus({ tenantId: TENANT, ntpId, code: token });
      assert.deepEqual([status.valid, status.reason, status.redemptions], [false, 'REDEMPTION_LIMIT', 7]);
    });
  }, 90_000);

  it("an instance's maxTickets holds exactly against 4 issuing processes", async () => {
    const maxTickets = 60;
    const ntpId = await withEngine((engine) => engine.createNtpInstance({ tenantId: TENANT, objectId: 'door-60', maxTickets }));
    const successes = await runToEnd(ntpId, () => ({ kind: 'issue' }));
    assert.equal(successes.length, maxTickets);
    assert.ok(new Set(successes.map((s) => s.worker)).size > 1, 'several processes issued: the race was real');
    await withEngine(async (engine) => {
      assert.equal((await engine.ntpInstance({ tenantId: TENANT, ntpId })).issuedTickets, maxTickets);
      const listed = await engine.listNtpTickets({ tenantId: TENANT, ntpId, count: 1000 });
      assert.equal(listed.total, maxTickets);
      assert.deepEqual(listed.tickets.map((t) => t.userId).sort(), successes.map((s) => s.userId).sort());
      await assert.rejects(engine.issueNtpCode({ tenantId: TENANT, ntpId }), { code: 'TICKET_LIMIT' });
    });
  }, 90_000);
});
