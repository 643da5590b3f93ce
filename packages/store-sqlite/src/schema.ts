import { NtpassError } from '@ntpass/core';
import type { Database } from 'better-sqlite3';

/*
 * The schema. Its version lives in the row `ntpass_meta.schema_version`, not
 * in `PRAGMA user_version`: a host that passes its own database often numbers
 * its own schema with user_version.
 *
 * Compact by design (a ticket is a record, an index entry, a directory record
 * and, once redeemed, a counter): a partition's name is stored once, in
 * `ntpass_partitions`, and every row names it by its integer id; the other
 * tables are WITHOUT ROWID with a primary key that starts with that id, so
 * each contract call is a primary-key lookup or a range scan of one partition.
 * Text compares with SQLite's BINARY collation, i.e. UTF-8 byte order, which
 * is the order the contract asks of `list`.
 *
 * Version 1 was 0.1.0's layout (names repeated on every row, a table of
 * applied commit ids). Nothing was released with it, so there is no migration:
 * a file at version 1 is refused with a clear error, never misread.
 */
const SCHEMA = `
  CREATE TABLE ntpass_meta (
    name  TEXT NOT NULL PRIMARY KEY,
    value NOT NULL             -- 'schema_version' (text), 'last_version' (integer)
  ) WITHOUT ROWID;

  CREATE TABLE ntpass_partitions (
    id   INTEGER PRIMARY KEY,  -- forgotten (and reusable) only once the partition holds nothing
    name TEXT NOT NULL UNIQUE
  );

  CREATE TABLE ntpass_records (
    pid        INTEGER NOT NULL,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    expires_at INTEGER,        -- epoch ms; NULL = never
    value      TEXT NOT NULL,  -- JSON object
    PRIMARY KEY (pid, key)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_records_expiry ON ntpass_records (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE ntpass_counters (
    pid        INTEGER NOT NULL,
    key        TEXT NOT NULL,
    value      INTEGER NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (pid, key)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_counters_expiry ON ntpass_counters (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE ntpass_entries (
    pid      INTEGER NOT NULL,
    idx      TEXT NOT NULL,
    member   TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    value    TEXT,             -- JSON; NULL when written without a value
    PRIMARY KEY (pid, idx, member)
  ) WITHOUT ROWID;
  CREATE INDEX ntpass_entries_order ON ntpass_entries (pid, idx, sort_key, member);

  CREATE TABLE ntpass_totals (
    pid   INTEGER NOT NULL,
    idx   TEXT NOT NULL,
    total INTEGER NOT NULL,    -- maintained in the same transaction as the entries
    PRIMARY KEY (pid, idx)
  ) WITHOUT ROWID;
`;

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = 2;

/**
 * Creates the schema in a database that has none, or checks that the one
 * there is {@link SCHEMA_VERSION}. Creation runs in one `BEGIN IMMEDIATE`
 * transaction that re-reads the version first, so several processes opening
 * one new file at once create it exactly once. Throws `STORE_UNAVAILABLE` for
 * any other version: older (0.1.0's layout) or newer than this code.
 */
export function migrate(db: Database): void {
  const current = (): number => {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'ntpass_meta'").get();
    if (hasMeta === undefined) return 0;
    const row = db.prepare<[], { value: string }>("SELECT value FROM ntpass_meta WHERE name = 'schema_version'").get();
    return Number(row?.value ?? 0);
  };
  const refuseOther = (version: number): void => {
    if (version !== 0 && version !== SCHEMA_VERSION) throw otherSchema(version);
  };
  // Reading first keeps an up-to-date file (even a read-only one) from taking the write lock.
  const found = current();
  refuseOther(found);
  if (found === SCHEMA_VERSION) return;
  db.transaction(() => {
    const version = current();
    refuseOther(version);
    if (version === SCHEMA_VERSION) return;
    db.exec(SCHEMA);
    db.prepare<[string]>("INSERT INTO ntpass_meta (name, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  }).immediate();
}

function otherSchema(version: number): NtpassError {
  return new NtpassError(
    'STORE_UNAVAILABLE',
    version > SCHEMA_VERSION
      ? `sqliteStore: the database has schema version ${version}, newer than the ${SCHEMA_VERSION} this @ntpass/store-sqlite understands; upgrade the package`
      : `sqliteStore: the database has schema version ${version} (the unreleased 0.1.0 layout), which this @ntpass/store-sqlite (schema ${SCHEMA_VERSION}) cannot read; there is no migration: start from a new file`,
  );
}
