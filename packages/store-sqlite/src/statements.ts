import type { CounterRow, RecordRow } from '@ntpass/core';
import type { Database, Statement } from 'better-sqlite3';

/** An index entry row as stored. */
export interface EntryRow {
  readonly member: string;
  readonly sortKey: string;
  readonly value: string | null;
}

/** A record row with its key, as scanned. */
export interface KeyedRecordRow extends RecordRow {
  readonly key: string;
}

type Id = number; // partition id
type K = string; // key

/**
 * Every statement the store runs, prepared once at open: calls only bind and
 * step. Rows come back already shaped as core's `RecordRow` / `CounterRow`
 * (column aliases), so nothing is copied on the way.
 */
export interface Statements {
  readonly partitionId: Statement<[string], Id>;
  readonly insertPartition: Statement<[string]>;
  readonly deletePartition: Statement<[Id]>;
  readonly lastVersion: Statement<[], number>;
  readonly writeLastVersion: Statement<[number]>;
  readonly getRecord: Statement<[Id, K], RecordRow>;
  readonly putRecord: Statement<[Id, K, number, number | null, string]>;
  readonly deleteRecord: Statement<[Id, K]>;
  readonly getCounter: Statement<[Id, K], CounterRow>;
  readonly putCounter: Statement<[Id, K, number, number | null]>;
  readonly deleteCounter: Statement<[Id, K]>;
  readonly hasEntry: Statement<[Id, string, string], number>;
  readonly putEntry: Statement<[Id, string, string, string, string | null]>;
  readonly deleteEntry: Statement<[Id, string, string]>;
  readonly getTotal: Statement<[Id, string], number>;
  readonly putTotal: Statement<[Id, string, number]>;
  readonly deleteTotal: Statement<[Id, string]>;
  readonly listEntries: Statement<[Id, string, number, number], EntryRow>;
  readonly scan: Statement<[Id, K, K, number], KeyedRecordRow>;
  readonly dropRecords: Statement<[Id, number]>;
  readonly dropCounters: Statement<[Id, number]>;
  readonly someIndex: Statement<[Id], string>;
  readonly dropEntries: Statement<[Id, string, number]>;
  readonly anyRecord: Statement<[Id], number>;
  readonly anyCounter: Statement<[Id], number>;
  readonly anyEntry: Statement<[Id], number>;
  readonly earliestExpiry: Statement<[], number>;
  readonly sweepRecords: Statement<[number, number], Id>;
  readonly sweepCounters: Statement<[number, number], Id>;
}

export function prepareStatements(db: Database): Statements {
  const prepare = <B extends unknown[], R = unknown>(sql: string) => db.prepare<B, R>(sql);
  const scalar = <B extends unknown[], R>(sql: string) => db.prepare<B, R>(sql).pluck();
  return {
    partitionId: scalar('SELECT id FROM ntpass_partitions WHERE name = ?'),
    insertPartition: prepare('INSERT INTO ntpass_partitions (name) VALUES (?)'),
    deletePartition: prepare('DELETE FROM ntpass_partitions WHERE id = ?'),
    lastVersion: scalar("SELECT value FROM ntpass_meta WHERE name = 'last_version'"),
    writeLastVersion: prepare(
      "INSERT INTO ntpass_meta (name, value) VALUES ('last_version', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    ),
    getRecord: prepare('SELECT value, version, expires_at AS expiresAt FROM ntpass_records WHERE pid = ? AND key = ?'),
    putRecord: prepare(
      `INSERT INTO ntpass_records (pid, key, version, expires_at, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (pid, key) DO UPDATE SET version = excluded.version, expires_at = excluded.expires_at, value = excluded.value`,
    ),
    deleteRecord: prepare('DELETE FROM ntpass_records WHERE pid = ? AND key = ?'),
    getCounter: prepare('SELECT value, expires_at AS expiresAt FROM ntpass_counters WHERE pid = ? AND key = ?'),
    putCounter: prepare(
      `INSERT INTO ntpass_counters (pid, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (pid, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    deleteCounter: prepare('DELETE FROM ntpass_counters WHERE pid = ? AND key = ?'),
    hasEntry: scalar('SELECT 1 FROM ntpass_entries WHERE pid = ? AND idx = ? AND member = ?'),
    putEntry: prepare(
      `INSERT INTO ntpass_entries (pid, idx, member, sort_key, value) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (pid, idx, member) DO UPDATE SET sort_key = excluded.sort_key, value = excluded.value`,
    ),
    deleteEntry: prepare('DELETE FROM ntpass_entries WHERE pid = ? AND idx = ? AND member = ?'),
    getTotal: scalar('SELECT total FROM ntpass_totals WHERE pid = ? AND idx = ?'),
    putTotal: prepare(
      'INSERT INTO ntpass_totals (pid, idx, total) VALUES (?, ?, ?) ON CONFLICT (pid, idx) DO UPDATE SET total = excluded.total',
    ),
    deleteTotal: prepare('DELETE FROM ntpass_totals WHERE pid = ? AND idx = ?'),
    // Walks ntpass_entries_order: a range scan, never a sort.
    listEntries: prepare(
      `SELECT member, sort_key AS sortKey, value FROM ntpass_entries INDEXED BY ntpass_entries_order
       WHERE pid = ? AND idx = ? ORDER BY sort_key, member LIMIT ? OFFSET ?`,
    ),
    scan: prepare(
      `SELECT key, value, version, expires_at AS expiresAt FROM ntpass_records
       WHERE pid = ? AND key >= ? AND key > ? ORDER BY key LIMIT ?`,
    ),
    dropRecords: prepare(
      'DELETE FROM ntpass_records WHERE (pid, key) IN (SELECT pid, key FROM ntpass_records WHERE pid = ? LIMIT ?)',
    ),
    dropCounters: prepare(
      'DELETE FROM ntpass_counters WHERE (pid, key) IN (SELECT pid, key FROM ntpass_counters WHERE pid = ? LIMIT ?)',
    ),
    someIndex: scalar('SELECT idx FROM ntpass_totals WHERE pid = ? LIMIT 1'),
    dropEntries: prepare(
      `DELETE FROM ntpass_entries WHERE (pid, idx, member) IN
       (SELECT pid, idx, member FROM ntpass_entries WHERE pid = ? AND idx = ? LIMIT ?)`,
    ),
    anyRecord: scalar('SELECT 1 FROM ntpass_records WHERE pid = ? LIMIT 1'),
    anyCounter: scalar('SELECT 1 FROM ntpass_counters WHERE pid = ? LIMIT 1'),
    anyEntry: scalar('SELECT 1 FROM ntpass_entries WHERE pid = ? LIMIT 1'),
    // Two index lookups (each min() walks one edge of a partial expiry index); 2^53 when nothing expires.
    earliestExpiry: scalar(
      `SELECT min(coalesce((SELECT min(expires_at) FROM ntpass_records WHERE expires_at IS NOT NULL), 9007199254740991),
                  coalesce((SELECT min(expires_at) FROM ntpass_counters WHERE expires_at IS NOT NULL), 9007199254740991))`,
    ),
    // Reclaims rows every reader already treats as absent; bounded per call.
    sweepRecords: scalar(
      `DELETE FROM ntpass_records WHERE (pid, key) IN
       (SELECT pid, key FROM ntpass_records WHERE expires_at <= ? LIMIT ?) RETURNING pid`,
    ),
    sweepCounters: scalar(
      `DELETE FROM ntpass_counters WHERE (pid, key) IN
       (SELECT pid, key FROM ntpass_counters WHERE expires_at <= ? LIMIT ?) RETURNING pid`,
    ),
  };
}
