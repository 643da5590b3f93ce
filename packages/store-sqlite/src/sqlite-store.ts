import {
  COMMIT_ID_RETENTION_MS,
  StoreRequestError,
  checkCommitRequest,
  checkDropRequest,
  checkListRequest,
  checkReadRequest,
  checkScanRequest,
  type Commit,
  type DropRequest,
  type Fields,
  type Json,
  type ListRequest,
  type ListResult,
  type ReadRequest,
  type ReadResult,
  type ScanRequest,
  type ScanResult,
  type Store,
  type StoredRecord,
} from '@ntpass/core';
import { createCommitter } from './apply-commit.js';
import { checkCommitValues } from './json.js';
import { openDatabase } from './open-database.js';
import type { SqliteStoreOptions, SqliteStoreTarget } from './options.js';
import type { RecordRow } from './statements.js';

/** Expired rows and stale commit ids are reclaimed after every this many commits... */
const SWEEP_EVERY_COMMITS = 256;
/**
 * ...at most this many rows per table per commit since the last sweep: more
 * than a commit can add (one commit id), so the sweep always outpaces growth,
 * yet bounded, so it never stalls writers for long.
 */
const SWEEP_ROWS_PER_COMMIT = 4;

/**
 * A {@link Store} in one SQLite file, shared safely by any number of
 * connections and processes: every commit is one `BEGIN IMMEDIATE`
 * transaction, every read one deferred (snapshot) transaction. Opening
 * creates or migrates the schema; it throws `NtpassError` (`INVALID_ARGUMENT`
 * or `STORE_UNAVAILABLE`) if the target cannot be used.
 *
 * ```ts
 * const store = sqliteStore({ filename: 'ntpass.db' });
 * ```
 */
