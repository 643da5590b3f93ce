import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import type { Store } from '@ntpass/core';
import { SCHEMA_VERSION, sqliteStore } from '@ntpass/store-sqlite';
import { startTogether, type Worker } from './fixtures/spawn-worker.js';
import { tempFiles } from './fixtures/temp-files.js';
import type { WorkerSuccess, WorkerTask } from './fixtures/store-worker.js';

/*
 * Four OS processes on one database file, each with its own connection,
 * racing on one bounded counter. SQLite's file locks are all that stands
 * between them, so exact counts here prove that every commit is one
 * serialized read-check-write.
 */

const files = tempFiles('multi-process');
afterAll(files.remove);

const PROCESSES = 4;
const TIMEOUT_MS = 60_000;

async function runWorkers(kind: WorkerTask['kind'], filename: string, partition: string): Promise<Worker<WorkerSuccess>[]> {
  const tasks: WorkerTask[] = Array.from({ length: PROCESSES }, (_, worker) => ({ kind, filename, partition, worker }));
  const workers = await startTogether<WorkerSuccess>('store-worker.ts', tasks);
  const codes = await Promise.all(workers.map((w) => w.exited));
  assert.deepEqual(workers.flatMap((w) => w.errors), [], 'no worker failed');
  assert.deepEqual(codes, tasks.map(() => 0));
  return workers;
}

async function withSetup(setup: (store: Store, now: number) => Promise<unknown>): Promise<{ filename: string; store: Store }> {
  const filename = files.next();
  const store = sqliteStore({ filename });
  await setup(store, Date.now());
  return { filename, store };
}

describe('sqliteStore: several processes on one file', () => {
  it('a 7-use code redeemed by 4 processes at once succeeds exactly 7 times', async () => {
    const { filename, store } = await withSetup((s, now) =>
      s.commit({
        partition: 'ntp',
        now,
        ops: [
          { type: 'put', key: 'inst', value: { maxRedemptions: 100 } },
          { type: 'put', key: 'ticket', value: { cap: 7, revoked: null } },
        ],
      }),
    );
    try {
      const workers = await runWorkers('redeem', filename, 'ntp');
      const successes = workers.flatMap((w) => w.lines);
      assert.equal(successes.length, 7);
      // Each success saw a distinct count 1..7: no two processes counted the same use.
      assert.deepEqual(successes.map((s) => s.value).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
      const { counters } = await store.read({ partition: 'ntp', now: Date.now(), counters: ['uses', 'redemptions'] });
      assert.deepEqual(counters, [7, 7]);
    } finally {
      await store.close();
    }
  }, TIMEOUT_MS);

  it("an instance's maxTickets holds exactly against 4 issuing processes: counter, records and index agree", async () => {
    const maxTickets = 300;
    const { filename, store } = await withSetup((s, now) =>
      s.commit({ partition: 'inst', now, ops: [{ type: 'put', key: 'inst', value: { state: 'active', maxTickets } }] }),
    );
    try {
      const workers = await runWorkers('issue', filename, 'inst');
      const successes = workers.flatMap((w) => w.lines);
      assert.equal(successes.length, maxTickets);
      assert.deepEqual(new Set(successes.map((s) => s.value)).size, maxTickets, 'every issue saw its own count');
      const now = Date.now();
      assert.deepEqual((await store.read({ partition: 'inst', now, counters: ['issued'] })).counters, [maxTickets]);
      const listed = await store.list({ partition: 'inst', index: 'tickets', offset: 0, count: 1000 });
      assert.equal(listed.total, maxTickets);
      const reported = successes.map((s) => `t:${s.worker}:${s.n}`).sort();
      assert.deepEqual(listed.items.map((i) => i.member).sort(), reported);
      const scanned = await store.scan({ partition: 'inst', prefix: 't:', limit: 1000, now });
      assert.deepEqual(scanned.records.map((r) => r.key).sort(), reported);
      // More than one process got a share: the race was real.
      assert.ok(workers.filter((w) => w.lines.length > 0).length > 1, 'several processes issued');
    } finally {
      await store.close();
    }
  }, TIMEOUT_MS);

  it('four processes opening a new file at once migrate it once and all work', async () => {
    const filename = files.next();
    const workers = await runWorkers('issue', filename, 'empty'); // no 'inst' record: every issue is refused at once
    assert.deepEqual(workers.map((w) => w.lines.length), [0, 0, 0, 0]);
    const db = new Database(filename, { readonly: true });
    try {
      assert.equal(db.prepare("SELECT value FROM ntpass_meta WHERE name = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
    } finally {
      db.close();
    }
  }, TIMEOUT_MS);
});
