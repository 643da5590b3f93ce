import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createEngine, type Engine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import type { NtpSuccess, NtpTask } from './fixtures/ntp-worker.js';
import { startTogether, type Worker } from './fixtures/spawn-worker.js';
import { tempFiles } from './fixtures/temp-files.js';

/*
 * The engine in four OS processes over one SQLite file (SPEC §6 invariants 1,
 * 2): exact counts for a code's uses and an instance's maxTickets, and every
 * call that returned success still there after writers are killed with
 * SIGKILL mid-load.
 */

const files = tempFiles('engine-processes');
afterAll(files.remove);

const PROCESSES = 4;
const SECRET = 'multi-process-test-secret-of-32-bytes!';
const TENANT = 'acme';

async function withEngine<T>(filename: string, body: (engine: Engine) => Promise<T>): Promise<T> {
  const store = sqliteStore({ filename });
  const engine = createEngine({ store, secret: SECRET });
  try {
    return await body(engine);
  } finally {
    await engine.close();
    await store.close();
  }
}

type TaskKind = { kind: 'issue' } | { kind: 'churn' } | { kind: 'redeem'; code: string; byTenant: boolean };

function tasksFor(filename: string, ntpId: string, kind: (worker: number) => TaskKind): NtpTask[] {
  return Array.from({ length: PROCESSES }, (_, worker) => ({ filename, secret: SECRET, tenantId: TENANT, ntpId, worker, ...kind(worker) }));
}

async function runToEnd(tasks: NtpTask[]): Promise<NtpSuccess[]> {
  const workers = await startTogether<NtpSuccess>('ntp-worker.ts', tasks);
  const codes = await Promise.all(workers.map((w) => w.exited));
  assert.deepEqual(workers.flatMap((w) => w.errors), [], 'no worker failed');
  assert.deepEqual(codes, tasks.map(() => 0));
  return workers.flatMap((w) => w.lines);
}

describe('the engine over sqliteStore in several processes', () => {
  it('a 7-use code redeemed by 4 processes at once succeeds exactly 7 times', async () => {
    const filename = files.next();
    const { ntpId, token } = await withEngine(filename, async (engine) => {
      const id = await engine.createNtpInstance({ tenantId: TENANT, objectId: 'door-7', maxRedemptions: 7 });
      return { ntpId: id, token: (await engine.issueNtpCode({ tenantId: TENANT, ntpId: id })).token };
    });
    // Half the processes name the instance, half find the code through the tenant's directory.
    const successes = await runToEnd(tasksFor(filename, ntpId, (worker) => ({ kind: 'redeem', code: token, byTenant: worker % 2 === 1 })));
    assert.equal(successes.length, 7);
    await withEngine(filename, async (engine) => {
      assert.equal((await engine.ntpInstance({ tenantId: TENANT, ntpId })).redemptions, 7);
      const status = await engine.ntpCodeStatus({ tenantId: TENANT, ntpId, code: token });
      assert.deepEqual([status.valid, status.reason, status.redemptions], [false, 'REDEMPTION_LIMIT', 7]);
    });
  }, 90_000);

  it("an instance's maxTickets holds exactly against 4 issuing processes", async () => {
    const filename = files.next();
    const maxTickets = 40;
    const ntpId = await withEngine(filename, (engine) => engine.createNtpInstance({ tenantId: TENANT, objectId: 'door-40', maxTickets }));
    const successes = await runToEnd(tasksFor(filename, ntpId, () => ({ kind: 'issue' })));
    assert.equal(successes.length, maxTickets);
    await withEngine(filename, async (engine) => {
      assert.equal((await engine.ntpInstance({ tenantId: TENANT, ntpId })).issuedTickets, maxTickets);
      const listed = await engine.listNtpTickets({ tenantId: TENANT, ntpId, count: 1000 });
      assert.equal(listed.total, maxTickets);
      assert.deepEqual(listed.tickets.map((t) => t.userId).sort(), successes.map((s) => s.userId).sort());
      await assert.rejects(engine.issueNtpCode({ tenantId: TENANT, ntpId }), { code: 'TICKET_LIMIT' });
    });
  }, 90_000);

  it('keeps every issue and redemption that returned when the writers are killed mid-load', async () => {
    const filename = files.next();
    const ntpId = await withEngine(filename, (engine) => engine.createNtpInstance({ tenantId: TENANT, objectId: 'door-crash', maxRedemptions: 1 }));
    const workers: Worker<NtpSuccess>[] = await startTogether<NtpSuccess>('ntp-worker.ts', tasksFor(filename, ntpId, () => ({ kind: 'churn' })));
    const deadline = Date.now() + 60_000;
    while (!workers.every((w) => w.lines.length >= 40 || w.child.exitCode !== null)) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the workers');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    assert.deepEqual(workers.flatMap((w) => w.errors), []);
    const reported = workers.flatMap((w) => w.lines);

    await withEngine(filename, async (engine) => {
      const info = await engine.ntpInstance({ tenantId: TENANT, ntpId });
      const listed = await engine.listNtpTickets({ tenantId: TENANT, ntpId, count: 1000 });
      const byUser = new Map(listed.tickets.map((t) => [t.userId, t]));
      // Every issue that returned is listed; issued count, index total and tickets agree.
      for (const s of reported.filter((r) => r.step === 'issued')) assert.ok(byUser.has(s.userId ?? ''), `issued ${s.userId} is missing`);
      assert.equal(listed.total, listed.tickets.length);
      assert.equal(info.issuedTickets, listed.total);
      // Every redemption that returned is counted; none went past the cap of 1; the instance's total is their sum.
      for (const s of reported.filter((r) => r.step === 'redeemed')) assert.equal(byUser.get(s.userId ?? '')?.redemptions, 1, `redemption of ${s.userId}`);
      assert.ok(listed.tickets.every((t) => t.redemptions <= 1));
      assert.equal(info.redemptions, listed.tickets.reduce((sum, t) => sum + t.redemptions, 0));
    });
  }, 120_000);
});
