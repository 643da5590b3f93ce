import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { COMMIT_ID_RETENTION_MS, StoreRequestError, type Commit, type Store } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { tempFiles } from './fixtures/temp-files.js';

const files = tempFiles('commit');
afterAll(files.remove);

async function withStore(body: (store: Store, filename: string) => Promise<void>): Promise<void> {
  const filename = files.next();
  const store = sqliteStore({ filename });
  try {
    await body(store, filename);
  } finally {
    await store.close();
  }
}

function inspect<T>(filename: string, sql: string): T[] {
  const db = new Database(filename, { readonly: true });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

const T0 = 1_700_000_000_000;

describe('sqliteStore: commits', () => {
  it('commitBatch applies each commit on its own: a refused one leaves its neighbours applied', async () => {
    await withStore(async (store) => {
      const results = await store.commitBatch([
        { partition: 'a', now: T0, ops: [{ type: 'add', key: 'n', by: 1 }] },
        { partition: 'b', now: T0, ops: [{ type: 'add', key: 'n', by: 1 }, { type: 'patch', key: 'absent', set: { x: 1 } }] },
        { partition: 'a', now: T0, ops: [{ type: 'add', key: 'n', by: 1, max: 1 }] },
        { partition: 'b', now: T0, ops: [{ type: 'put', key: 'k', value: { v: 1 } }, { type: 'indexPut', index: 'i', member: 'm', sortKey: '' }] },
      ]);
      assert.deepEqual(results, [
        { ok: true, counters: { n: 1 }, versions: {} },
        { ok: false, at: 'op', index: 1 },
        { ok: false, at: 'op', index: 0 },
        { ok: true, counters: {}, versions: { k: 1 } },
      ]);
      assert.deepEqual((await store.read({ partition: 'a', now: T0, counters: ['n'] })).counters, [1]);
      assert.deepEqual((await store.read({ partition: 'b', now: T0, counters: ['n'], records: ['k'] })).counters, [0]);
      assert.equal((await store.list({ partition: 'b', index: 'i', offset: 0, count: 5 })).total, 1);
    });
  });

  it('commitBatch refuses a malformed commit before applying any of the batch', async () => {
    await withStore(async (store) => {
      const good: Commit = { partition: 'a', now: T0, ops: [{ type: 'add', key: 'n', by: 1 }] };
      const bad = { partition: 'a', now: T0, ops: [{ type: 'add', key: 'n', by: 0.5 }] } as Commit;
      await assert.rejects(store.commitBatch([good, bad]), (e: unknown) => e instanceof StoreRequestError && /ops\[0\]\.by/.test(e.message));
      assert.deepEqual((await store.read({ partition: 'a', now: T0, counters: ['n'] })).counters, [0]);
    });
  });

  it('refuses values JSON cannot hold instead of storing them changed', async () => {
    await withStore(async (store) => {
      for (const value of [{ x: Number.NaN }, { x: undefined }, { x: new Date(0) }] as unknown as Commit['ops'][number][]) {
        const commit = { partition: 'a', now: T0, ops: [{ type: 'put', key: 'k', value }] } as Commit;
        await assert.rejects(store.commit(commit), StoreRequestError);
      }
      assert.deepEqual((await store.read({ partition: 'a', now: T0, records: ['k'] })).records, [null]);
    });
  });

  it('refuses keys and names with a lone surrogate, which UTF-8 would merge, but keeps such strings in values', async () => {
    await withStore(async (store) => {
      const lone = ['k\ud800', 'k\udbff'];
      const commits = [
        { partition: 'a', now: T0, ops: [{ type: 'put', key: lone[0], value: {} }] },
        { partition: lone[0], now: T0, ops: [{ type: 'add', key: 'n', by: 1 }] },
        { partition: 'a', now: T0, ops: [{ type: 'indexPut', index: 'i', member: 'm', sortKey: lone[1] }] },
        { partition: 'a', now: T0, ops: [{ type: 'add', key: 'n', by: 1, max: { key: lone[1], field: 'f' } }] },
      ] as Commit[];
      for (const commit of commits) await assert.rejects(store.commit(commit), (e: unknown) => e instanceof StoreRequestError && /lone surrogate/.test(e.message));
      await assert.rejects(store.read({ partition: 'a', now: T0, records: [lone[1] as string] }), StoreRequestError);
      await store.commit({ partition: 'a', now: T0, ops: [{ type: 'put', key: 'k', value: { a: lone[0] ?? '', b: lone[1] ?? '' } }] });
      assert.deepEqual((await store.read({ partition: 'a', now: T0, records: ['k'] })).records[0]?.value, { a: lone[0], b: lone[1] });
      // Well-formed non-ASCII (a surrogate pair) is fine as a key.
      await store.commit({ partition: 'a', now: T0, ops: [{ type: 'put', key: 'k\u{1F600}', value: {} }] });
      assert.equal((await store.read({ partition: 'a', now: T0, records: ['k\u{1F600}'] })).records[0]?.version, 2);
    });
  });

  it('keeps a fixed window unless refreshExpiry slides it, judged by the request clock', async () => {
    await withStore(async (store) => {
      const add = (now: number, refreshExpiry?: boolean) =>
        store.commit({ partition: 'c', now, ops: [{ type: 'add', key: 'w', by: 1, expiresAt: now + 100, ...(refreshExpiry && { refreshExpiry }) }] });
      await add(T0);
      await add(T0 + 50); // fixed: still expires at T0 + 100
      assert.deepEqual((await store.read({ partition: 'c', now: T0 + 99, counters: ['w'] })).counters, [2]);
      assert.deepEqual((await store.read({ partition: 'c', now: T0 + 100, counters: ['w'] })).counters, [0]);
      await add(T0 + 200);
      await add(T0 + 250, true); // sliding: now expires at T0 + 350
      assert.deepEqual((await store.read({ partition: 'c', now: T0 + 349, counters: ['w'] })).counters, [2]);
      assert.deepEqual((await store.read({ partition: 'c', now: T0 + 350, counters: ['w'] })).counters, [0]);
    });
  });

  it('maintains index totals in their own row, in step with the entries', async () => {
    await withStore(async (store, filename) => {
      const put = (member: string) => ({ type: 'indexPut', index: 'i', member, sortKey: member }) as const;
      await store.commit({ partition: 'p', now: T0, ops: [put('a'), put('b'), put('c'), put('a')] });
      await store.commit({ partition: 'p', now: T0, ops: [{ type: 'indexDelete', index: 'i', member: 'b' }, { type: 'indexDelete', index: 'i', member: 'zz' }] });
      assert.deepEqual(inspect(filename, "SELECT partition, index_name, total FROM ntpass_index_totals"), [{ partition: 'p', index_name: 'i', total: 2 }]);
      await store.commit({ partition: 'p', now: T0, ops: [{ type: 'indexDelete', index: 'i', member: 'a' }, { type: 'indexDelete', index: 'i', member: 'c' }] });
      assert.deepEqual(inspect(filename, 'SELECT * FROM ntpass_index_totals'), [], 'an emptied index leaves no totals row');
    });
  });

  it('reclaims expired rows and stale commit ids in a periodic sweep', async () => {
    await withStore(async (store, filename) => {
      await store.commit({
        partition: 'x',
        now: T0,
        commitId: 'old',
        ops: [
          { type: 'put', key: 'gone', value: {}, expiresAt: T0 + 1 },
          { type: 'put', key: 'kept', value: {}, expiresAt: T0 + 10 * COMMIT_ID_RETENTION_MS },
          { type: 'add', key: 'gone', by: 1, expiresAt: T0 + 1 },
        ],
      });
      const later = T0 + COMMIT_ID_RETENTION_MS + 1;
      // Enough commits to trigger a sweep, judged at `later`.
      for (let i = 0; i < 300; i += 100) {
        await store.commitBatch(Array.from({ length: 100 }, () => ({ partition: 'y', now: later, ops: [{ type: 'add', key: 'n', by: 1 }] }) as Commit));
      }
      assert.deepEqual(inspect(filename, "SELECT key FROM ntpass_records WHERE partition = 'x'"), [{ key: 'kept' }]);
      assert.deepEqual(inspect(filename, "SELECT key FROM ntpass_counters WHERE partition = 'x'"), []);
      assert.deepEqual(inspect(filename, 'SELECT commit_id FROM ntpass_commits'), []);
    });
  });

  it('sweeps stale commit ids faster than commits add them', async () => {
    await withStore(async (store, filename) => {
      const batch = (now: number, from: number) =>
        store.commitBatch(Array.from({ length: 100 }, (_, i) => ({ partition: 'z', now, commitId: `c${from + i}`, ops: [{ type: 'add', key: 'n', by: 1 }] }) as Commit));
      for (let i = 0; i < 2000; i += 100) await batch(T0, i);
      const later = T0 + COMMIT_ID_RETENTION_MS + 1;
      for (let i = 2000; i < 4000; i += 100) await batch(later, i);
      assert.deepEqual(inspect(filename, `SELECT count(*) AS n FROM ntpass_commits WHERE applied_at = ${T0}`), [{ n: 0 }]);
      // A replay of a fresh id still answers with its first result.
      assert.deepEqual(await store.commit({ partition: 'z', now: later, commitId: 'c3999', ops: [{ type: 'add', key: 'n', by: 1 }] }), {
        ok: true,
        counters: { n: 4000 },
        versions: {},
      });
    });
  });

  it('drops a partition in bounded batches, index entries and totals included', async () => {
    await withStore(async (store, filename) => {
      const ops: Commit['ops'][number][] = [];
      for (let i = 0; i < 30; i++) {
        ops.push({ type: 'put', key: `r${i}`, value: { i } }, { type: 'add', key: `c${i}`, by: 1 });
        ops.push({ type: 'indexPut', index: i % 2 ? 'odd' : 'even', member: `m${i}`, sortKey: String(i) });
      }
      await store.commit({ partition: 'big', now: T0, commitId: 'fill', ops });
      await store.commit({ partition: 'other', now: T0, ops: [{ type: 'put', key: 'k', value: {} }] });
      let calls = 0;
      for (let done = false; !done; calls++) done = (await store.dropPartition({ partition: 'big', limit: 7 })).done;
      assert.equal(calls, Math.ceil(91 / 7)); // 90 items + 1 commit id
      for (const table of ['ntpass_records', 'ntpass_counters', 'ntpass_index_entries', 'ntpass_index_totals', 'ntpass_commits', 'ntpass_partitions']) {
        assert.deepEqual(inspect(filename, `SELECT 1 FROM ${table} WHERE partition = 'big'`), [], table);
      }
      assert.equal((await store.read({ partition: 'other', now: T0, records: ['k'] })).records[0]?.version, 1);
    });
  });
});
