import assert from 'node:assert/strict';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { isNtpassError, type NtpassErrorCode } from '@ntpass/core';
import { sqliteStore, type SqliteStoreOptions } from '@ntpass/store-sqlite';
import { tempFiles } from './fixtures/temp-files.js';

const files = tempFiles('open');
afterAll(files.remove);

function assertNtpassError(fn: () => unknown, code: NtpassErrorCode, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isNtpassError(e), `expected an NtpassError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

const now = Date.now();

describe('sqliteStore: opening', () => {
  it('throws STORE_UNAVAILABLE naming the path when the file cannot be opened', () => {
    const filename = join(files.dir, 'no-such-directory', 'x.db');
    assertNtpassError(() => sqliteStore({ filename }), 'STORE_UNAVAILABLE', /^sqliteStore: cannot open ".*no-such-directory.*x\.db": .*directory does not exist/);
    // A directory where the file should be.
    assertNtpassError(() => sqliteStore({ filename: files.dir }), 'STORE_UNAVAILABLE', /^sqliteStore: cannot (open|use) ".*": .*SQLITE_CANTOPEN/);
  });

  it('throws STORE_UNAVAILABLE for a file that is not a database', () => {
    const filename = files.next('corrupt');
    writeFileSync(filename, Buffer.alloc(8192, 'not a database, just bytes '));
    assertNtpassError(() => sqliteStore({ filename }), 'STORE_UNAVAILABLE', /^sqliteStore: cannot use ".*": file is not a database \(SQLITE_NOTADB\)/);
  });

  it('refuses bad targets and options with INVALID_ARGUMENT naming the field', () => {
    const filename = files.next();
    const cases: [unknown, unknown, string][] = [
      [{ filename: '' }, {}, 'filename'],
      [{ filename: 42 }, {}, 'filename'],
      [{}, {}, 'target'],
      [{ filename, database: new Database(':memory:') }, {}, 'target'],
      [{ database: {} }, {}, 'database'],
      [{ filename }, { maxOpsPerCommit: 10 }, 'maxOpsPerCommit'],
      [{ filename }, { maxOpsPerCommit: 100.5 }, 'maxOpsPerCommit'],
      [{ filename }, { busyTimeoutMs: -1 }, 'busyTimeoutMs'],
      [{ filename }, { synchronous: 'FAST' }, 'synchronous'],
      [{ filename }, { groupCommits: 0 }, 'groupCommits'],
      [{ filename }, { groupCommits: 1.5 }, 'groupCommits'],
      [{ filename }, { cacheSizeMiB: 0 }, 'cacheSizeMiB'],
      [{ filename }, { cacheSizeMiB: 2.5 }, 'cacheSizeMiB'],
      [{ filename }, { journalMode: 'DELETE' }, 'journalMode'],
    ];
    for (const [target, options, field] of cases) {
      assert.throws(
        () => sqliteStore(target as { filename: string }, options as SqliteStoreOptions),
        (e: unknown) => isNtpassError(e) && e.code === 'INVALID_ARGUMENT' && e.field === field && e.message.startsWith(`sqliteStore: ${field} `),
        JSON.stringify({ target, options }),
      );
    }
  });

  it('refuses a closed host database', () => {
    const database = new Database(':memory:');
    database.close();
    assertNtpassError(() => sqliteStore({ database }), 'INVALID_ARGUMENT', /^sqliteStore: database is closed/);
  });

  it('creates the database and its -wal and -shm files readable by their owner only (0600)', async () => {
    const filename = files.next();
    const previous = process.umask(0o022); // the usual umask, under which a plain create gives 0644
    try {
      const store = sqliteStore({ filename });
      try {
        await store.commit({ partition: 'p', now, ops: [{ type: 'put', key: 'k', value: { a: 1 } }] });
        for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
          assert.ok(existsSync(file), `${file} exists`);
          assert.equal(statSync(file).mode & 0o777, 0o600, `${file} mode`);
        }
      } finally {
        await store.close();
      }
      // An existing file keeps the mode its host gave it.
      const shared = files.next();
      writeFileSync(shared, '');
      chmodSync(shared, 0o640);
      await sqliteStore({ filename: shared }).close();
      assert.equal(statSync(shared).mode & 0o777, 0o640);
    } finally {
      process.umask(previous);
    }
  });

  it('opens a file in WAL mode with the requested synchronous level', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename });
    await store.close();
    const db = new Database(filename);
    try {
      // journal_mode = WAL is stored in the file, so another connection sees it.
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
    const database = new Database(files.next());
    try {
      const hosted = sqliteStore({ database }, { synchronous: 'FULL', busyTimeoutMs: 1234, cacheSizeMiB: 8 });
      assert.equal(database.pragma('synchronous', { simple: true }), 2); // FULL
      assert.equal(database.pragma('busy_timeout', { simple: true }), 1234);
      assert.equal(database.pragma('cache_size', { simple: true }), -8192); // KiB
      await hosted.close();
    } finally {
      database.close();
    }
  });

  it('leaves a host database open and its settings alone, and shares its data', async () => {
    const filename = files.next();
    const database = new Database(filename);
    database.pragma('synchronous = OFF');
    const store = sqliteStore({ database });
    assert.equal(database.pragma('synchronous', { simple: true }), 0, 'synchronous untouched without the option');
    assert.equal(database.pragma('journal_mode', { simple: true }), 'delete', 'journal mode untouched');
    const fresh = new Database(':memory:');
    assert.equal(database.pragma('cache_size', { simple: true }), fresh.pragma('cache_size', { simple: true }), 'page cache size untouched');
    fresh.close();
    await store.commit({ partition: 'p', now, ops: [{ type: 'put', key: 'k', value: { a: 1 } }] });
    await store.close();
    assert.equal(database.open, true);
    assert.equal(database.prepare("SELECT json_extract(value, '$.a') FROM ntpass_records WHERE key = 'k'").pluck().get(), 1);
    await assert.rejects(store.read({ partition: 'p', now, records: ['k'] }), /the store is closed/);
    database.close();
  });

  it('keeps data and the version sequence across a reopen', async () => {
    const filename = files.next();
    const first = sqliteStore({ filename });
    const applied = await first.commit({
      partition: 'p',
      now,
      ops: [
        { type: 'put', key: 'k', value: { a: 1 } },
        { type: 'delete', key: 'k' },
        { type: 'add', key: 'c', by: 5 },
      ],
    });
    await first.close();
    await assert.rejects(first.commit({ partition: 'p', now, ops: [] }), /the store is closed/);

    const second = sqliteStore({ filename });
    try {
      assert.equal(applied.ok, true);
      assert.deepEqual((await second.read({ partition: 'p', now, counters: ['c'] })).counters, [5]);
      // The version sequence continues: version 1 is never handed out again.
      const next = await second.commit({ partition: 'p', now, ops: [{ type: 'put', key: 'k', value: { a: 2 } }] });
      assert.ok(next.ok && applied.ok && next.versions['k']! > applied.versions['k']!);
    } finally {
      await second.close();
    }
  });
});
