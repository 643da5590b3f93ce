import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';
import { isNtpassError } from '@ntpass/core';
import { SCHEMA_VERSION, sqliteStore } from '@ntpass/store-sqlite';
import { tempFiles } from './fixtures/temp-files.js';

const files = tempFiles('schema');
afterAll(files.remove);

const tablesOf = (db: Database.Database): string[] =>
  db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'ntpass%' ORDER BY name").pluck().all();

describe('sqliteStore: schema and migrations', () => {
  it('creates every table and records the schema version on a new file', async () => {
    const filename = files.next();
    await sqliteStore({ filename }).close();
    const db = new Database(filename);
    try {
      assert.deepEqual(tablesOf(db), [
        'ntpass_commits',
        'ntpass_counters',
        'ntpass_index_entries',
        'ntpass_index_totals',
        'ntpass_meta',
        'ntpass_partitions',
        'ntpass_records',
      ]);
      assert.equal(db.prepare("SELECT value FROM ntpass_meta WHERE name = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
      // The host's own user_version is not ours to use.
      assert.equal(db.pragma('user_version', { simple: true }), 0);
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer schema with STORE_UNAVAILABLE and leaves it untouched', async () => {
    const filename = files.next();
    await sqliteStore({ filename }).close();
    const db = new Database(filename);
    db.prepare("UPDATE ntpass_meta SET value = ? WHERE name = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    db.close();
    assert.throws(
      () => sqliteStore({ filename }),
      (e: unknown) =>
        isNtpassError(e) &&
        e.code === 'STORE_UNAVAILABLE' &&
        e.message === `sqliteStore: the database has schema version ${SCHEMA_VERSION + 1}, newer than the ${SCHEMA_VERSION} this @ntpass/store-sqlite understands; upgrade the package`,
    );
    const after = new Database(filename);
    try {
      assert.equal(after.prepare("SELECT value FROM ntpass_meta WHERE name = 'schema_version'").pluck().get(), String(SCHEMA_VERSION + 1));
    } finally {
      after.close();
    }
  });

  it('never leaves a half-applied migration: a failing step rolls back whole, and a later open completes it', async () => {
    const filename = files.next();
    const host = new Database(filename);
    // A host object in the way of the migration's fifth table makes it fail midway.
    host.exec('CREATE VIEW ntpass_index_entries AS SELECT 1 AS x');
    host.close();
    assert.throws(
      () => sqliteStore({ filename }),
      (e: unknown) => isNtpassError(e) && e.code === 'STORE_UNAVAILABLE' && /^sqliteStore: cannot use ".*": .*ntpass_index_entries/.test(e.message),
    );
    const db = new Database(filename);
    assert.deepEqual(tablesOf(db), [], 'the tables created before the failing statement were rolled back');
    db.exec('DROP VIEW ntpass_index_entries');
    db.close();

    const store = sqliteStore({ filename });
    try {
      const now = Date.now();
      await store.commit({ partition: 'p', now, ops: [{ type: 'indexPut', index: 'i', member: 'm', sortKey: 's' }] });
      assert.equal((await store.list({ partition: 'p', index: 'i', offset: 0, count: 1 })).total, 1);
    } finally {
      await store.close();
    }
  });

  it('opens a current file without writing to it, even read-only', async () => {
    const filename = files.next();
    const writer = sqliteStore({ filename });
    const now = Date.now();
    await writer.commit({ partition: 'p', now, ops: [{ type: 'put', key: 'k', value: { a: 1 } }] });
    const database = new Database(filename, { readonly: true });
    try {
      const reader = sqliteStore({ database });
      assert.deepEqual((await reader.read({ partition: 'p', now, records: ['k'] })).records, [{ value: { a: 1 }, version: 1 }]);
      await reader.close();
    } finally {
      database.close();
      await writer.close();
    }
  });
});
