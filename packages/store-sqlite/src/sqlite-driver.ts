import type { Json, RowDriver } from '@ntpass/core';
import type { Database } from 'better-sqlite3';
import { fetchRows } from './fetch-rows.js';
import type { Statements } from './statements.js';

/** A sweep runs after this many write calls of this connection... */
const SWEEP_EVERY_CALLS = 16;
/** ...deleting at most this many expired rows per table; a full sweep runs again on the next call. */
const SWEEP_ROWS = 4096;

/**
 * The SQLite row driver: each write unit is one `BEGIN IMMEDIATE`
 * transaction, so the write lock is taken before the first read and the
 * checks, bounds and writes of concurrent commits from any process serialize.
 * (A deferred transaction that reads and then writes fails with SQLITE_BUSY
 * across processes whatever the busy timeout, because its snapshot went
 * stale.) Each read unit is one deferred transaction: one snapshot.
 * Partitions are integer ids interned in `ntpass_partitions`; the version
 * sequence is one row for the whole file, so it survives a forgotten partition.
 */
export function sqliteDriver(db: Database, st: Statements, maxOpsPerCommit: number, owned: boolean): RowDriver<number> {
  const write = db.transaction((fn: () => unknown) => fn());
  const read = db.transaction((fn: () => unknown) => fn());

  const forgetIfEmpty = (pid: number): boolean => {
    if (st.anyRecord.get(pid) !== undefined || st.anyCounter.get(pid) !== undefined || st.anyEntry.get(pid) !== undefined) return false;
    // No entries means no totals worth keeping either.
    while (true) {
      const index = st.someIndex.get(pid);
      if (index === undefined) break;
      st.deleteTotal.run(pid, index);
    }
    st.deletePartition.run(pid);
    return true;
  };

  let callsSinceSweep = 0;
  let more = false;
  const sweep = db.transaction((horizon: number): boolean => {
    const records = st.sweepRecords.all(horizon, SWEEP_ROWS);
    const counters = st.sweepCounters.all(horizon, SWEEP_ROWS);
    for (const pid of new Set([...records, ...counters])) forgetIfEmpty(pid);
    return records.length === SWEEP_ROWS || counters.length === SWEEP_ROWS;
  });

  return {
    maxOpsPerCommit,
    atomic: <R>(kind: 'read' | 'write', fn: () => R): R => (kind === 'write' ? write.immediate(fn) : read.deferred(fn)) as R,
    partition(name, create) {
      const id = st.partitionId.get(name);
      if (id !== undefined || !create) return id;
      return Number(st.insertPartition.run(name).lastInsertRowid);
    },
    rows: fetchRows(db),
    record: (pid, key) => st.getRecord.get(pid, key),
    counter: (pid, key) => st.getCounter.get(pid, key),
    hasEntry: (pid, index, member) => st.hasEntry.get(pid, index, member) !== undefined,
    total: (pid, index) => st.getTotal.get(pid, index) ?? 0,
    lastVersion: () => st.lastVersion.get() ?? 0,
    writeRecord(pid, key, row) {
      if (row === null) st.deleteRecord.run(pid, key);
      else st.putRecord.run(pid, key, row.version, row.expiresAt, typeof row.value === 'string' ? row.value : JSON.stringify(row.value));
    },
    writeCounter(pid, key, row) {
      if (row === null) st.deleteCounter.run(pid, key);
      else st.putCounter.run(pid, key, row.value, row.expiresAt);
    },
    writeEntry(pid, index, member, entry) {
      if (entry === null) st.deleteEntry.run(pid, index, member);
      else st.putEntry.run(pid, index, member, entry.sortKey, entry.value === null ? null : JSON.stringify(entry.value));
    },
    writeTotal(pid, index, total) {
      if (total === 0) st.deleteTotal.run(pid, index);
      else st.putTotal.run(pid, index, total);
    },
    writeLastVersion: (_pid, version) => {
      st.writeLastVersion.run(version);
    },
    entries: (pid, index, offset, count) =>
      st.listEntries.all(pid, index, count, offset).map((row) => ({
        member: row.member,
        sortKey: row.sortKey,
        value: row.value === null ? null : (JSON.parse(row.value) as Json),
      })),
    records: (pid, prefix, after, limit) => st.scan.all(pid, prefix, after ?? '', limit).map((row) => ({ key: row.key, row })),
    dropItems(pid, limit) {
      let budget = limit;
      budget -= st.dropRecords.run(pid, budget).changes;
      if (budget > 0) budget -= st.dropCounters.run(pid, budget).changes;
      while (budget > 0) {
        const index = st.someIndex.get(pid);
        if (index === undefined) break;
        const dropped = st.dropEntries.run(pid, index, budget).changes;
        // Fewer than asked: the index is now empty, whatever its total said.
        if (dropped < budget) st.deleteTotal.run(pid, index);
        else st.putTotal.run(pid, index, (st.getTotal.get(pid, index) ?? 0) - dropped);
        budget -= dropped;
      }
      return limit - budget;
    },
    forgetIfEmpty,
    reclaim(horizon) {
      callsSinceSweep += 1;
      if (!more && callsSinceSweep < SWEEP_EVERY_CALLS) return;
      callsSinceSweep = 0;
      // Most sweeps find nothing: a read of the earliest expiry costs a fraction of the write transaction.
      if (!more && st.earliestExpiry.get()! > horizon) return;
      more = false;
      more = sweep.immediate(horizon);
    },
    close() {
      if (owned) db.close();
    },
  };
}
