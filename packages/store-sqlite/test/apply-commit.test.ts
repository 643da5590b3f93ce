import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { StoreRequestError, type Commit, type Store } from '@ntpass/core';
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
      assert.deepEqual(inspect(filename, 'SELECT name, idx, total FROM ntpass_totals JOIN ntpass_partitions ON id = pid'), [{ name: 'p', idx: 'i', total: 2 }]);
      await store.commit({ partition: 'p', now: T0, ops: [{ type: 'indexDelete', index: 'i', member: 'a' }, { type: 'indexDelete', index: 'i', member: 'c' }] });
      assert.deepEqual(inspect(filename, 'SELECT * FROM ntpass_totals'), [], 'an emptied index leaves no totals row');
      assert.deepEqual(inspect(filename, 'SELECT * FROM ntpass_partitions'), [], 'nor a partition row');
    });
  });

  it('reclaims expired rows in a periodic sweep, and the partitions they leave empty', async () => {
    await withStore(async (store, filename) => {
      // The sweep's horizon is the earlier of the call's now and the wall clock: stay in the past.
      const t0 = Date.now() - 60_000;
      await store.commit({
        partition: 'x',
        now: t0,
        ops: [
          { type: 'put', key: 'gone', value: {}, expiresAt: t0 + 1 },
          { type: 'put', key: 'kept', value: {}, expiresAt: t0 + 10_000_000 },
          { type: 'add', key: 'gone', by: 1, expiresAt: t0 + 1 },
        ],
      });
      await store.commit({ partition: 'lapsed', now: t0, ops: [{ type: 'add', key: 'w', by: 1, expiresAt: t0 + 1 }] });
      const later = t0 + 1000;
      // Enough write calls to trigger a sweep, judged at `later`.
      for (let i = 0; i < 20; i++) await store.commit({ partition: 'y', now: later, ops: [{ type: 'add', key: 'n', by: 1 }] });
      const keysOf = (table: string, partition: string) =>
        inspect(filename, `SELECT key FROM ${table} JOIN ntpass_partitions ON id = pid WHERE name = '${partition}'`);
      assert.deepEqual(keysOf('ntpass_records', 'x'), [{ key: 'kept' }]);
      assert.deepEqual(keysOf('ntpass_counters', 'x'), []);
      assert.deepEqual(inspect(filename, 'SELECT name FROM ntpass_partitions ORDER BY name'), [{ name: 'x' }, { name: 'y' }]);
    });
  });

  it('20 000 partitions each holding one expiring item leave no rows a few calls after they lapse', async () => {
    await withStore(async (store, filename) => {
      const t0 = Date.now() - 60_000;
      await store.commitBatch(
        Array.from({ length: 20_000 }, (_, i): Commit => ({
          partition: `client:${i}`,
          now: t0,
          ops: [i % 2 ? { type: 'add', key: 'failures', by: 1, expiresAt: t0 + 1000 } : { type: 'put', key: 'ban', value: {}, expiresAt: t0 + 1000 }],
        })),
      );
      const count = () => inspect<{ n: number }>(filename, 'SELECT (SELECT count(*) FROM ntpass_records) + (SELECT count(*) FROM ntpass_counters) + (SELECT count(*) FROM ntpass_partitions) AS n')[0]!.n;
      assert.equal(count(), 40_000);
      // Calls on another partition only: nothing touches the lapsed ones.
      for (let i = 0; i < 24; i++) await store.commit({ partition: 'other', now: t0 + 2000, ops: [] });
      assert.equal(count(), 0);
    });
  });

  it('drops a partition in bounded batches, index entries and totals included', async () => {
    await withStore(async (store, filename) => {
      const ops: Commit['ops'][number][] = [];
      for (let i = 0; i < 30; i++) {
        ops.push({ type: 'put', key: `r${i}`, value: { i } }, { type: 'add', key: `c${i}`, by: 1 });
        ops.push({ type: 'indexPut', index: i % 2 ? 'odd' : 'even', member: `m${i}`, sortKey: String(i) });
      }
      await store.commit({ partition: 'big', now: T0, ops });
      await store.commit({ partition: 'other', now: T0, ops: [{ type: 'put', key: 'k', value: {} }] });
      let calls = 0;
      for (let done = false; !done; calls++) done = (await store.dropPartition({ partition: 'big', limit: 7 })).done;
      assert.equal(calls, Math.ceil(90 / 7));
      assert.deepEqual(inspect(filename, "SELECT name FROM ntpass_partitions"), [{ name: 'other' }]);
      for (const table of ['ntpass_records', 'ntpass_counters', 'ntpass_entries', 'ntpass_totals']) {
        assert.deepEqual(inspect(filename, `SELECT DISTINCT pid FROM ${table}`), inspect(filename, table === 'ntpass_records' ? 'SELECT id AS pid FROM ntpass_partitions' : 'SELECT 1 WHERE 0'), table);
      }
      assert.deepEqual((await store.read({ partition: 'other', now: T0, records: ['k'] })).records[0]?.value, {});
    });
  });
});
