import type { Database, Statement } from 'better-sqlite3';

/** A record row as stored. */
export interface RecordRow {
  readonly value: string;
  readonly version: number;
  readonly expires_at: number | null;
}

/** A counter row as stored. */
export interface CounterRow {
  readonly value: number;
  readonly expires_at: number | null;
}

/** An index entry row as stored. */
export interface EntryRow {
  readonly member: string;
  readonly sort_key: string;
  readonly value: string;
}

/** A record row with its key, as scanned. */
export interface KeyedRecordRow extends RecordRow {
  readonly key: string;
}

type P = string; // partition
type K = string; // key

/**
 * Every statement the store runs, prepared once at open: the hot paths only
 * bind and step. Liveness (`expires_at > now`) is judged in SQL so an expired
 * row reads exactly like an absent one.
 */
export interface Statements {
  readonly getRecord: Statement<[P, K, number], RecordRow>;
  readonly putRecord: Statement<[P, K, string, number, number | null]>;
  readonly patchRecord: Statement<[string, number, P, K]>;
  readonly deleteRecord: Statement<[P, K]>;
  readonly getCounter: Statement<[P, K, number], CounterRow>;
  readonly putCounter: Statement<[P, K, number, number | null]>;
  readonly deleteCounter: Statement<[P, K]>;
  readonly getSeq: Statement<[P], number>;
  readonly putSeq: Statement<[P, number]>;
  readonly getEntrySortKey: Statement<[P, string, string], string>;
  readonly insertEntry: Statement<[P, string, string, string, string]>;
  readonly updateEntry: Statement<[string, string, P, string, string]>;
  readonly deleteEntry: Statement<[P, string, string]>;
  readonly addToTotal: Statement<[P, string, number]>;
  readonly dropEmptyTotal: Statement<[P, string]>;
  readonly deleteTotal: Statement<[P, string]>;
  readonly getTotal: Statement<[P, string], number>;
  readonly listEntries: Statement<[P, string, number, number], EntryRow>;
  readonly getApplied: Statement<[P, string], { result: string; applied_at: number }>;
  readonly putApplied: Statement<[P, string, string, number]>;
  readonly scanFrom: Statement<[P, K, number, number], KeyedRecordRow>;
  readonly scanAfter: Statement<[P, K, number, number], KeyedRecordRow>;
  readonly dropRecords: Statement<[P, number]>;
  readonly dropCounters: Statement<[P, number]>;
  readonly dropCommits: Statement<[P, number]>;
  readonly someIndex: Statement<[P], string>;
  readonly dropEntries: Statement<[P, string, number]>;
  readonly anyRecord: Statement<[P], number>;
  readonly anyCounter: Statement<[P], number>;
  readonly anyEntry: Statement<[P], number>;
  readonly anyCommit: Statement<[P], number>;
  readonly dropSeq: Statement<[P]>;
  readonly sweepRecords: Statement<[number, number]>;
  readonly sweepCounters: Statement<[number, number]>;
  readonly sweepCommits: Statement<[number, number]>;
}

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

