import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { sqliteStore } from '@ntpass/store-sqlite';
import { startTogether, type Worker } from './fixtures/spawn-worker.js';
import { tempFiles } from './fixtures/temp-files.js';
import type { WorkerSuccess, WorkerTask } from './fixtures/store-worker.js';

/*
 * kill -9 four writer processes in the middle of a write load, reopen the
 * file and check that nothing a writer saw succeed is lost and that every
 * commit is all-or-nothing: each commit adds one to `count`, puts one record
 * and one index entry, so the three must agree exactly. Two rounds, the
 * second resuming on the file the first crashed.
 */

const files = tempFiles('crash');
afterAll(files.remove);

const PROCESSES = 4;
const PARTITION = 'load';

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the workers');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function crashRound(filename: string, round: number, minSuccesses: number): Promise<Worker<WorkerSuccess>[]> {
  const tasks: WorkerTask[] = Array.from({ length: PROCESSES }, (_, i) => ({ kind: 'write', filename, partition: PARTITION, worker: round * 10 + i }));
  const workers = await startTogether<WorkerSuccess>('store-worker.ts', tasks);
  await waitUntil(() => workers.every((w) => w.lines.length >= minSuccesses || w.child.exitCode !== null), 60_000);
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  assert.deepEqual(workers.flatMap((w) => w.errors), [], 'no worker failed before the kill');
  assert.ok(workers.every((w) => w.child.signalCode === 'SIGKILL'), 'every worker was killed mid-load, none had stopped');
  return workers;
}

describe('sqliteStore: writers killed with SIGKILL', () => {
  it('loses no reported commit and applies every commit whole', async () => {
    const filename = files.next();
    const reported: WorkerSuccess[] = [];
    for (const round of [0, 1]) {
      const workers = await crashRound(filename, round, 150);
      reported.push(...workers.flatMap((w) => w.lines));

      const store = sqliteStore({ filename });
      try {
        const now = Date.now();
        const { counters } = await store.read({ partition: PARTITION, now, counters: ['count'] });
        const count = counters[0] ?? 0;
        const keys: string[] = [];
        for (let cursor: string | null | undefined; cursor !== null; ) {
          const page = await store.scan({ partition: PARTITION, prefix: 'w:', limit: 500, now, ...(cursor !== undefined && { cursor }) });
          keys.push(...page.records.map((r) => r.key));
          cursor = page.cursor;
        }
        const listed = await store.list({ partition: PARTITION, index: 'all', offset: 0, count: 10_000 });

        // All-or-nothing: counter, records, index entries and the maintained total agree.
        assert.equal(keys.length, count);
        assert.equal(listed.total, count);
        assert.deepEqual(listed.items.map((i) => i.member).sort(), [...keys].sort());
        // Durable: every commit a writer saw succeed is there.
        const onDisk = new Set(keys);
        const missing = reported.filter((s) => !onDisk.has(`w:${s.worker}:${s.n}`));
        assert.deepEqual(missing, []);
        // At most one commit per writer per round (the one in flight at the kill) went unreported.
        assert.ok(count - reported.length <= PROCESSES * (round + 1), `${count} on disk, ${reported.length} reported`);
        // Each reported counter value is distinct: no two commits counted the same increment.
        assert.equal(new Set(reported.map((s) => s.value)).size, reported.length);
      } finally {
        await store.close();
      }
    }
    const db = new Database(filename, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  }, 120_000);
});