export function sqliteStore(target: SqliteStoreTarget, options: SqliteStoreOptions = {}): Store {
  const { db, owned, options: resolved, statements: st } = openDatabase(target, options);
  const { maxOpsPerCommit } = resolved;
  const committer = createCommitter(db, st);
  // Everything is checked before a transaction opens: a malformed request never takes the write lock.
  const checkCommit = (c: Commit): void => {
    checkCommitRequest(c, maxOpsPerCommit);
    checkCommitValues(c);
  };
  let closed = false;

  // Reclaims what every reader already treats as absent. The horizon is the
  // earlier of the engine's clock and the wall clock, so a test clock set in
  // the past never sees its live rows (or commit ids) swept away.
  let commitsSinceSweep = 0;
  const sweep = db.transaction((horizon: number, limit: number) => {
    st.sweepRecords.run(horizon, limit);
    st.sweepCounters.run(horizon, limit);
    st.sweepCommits.run(horizon - COMMIT_ID_RETENTION_MS, limit);
  });
  const countCommits = (n: number, now: number): void => {
    commitsSinceSweep += n;
    if (commitsSinceSweep < SWEEP_EVERY_COMMITS) return;
    const limit = commitsSinceSweep * SWEEP_ROWS_PER_COMMIT;
    commitsSinceSweep = 0;
    try {
      sweep.immediate(Math.min(now, Date.now()), limit);
    } catch {
      // Best effort: the commits it follows have succeeded, and the next sweep retries.
    }
  };

  const read = db.transaction((r: ReadRequest): ReadResult => ({
    records: (r.records ?? []).map((key) => {
      const row = st.getRecord.get(r.partition, key, r.now);
      return row ? toStoredRecord(row) : null;
    }),
    counters: (r.counters ?? []).map((key) => st.getCounter.get(r.partition, key, r.now)?.value ?? 0),
  }));

  const list = db.transaction(
    (r: ListRequest): ListResult => ({
      items: st.listEntries.all(r.partition, r.index, r.count, r.offset).map((row) => ({
        member: row.member,
        sortKey: row.sort_key,
        value: JSON.parse(row.value) as Json,
      })),
      total: st.getTotal.get(r.partition, r.index) ?? 0,
    }),
  );

  const scan = (r: ScanRequest): ScanResult => {
    const prefix = r.prefix ?? '';
    // Resume after the cursor (the last key returned) unless it sorts before the prefix.
    const resume = r.cursor !== undefined && Buffer.compare(Buffer.from(r.cursor), Buffer.from(prefix)) >= 0;
    const rows = resume
      ? st.scanAfter.all(r.partition, r.cursor as string, r.now, r.limit)
      : st.scanFrom.all(r.partition, prefix, r.now, r.limit);
    const records: ScanResult['records'][number][] = [];
    for (const row of rows) {
      // Keys with the prefix are contiguous in byte order: the first without it ends the scan.
      if (!row.key.startsWith(prefix)) return { records, cursor: null };
      records.push({ key: row.key, record: toStoredRecord(row) });
    }
    return { records, cursor: rows.length < r.limit ? null : (records[records.length - 1]?.key ?? null) };
  };

  const dropPartition = db.transaction(({ partition, limit }: DropRequest): { done: boolean } => {
    let budget = limit;
    budget -= st.dropRecords.run(partition, budget).changes;
    if (budget > 0) budget -= st.dropCounters.run(partition, budget).changes;
    while (budget > 0) {
      const index = st.someIndex.get(partition);
      if (index === undefined) break;
      const dropped = st.dropEntries.run(partition, index, budget).changes;
      // Fewer than asked: the index is now empty, whatever its total said.
      if (dropped < budget) st.deleteTotal.run(partition, index);
      else st.addToTotal.run(partition, index, -dropped);
      budget -= dropped;
    }
    if (budget > 0) budget -= st.dropCommits.run(partition, budget).changes;
    const done =
      st.anyRecord.get(partition) === undefined &&
      st.anyCounter.get(partition) === undefined &&
      st.someIndex.get(partition) === undefined &&
      st.anyEntry.get(partition) === undefined &&
      st.anyCommit.get(partition) === undefined;
    // The engine never reuses a dropped partition's name, so its version sequence can go too.
    if (done) st.dropSeq.run(partition);
    return { done };
  });

  // better-sqlite3 is synchronous: each method runs to completion inside the
  // call and hands back a settled promise, errors (SQLITE_BUSY, SQLITE_FULL,
  // a closed store) included as rejections.
  const async =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): Promise<R> => {
      try {
        if (closed) throw new Error('sqliteStore: the store is closed');
        return Promise.resolve(fn(...args));
      } catch (e) {
        return Promise.reject(e);
      }
    };

  return {
    limits: { maxOpsPerCommit },
    read: async((r: ReadRequest) => {
      checkReadRequest(r);
      return read.deferred(r);
    }),
    commit: async((c: Commit) => {
      checkCommit(c);
      const result = committer.commit(c);
      countCommits(1, c.now);
      return result;
    }),
    commitBatch: async((commits: readonly Commit[]) => {
      if (!Array.isArray(commits)) throw new StoreRequestError('commitBatch: commits must be an array');
      commits.forEach(checkCommit);
      if (commits.length === 0) return [];
      const results = committer.commitBatch(commits);
      countCommits(commits.length, commits.reduce((min, c) => Math.min(min, c.now), Infinity));
      return results;
    }),
    list: async((r: ListRequest) => {
      checkListRequest(r);
      return list.deferred(r);
    }),
    scan: async((r: ScanRequest) => {
      checkScanRequest(r);
      return scan(r);
    }),
    dropPartition: async((r: DropRequest) => {
      checkDropRequest(r);
      return dropPartition.immediate(r);
    }),
    close: () => {
      if (!closed) {
        closed = true;
        if (owned) db.close();
      }
      return Promise.resolve();
    },
  };
}

function toStoredRecord(row: RecordRow): StoredRecord {
  const value = JSON.parse(row.value) as Fields;
  return row.expires_at === null
    ? { value, version: row.version }
    : { value, version: row.version, expiresAt: row.expires_at };
}