export function prepareStatements(db: Database): Statements {
  const prepare = <B extends unknown[], R = unknown>(sql: string) => db.prepare<B, R>(sql);
  const scalar = <B extends unknown[], R>(sql: string) => db.prepare<B, R>(sql).pluck();
  return {
    getRecord: prepare(`SELECT value, version, expires_at FROM ntpass_records WHERE partition = ? AND key = ? AND ${LIVE}`),
    putRecord: prepare(
      `INSERT INTO ntpass_records (partition, key, value, version, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (partition, key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at`,
    ),
    patchRecord: prepare('UPDATE ntpass_records SET value = ?, version = ? WHERE partition = ? AND key = ?'),
    deleteRecord: prepare('DELETE FROM ntpass_records WHERE partition = ? AND key = ?'),
    getCounter: prepare(`SELECT value, expires_at FROM ntpass_counters WHERE partition = ? AND key = ? AND ${LIVE}`),
    putCounter: prepare(
      `INSERT INTO ntpass_counters (partition, key, value, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (partition, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    deleteCounter: prepare('DELETE FROM ntpass_counters WHERE partition = ? AND key = ?'),
    getSeq: scalar('SELECT seq FROM ntpass_partitions WHERE partition = ?'),
    putSeq: prepare(
      'INSERT INTO ntpass_partitions (partition, seq) VALUES (?, ?) ON CONFLICT (partition) DO UPDATE SET seq = excluded.seq',
    ),
    getEntrySortKey: scalar('SELECT sort_key FROM ntpass_index_entries WHERE partition = ? AND index_name = ? AND member = ?'),
    insertEntry: prepare(
      'INSERT INTO ntpass_index_entries (partition, index_name, member, sort_key, value) VALUES (?, ?, ?, ?, ?)',
    ),
    updateEntry: prepare(
      'UPDATE ntpass_index_entries SET sort_key = ?, value = ? WHERE partition = ? AND index_name = ? AND member = ?',
    ),
    deleteEntry: prepare('DELETE FROM ntpass_index_entries WHERE partition = ? AND index_name = ? AND member = ?'),
    addToTotal: prepare(
      `INSERT INTO ntpass_index_totals (partition, index_name, total) VALUES (?, ?, ?)
       ON CONFLICT (partition, index_name) DO UPDATE SET total = total + excluded.total`,
    ),
    dropEmptyTotal: prepare('DELETE FROM ntpass_index_totals WHERE partition = ? AND index_name = ? AND total <= 0'),
    deleteTotal: prepare('DELETE FROM ntpass_index_totals WHERE partition = ? AND index_name = ?'),
    getTotal: scalar('SELECT total FROM ntpass_index_totals WHERE partition = ? AND index_name = ?'),
    // Walks ntpass_index_entries_order: a range scan, never a sort.
    listEntries: prepare(
      `SELECT member, sort_key, value FROM ntpass_index_entries INDEXED BY ntpass_index_entries_order
       WHERE partition = ? AND index_name = ? ORDER BY sort_key, member LIMIT ? OFFSET ?`,
    ),
    getApplied: prepare('SELECT result, applied_at FROM ntpass_commits WHERE partition = ? AND commit_id = ?'),
    putApplied: prepare(
      `INSERT INTO ntpass_commits (partition, commit_id, result, applied_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (partition, commit_id) DO UPDATE SET result = excluded.result, applied_at = excluded.applied_at`,
    ),
    scanFrom: prepare(
      `SELECT key, value, version, expires_at FROM ntpass_records
       WHERE partition = ? AND key >= ? AND ${LIVE} ORDER BY key LIMIT ?`,
    ),
    scanAfter: prepare(
      `SELECT key, value, version, expires_at FROM ntpass_records
       WHERE partition = ? AND key > ? AND ${LIVE} ORDER BY key LIMIT ?`,
    ),
    dropRecords: prepare(
      'DELETE FROM ntpass_records WHERE (partition, key) IN (SELECT partition, key FROM ntpass_records WHERE partition = ? LIMIT ?)',
    ),
    dropCounters: prepare(
      'DELETE FROM ntpass_counters WHERE (partition, key) IN (SELECT partition, key FROM ntpass_counters WHERE partition = ? LIMIT ?)',
    ),
    dropCommits: prepare(
      `DELETE FROM ntpass_commits WHERE (partition, commit_id) IN
       (SELECT partition, commit_id FROM ntpass_commits WHERE partition = ? LIMIT ?)`,
    ),
    someIndex: scalar('SELECT index_name FROM ntpass_index_totals WHERE partition = ? LIMIT 1'),
    dropEntries: prepare(
      `DELETE FROM ntpass_index_entries WHERE (partition, index_name, member) IN
       (SELECT partition, index_name, member FROM ntpass_index_entries WHERE partition = ? AND index_name = ? LIMIT ?)`,
    ),
    anyRecord: scalar('SELECT 1 FROM ntpass_records WHERE partition = ? LIMIT 1'),
    anyCounter: scalar('SELECT 1 FROM ntpass_counters WHERE partition = ? LIMIT 1'),
    anyEntry: scalar('SELECT 1 FROM ntpass_index_entries WHERE partition = ? LIMIT 1'),
    anyCommit: scalar('SELECT 1 FROM ntpass_commits WHERE partition = ? LIMIT 1'),
    dropSeq: prepare('DELETE FROM ntpass_partitions WHERE partition = ?'),
    // Reclaims rows every reader already treats as absent; bounded per call.
    sweepRecords: prepare(
      `DELETE FROM ntpass_records WHERE (partition, key) IN
       (SELECT partition, key FROM ntpass_records WHERE expires_at <= ? LIMIT ?)`,
    ),
    sweepCounters: prepare(
      `DELETE FROM ntpass_counters WHERE (partition, key) IN
       (SELECT partition, key FROM ntpass_counters WHERE expires_at <= ? LIMIT ?)`,
    ),
    sweepCommits: prepare(
      `DELETE FROM ntpass_commits WHERE (partition, commit_id) IN
       (SELECT partition, commit_id FROM ntpass_commits WHERE applied_at <= ? LIMIT ?)`,
    ),
  };
}
