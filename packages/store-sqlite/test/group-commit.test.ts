import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { defineStore, type Commit, type Store } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { openDatabase } from '../src/open-database.js';
import { sqliteDriver } from '../src/sqlite-driver.js';
import { tempFiles } from './fixtures/temp-files.js';

/*
 * Group commit (core's `groupCommits`, on for SQLite): commits started in the
 * same turn share one transaction, yet each is applied or refused on its own,
 * in call order, and a failure costs only the commit that caused it.
 */

const files = tempFiles('group-commit');
afterAll(files.remove);

const NOW = 1_000_000;
const add = (key: string, by = 1): Commit => ({ partition: 'p', now: NOW, ops: [{ type: 'add', key, by, max: 5 }] });

/** A grouped SQLite store whose driver throws while writing counter `boom`, as a full disk would mid-transaction. */
function storeFailingOn(filename: string, key: string): Store {
  const { db, owned, options, statements } = openDatabase({ filename }, {});
  const driver = sqliteDriver(db, statements, options.maxOpsPerCommit, owned);
  return defineStore(
    {
      ...driver,
      writeCounter(p, k, row) {
        if (k === key) throw new Error('injected write failure');
        driver.writeCounter(p, k, row);
      },
    },
    { name: 'sqliteStore', groupCommits: 128 },
  );
}

describe('group commit on SQLite', () => {
  it('refuses and applies each commit of a group on its own, in call order', async () => {
    const store = sqliteStore({ filename: files.next() });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => store.commit(add('c'))));
      assert.deepEqual(
        results.map((r) => (r.ok ? r.counters['c'] : 'refused')),
        [1, 2, 3, 4, 5, 'refused', 'refused', 'refused'],
      );
      assert.deepEqual((await store.read({ partition: 'p', counters: ['c'], now: NOW })).counters, [5]);
    } finally {
      await store.close();
    }
  });

  it('gives every commit its own transaction with groupCommits: 1', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename }, { groupCommits: 1, busyTimeoutMs: 0 });
    const other = new BetterSqlite3(filename);
    try {
      // A commit runs inside the call: the other connection's lock fails it before the next call starts.
      other.exec('BEGIN IMMEDIATE');
      const first = store.commit(add('a'));
      other.exec('ROLLBACK');
      const second = store.commit(add('a'));
      const settled = await Promise.allSettled([first, second]);
      assert.deepEqual(
        settled.map((s) => (s.status === 'fulfilled' ? s.value.ok && s.value.counters : (s.reason as { code?: string }).code)),
        ['SQLITE_BUSY', { a: 1 }],
      );
    } finally {
      other.close();
      await store.close();
    }
  });

  it('applies the commits queued before a read, list or scan first', async () => {
    const store = sqliteStore({ filename: files.next() });
    try {
      const pending = store.commit({ partition: 'p', now: NOW, ops: [{ type: 'put', key: 'r', value: { a: 1 } }, { type: 'indexPut', index: 'i', member: 'm', sortKey: '' }] });
      const [read, list, scan] = await Promise.all([
        store.read({ partition: 'p', records: ['r'], now: NOW }),
        store.list({ partition: 'p', index: 'i', offset: 0, count: 5 }),
        store.scan({ partition: 'p', limit: 5, now: NOW }),
      ]);
      assert.deepEqual(read.records[0]?.value, { a: 1 });
      assert.equal(list.total, 1);
      assert.equal(scan.records.length, 1);
      assert.equal((await pending).ok, true);
    } finally {
      await store.close();
    }
  });

  it('fails only the commit that threw; the others of its group are applied once', async () => {
    const filename = files.next();
    const store = storeFailingOn(filename, 'boom');
    try {
      const settled = await Promise.allSettled([store.commit(add('a')), store.commit(add('boom')), store.commit(add('b', 2)), store.commit(add('a'))]);
      assert.deepEqual(
        settled.map((s) => (s.status === 'fulfilled' ? (s.value.ok ? s.value.counters : 'refused') : (s.reason as Error).message)),
        [{ a: 1 }, 'injected write failure', { b: 2 }, { a: 2 }],
      );
      assert.deepEqual((await store.read({ partition: 'p', counters: ['a', 'boom', 'b'], now: NOW })).counters, [2, 0, 2]);
    } finally {
      await store.close();
    }
  });

  it('fails the whole group, applying nothing, when its transaction cannot start', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename }, { busyTimeoutMs: 0 });
    const other = new BetterSqlite3(filename);
    try {
      other.exec('BEGIN IMMEDIATE');
      const settled = await Promise.allSettled([store.commit(add('a')), store.commit(add('b'))]);
      assert.deepEqual(settled.map((s) => s.status === 'rejected' && (s.reason as { code?: string }).code), ['SQLITE_BUSY', 'SQLITE_BUSY']);
      other.exec('ROLLBACK');
      assert.deepEqual((await store.read({ partition: 'p', counters: ['a', 'b'], now: NOW })).counters, [0, 0]);
      const after = await Promise.all([store.commit(add('a')), store.commit(add('b'))]);
      assert.deepEqual(after.map((r) => r.ok && r.counters), [{ a: 1 }, { b: 1 }]);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('settles every accepted commit before close() returns', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename });
    const pending = store.commit(add('c'));
    await store.close();
    assert.equal((await pending).ok, true);
    const again = sqliteStore({ filename });
    try {
      assert.deepEqual((await again.read({ partition: 'p', counters: ['c'], now: NOW })).counters, [1]);
    } finally {
      await again.close();
    }
  });
});
