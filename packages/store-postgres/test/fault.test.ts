import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { createEngine, type Engine } from '@ntpass/core';
import { postgresStore } from '@ntpass/store-postgres';
import { churn, type ChurnLog } from './fixtures/churn.js';
import { dropSchema, testPool, throwawaySchema } from './fixtures/test-database.js';

/*
 * Faults under load, with the server's default synchronous_commit = on: the
 * pool's backends killed (pg_terminate_backend), and the whole server
 * restarted in immediate mode (a crash: no checkpoint, WAL replay). Calls
 * fail with STORE_UNAVAILABLE without hanging, every success reported before
 * or after survives, nothing counts twice (a commit is never re-sent), and
 * the engine works again once the server is back.
 *
 * The server is the machine's shared one: only the restart test restarts it,
 * once, and waits until it accepts connections again.
 */

const SECRET = 'fault-test-secret-of-at-least-32-bytes';
const TENANT = 'acme';
const schema = throwawaySchema('fault');
const admin = testPool({ max: 1 });
afterAll(async () => {
  await admin.end();
  await dropSchema(schema);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLoadedEngine(app: string, body: (engine: Engine, ntpId: string) => Promise<void>): Promise<void> {
  // connectionTimeoutMillis: while the server is down a call fails within it instead of waiting.
  const pool = testPool({ max: 8, application_name: app, connectionTimeoutMillis: 3000 });
  const engine = createEngine({ store: postgresStore({ pool, schema }), secret: SECRET });
  try {
    const ntpId = await engine.createNtpInstance({ tenantId: TENANT, objectId: app, maxRedemptions: 1 });
    await body(engine, ntpId);
  } finally {
    await engine.close();
    await pool.end();
  }
}

/** Every reported success is stored, counts agree, nothing counted twice, and the engine works again. */
async function assertSurvived(engine: Engine, ntpId: string, objectId: string, log: ChurnLog): Promise<void> {
  console.info(`fault: ${log.issued.length} issued, ${log.redeemed.length} redeemed, ${log.failures.length} failed (slowest failure ${Math.max(...log.failures.map((f) => f.ms))} ms)`);
  assert.ok(log.failures.length > 0, 'the fault made some calls fail (else this test proves nothing)');
  assert.deepEqual([...new Set(log.failures.map((f) => f.code))], ['STORE_UNAVAILABLE']);
  assert.ok(Math.max(...log.failures.map((f) => f.ms)) < 15_000, 'no failing call hung');
  assert.ok(log.redeemed.length > 0 && log.issued.length > log.redeemed.length / 2);

  // The engine recovers: new work succeeds at once.
  const fresh = await engine.issueNtpCode({ tenantId: TENANT, ntpId });
  assert.equal(await engine.redeemCode({ tenantId: TENANT, ntpId, code: fresh.token }), objectId);
  log.issued.push(fresh.userId);
  log.redeemed.push(fresh.userId);

  const info = await engine.ntpInstance({ tenantId: TENANT, ntpId });
  const tickets = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await engine.listNtpTickets({ tenantId: TENANT, ntpId, offset, count: 1000 });
    tickets.push(...page.tickets);
    if (page.tickets.length < 1000) {
      assert.equal(page.total, tickets.length, 'the maintained total matches the entries');
      break;
    }
  }
  const byUser = new Map(tickets.map((t) => [t.userId, t]));
  for (const userId of log.issued) assert.ok(byUser.has(userId), `issued ${userId} is missing`);
  for (const userId of log.redeemed) assert.equal(byUser.get(userId)?.redemptions, 1, `redemption of ${userId} was lost`);
  assert.equal(info.issuedTickets, tickets.length, 'issued counter, index and tickets agree');
  assert.ok(tickets.every((t) => t.redemptions <= 1), 'no ticket redeemed past its cap of 1');
  assert.equal(info.redemptions, tickets.reduce((sum, t) => sum + t.redemptions, 0), 'the instance counted each redemption once');
}

describe('postgresStore under faults', () => {
  it('backends terminated mid-load: calls fail with STORE_UNAVAILABLE, successes survive, nothing counts twice', async () => {
    const app = `ntpass-fault-kill-${process.pid}`;
    await withLoadedEngine(app, async (engine, ntpId) => {
      const load = churn(engine, TENANT, ntpId, 16);
      await sleep(500);
      let killed = 0;
      for (let i = 0; i < 20; i++) {
        const res = await admin.query('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1', [app]);
        killed += Number(res.rows[0].n);
        await sleep(100);
      }
      await sleep(500);
      const log = await load.stop();
      assert.ok(killed > 0);
      await assertSurvived(engine, ntpId, app, log);
    });
  }, 120_000);

  it('the server restarted in immediate mode mid-load: the same, and the engine recovers when it is back', async () => {
    const app = `ntpass-fault-restart-${process.pid}`;
    const version = readdirSync('/etc/postgresql')[0] as string;
    await withLoadedEngine(app, async (engine, ntpId) => {
      const load = churn(engine, TENANT, ntpId, 16);
      await sleep(1000);
      const before = load.log.redeemed.length;
      await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'immediate']);
      const deadline = Date.now() + 60_000;
      while (!(await admin.query('SELECT 1').then(() => true, () => false))) {
        assert.ok(Date.now() < deadline, 'the server did not come back');
        await sleep(200);
      }
      // Load runs on after the restart: the pool reconnects by itself.
      await sleep(1500);
      const log = await load.stop();
      assert.ok(log.redeemed.length > before, 'redemptions succeeded again after the restart');
      await assertSurvived(engine, ntpId, app, log);
    });
  }, 120_000);
});
