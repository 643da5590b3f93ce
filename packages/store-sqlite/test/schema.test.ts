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

describe('sqliteStore: schema', () => {
  it('creates every table and records the schema version on a new file', async () => {
    const filename = files.next();
    await sqliteStore({ filename }).close();
    const db = new Database(filename);
    try {
      assert.deepEqual(tablesOf(db), ['ntpass_counters', 'ntpass_entries', 'ntpass_meta', 'ntpass_partitions', 'ntpass_records', 'ntpass_totals']);
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

  it('refuses a 0.1.0 file (schema version 1) with STORE_UNAVAILABLE, never misreading it, and leaves it untouched', async () => {
    const filename = files.next();
    const old = new Database(filename);
    // 0.1.0's layout, as that release created it (abridged to the tables that tell it apart).
    old.exec(`
      CREATE TABLE ntpass_meta (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE ntpass_partitions (partition TEXT NOT NULL PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE ntpass_records (partition TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER, PRIMARY KEY (partition, key)) WITHOUT ROWID;
      CREATE TABLE ntpass_commits (partition TEXT NOT NULL, commit_id TEXT NOT NULL, result TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (partition, commit_id)) WITHOUT ROWID;
      INSERT INTO ntpass_meta VALUES ('schema_version', '1');
      INSERT INTO ntpass_partitions VALUES ('p', 1);
      INSERT INTO ntpass_records VALUES ('p', 'k', '{"a":1}', 1, NULL);
    `);
    old.close();
    for (const open of [() => sqliteStore({ filename }), () => sqliteStore({ database: new Database(filename) })]) {
      assert.throws(
        open,
        (e: unknown) =>
          isNtpassError(e) &&
          e.code === 'STORE_UNAVAILABLE' &&
          e.message ===
            `sqliteStore: the database has schema version 1 (the unreleased 0.1.0 layout), which this @ntpass/store-sqlite (schema ${SCHEMA_VERSION}) cannot read; there is no migration: start from a new file`,
      );
    }
    const after = new Database(filename);
    try {
      assert.deepEqual(tablesOf(after), ['ntpass_commits', 'ntpass_meta', 'ntpass_partitions', 'ntpass_records']);
      assert.equal(after.prepare("SELECT value FROM ntpass_records WHERE key = 'k'").pluck().get(), '{"a":1}');
    } finally {
      after.close();
    }
  });

  it('never leaves a half-applied schema: a failing step rolls back whole, and a later open completes it', async () => {
    const filename = files.next();
    const host = new Database(filename);
    // A host object in the way of the schema's fifth table makes its creation fail midway.
    host.exec('CREATE VIEW ntpass_entries AS SELECT 1 AS x');
    host.close();
    assert.throws(
      () => sqliteStore({ filename }),
      (e: unknown) => isNtpassError(e) && e.code === 'STORE_UNAVAILABLE' && /^sqliteStore: cannot use ".*": .*ntpass_entries/.test(e.message),
    );
    const db = new Database(filename);
    assert.deepEqual(tablesOf(db), [], 'the tables created before the failing statement were rolled back');
    db.exec('DROP VIEW ntpass_entries');
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
