import { NtpassError } from '@ntpass/core';
import type { Database } from 'better-sqlite3';

/*
 * The schema and its forward migrations. The version lives in the row
 * `ntpass_meta.schema_version`, not in `PRAGMA user_version`: a host that
 * passes its own database often numbers its own schema with user_version.
 *
 * Every table is WITHOUT ROWID with a primary key that starts with
 * `partition`, so each contract call is a primary-key lookup or a range scan
 * of one partition. Text compares with SQLite's BINARY collation, i.e. UTF-8
 * byte order, which is the order the contract asks of `list`.
 */

/** Migration n (1-based) brings the schema from version n-1 to n. Append only; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE ntpass_meta (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE ntpass_partitions (
    partition TEXT NOT NULL PRIMARY KEY,
    seq       INTEGER NOT NULL -- last record version handed out in this partition
  ) WITHOUT ROWID;

  CREATE TABLE ntpass_records (
    partition  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,  -- JSON object
    version    INTEGER NOT NULL,
    expires_at INTEGER,        -- epoch ms; NULL = never
    PRIMARY KEY (partition, key)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_records_expiry ON ntpass_records (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE ntpass_counters (
    partition  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (partition, key)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_counters_expiry ON ntpass_counters (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE ntpass_index_entries (
    partition  TEXT NOT NULL,
    index_name TEXT NOT NULL,
    member     TEXT NOT NULL,
    sort_key   TEXT NOT NULL,
    value      TEXT NOT NULL,  -- JSON; 'null' when written without a value
    PRIMARY KEY (partition, index_name, member)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_index_entries_order ON ntpass_index_entries (partition, index_name, sort_key, member);

  CREATE TABLE ntpass_index_totals (
    partition  TEXT NOT NULL,
    index_name TEXT NOT NULL,
    total      INTEGER NOT NULL, -- maintained in the same transaction as the entries
    PRIMARY KEY (partition, index_name)
  ) WITHOUT ROWID;

  CREATE TABLE ntpass_commits (
    partition  TEXT NOT NULL,
    commit_id  TEXT NOT NULL,
    result     TEXT NOT NULL,    -- the first CommitApplied, as JSON
    applied_at INTEGER NOT NULL, -- the commit's now
    PRIMARY KEY (partition, commit_id)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_commits_applied_at ON ntpass_commits (applied_at);
  `,
];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema up to {@link SCHEMA_VERSION}. Each migration runs in its
 * own `BEGIN IMMEDIATE` transaction that re-reads the version first, so
 * several processes opening one new file at once apply each step exactly once,
 * and a failing step leaves the file at the previous version. Throws
 * `STORE_UNAVAILABLE` for a schema newer than this code.
 */
export function migrate(db: Database): void {
  const current = (): number => {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'ntpass_meta'").get();
    if (hasMeta === undefined) return 0;
    const row = db.prepare<[], { value: string }>("SELECT value FROM ntpass_meta WHERE name = 'schema_version'").get();
    return Number(row?.value ?? 0);
  };
  const step = db.transaction((): boolean => {
    const version = current();
    if (version > SCHEMA_VERSION) throw newerSchema(version);
    if (version === SCHEMA_VERSION) return false;
    db.exec(MIGRATIONS[version] as string);
    db.prepare<[string]>(
      "INSERT INTO ntpass_meta (name, value) VALUES ('schema_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    ).run(String(version + 1));
    return true;
  });
  // Reading first keeps an up-to-date file (even a read-only one) from taking the write lock.
  const found = current();
  if (found > SCHEMA_VERSION) throw newerSchema(found);
  if (found === SCHEMA_VERSION) return;
  while (step.immediate()) {
    // one migration per transaction, until up to date
  }
}

function newerSchema(version: number): NtpassError {
  return new NtpassError(
    'STORE_UNAVAILABLE',
    `sqliteStore: the database has schema version ${version}, newer than the ${SCHEMA_VERSION} this @ntpass/store-sqlite understands; upgrade the package`,
  );
}
