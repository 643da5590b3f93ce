import {
  checkCommitRequest,
  checkCommitValues,
  checkDropRequest,
  checkListRequest,
  checkReadRequest,
  checkScanRequest,
} from '../store-request-checks.js';
import {
  StoreRequestError,
  type Commit,
  type CommitResult,
  type DropRequest,
  type Fields,
  type ListRequest,
  type ListResult,
  type ReadRequest,
  type ReadResult,
  type ScanRequest,
  type ScanResult,
  type Store,
  type StoredRecord,
} from '../store.js';
import { applyCommit } from './apply-commit.js';
import { commitGroups } from './group-commits.js';
import type { RecordRow, RowDriver } from './row-driver.js';

/** Options of {@link defineStore}. */
export interface DefineStoreOptions {
  /**
   * Names the store in the error a call on a closed store throws.
   * @default 'store'
   */
  readonly name?: string;
  /**
   * Group commit: up to this many commits started in the same turn share one
   * write unit (see `group-commits.ts`); for a driver whose unit costs far
   * more than a commit's own work (a SQL transaction). 1 runs each commit in
   * its own unit as soon as it is called.
   * @default 1
   */
  readonly groupCommits?: number;
}

/**
 * A complete {@link Store} over a synchronous {@link RowDriver}: every request
 * is checked (a malformed one throws `StoreRequestError` before the driver
 * sees it), each call runs as one driver unit, and the contract's semantics
 * (expiry by `now`, checks, bounds, versions, staging, totals, paging) are
 * core's. Each method runs to completion inside the call and returns a
 * settled promise, so concurrent async callers see every call as atomic.
 * `commitBatch` is one write unit (one transaction) for all its commits.
 * With `groupCommits`, a commit instead waits for the end of the turn and
 * shares one write unit with the commits started alongside it; any other
 * call first applies the queued commits, so calls still take effect in the
 * order they were made.
 *
 * After each commit, batch and drop, the driver's `reclaim` is called with
 * the earlier of the call's `now` and the wall clock, so a test clock set in
 * the future never sees live state reclaimed.
 */
export function defineStore<P>(d: RowDriver<P>, options: DefineStoreOptions = {}): Store {
  const maxOps = d.maxOpsPerCommit;
  const name = options.name ?? 'store';
  let closed = false;

  const checkCommit = (c: Commit): void => {
    checkCommitRequest(c, maxOps);
    checkCommitValues(c);
  };
  const reclaim = (now: number): void => {
    try {
      d.reclaim(Math.min(now, Date.now()));
    } catch {
      // Best effort: the call it follows has succeeded, and the next one retries.
    }
  };

  const read = (r: ReadRequest): ReadResult =>
    d.atomic('read', () => {
      const p = d.partition(r.partition, false);
      const keys = r.records ?? [];
      const names = r.counters ?? [];
      const records: (StoredRecord | null)[] = new Array<StoredRecord | null>(keys.length);
      const counters: number[] = new Array<number>(names.length);
      for (let i = 0; i < keys.length; i++) {
        const row = p === undefined ? undefined : d.record(p, keys[i]!);
        records[i] = row !== undefined && live(row.expiresAt, r.now) ? stored(row) : null;
      }
      for (let i = 0; i < names.length; i++) {
        const row = p === undefined ? undefined : d.counter(p, names[i]!);
        counters[i] = row !== undefined && live(row.expiresAt, r.now) ? row.value : 0;
      }
      return { records, counters };
    });

  const groupSize = options.groupCommits ?? 1;
  const groups = groupSize > 1 ? commitGroups(d, groupSize, maxOps, reclaim) : undefined;
  // Every other call first applies the commits queued before it, so calls take effect in call order.
  const inOrder =
    <A, R>(fn: (arg: A) => R) =>
    (arg: A): R => {
      groups?.flush();
      return fn(arg);
    };

  const commit = (c: Commit): CommitResult => {
    checkCommit(c);
    const result = d.atomic('write', () => applyCommit(d, c));
    reclaim(c.now);
    return result;
  };

  const commitBatch = (commits: readonly Commit[]): CommitResult[] => {
    if (!Array.isArray(commits)) throw new StoreRequestError('commitBatch: commits must be an array');
    if (commits.length === 0) return [];
    let now = Infinity;
    for (const c of commits) {
      checkCommit(c);
      if (c.now < now) now = c.now;
    }
    const results = d.atomic('write', () => commits.map((c) => applyCommit(d, c)));
    reclaim(now);
    return results;
  };

  const list = (r: ListRequest): ListResult =>
    d.atomic('read', () => {
      const p = d.partition(r.partition, false);
      if (p === undefined) return { items: [], total: 0 };
      return { items: d.entries(p, r.index, r.offset, r.count), total: d.total(p, r.index) };
    });

  const scan = (r: ScanRequest): ScanResult =>
    d.atomic('read', () => {
      const p = d.partition(r.partition, false);
      if (p === undefined) return { records: [], cursor: null };
      const prefix = r.prefix ?? '';
      const rows = d.records(p, prefix, r.cursor, r.limit);
      const records: { key: string; record: StoredRecord }[] = [];
      for (const { key, row } of rows) {
        // Keys with the prefix are contiguous in byte order: the first without it ends the scan.
        if (!key.startsWith(prefix)) return { records, cursor: null };
        if (live(row.expiresAt, r.now)) records.push({ key, record: stored(row) });
      }
      // The cursor is the last key looked at, returned or expired.
      return { records, cursor: rows.length < r.limit ? null : rows[rows.length - 1]!.key };
    });

  const dropPartition = (r: DropRequest): { done: boolean } => {
    const result = d.atomic('write', () => {
      const p = d.partition(r.partition, false);
      if (p === undefined) return { done: true };
      d.dropItems(p, r.limit);
      return { done: d.forgetIfEmpty(p) };
    });
    reclaim(Date.now());
    return result;
  };

  // One argument, no rest/spread: these wrap every call of the store.
  const async =
    <A, R>(fn: (arg: A) => R) =>
    (arg: A): Promise<R> => {
      try {
        if (closed) throw new Error(`${name}: the store is closed`);
        return Promise.resolve(fn(arg));
      } catch (e) {
        return Promise.reject(e);
      }
    };

  return {
    limits: { maxOpsPerCommit: maxOps },
    read: async(
      inOrder((r: ReadRequest) => {
        checkReadRequest(r);
        return read(r);
      }),
    ),
    commit:
      groups === undefined
        ? async(commit)
        : (c: Commit): Promise<CommitResult> => {
            try {
              if (closed) throw new Error(`${name}: the store is closed`);
              checkCommit(c);
            } catch (e) {
              return Promise.reject(e);
            }
            return groups.commit(c);
          },
    commitBatch: async(inOrder(commitBatch)),
    list: async(
      inOrder((r: ListRequest) => {
        checkListRequest(r);
        return list(r);
      }),
    ),
    scan: async(
      inOrder((r: ScanRequest) => {
        checkScanRequest(r);
        return scan(r);
      }),
    ),
    dropPartition: async(
      inOrder((r: DropRequest) => {
        checkDropRequest(r);
        return dropPartition(r);
      }),
    ),
    close: (): Promise<void> => {
      if (!closed) {
        // Commits already accepted are applied (and settled) before the driver closes.
        groups?.flush();
        closed = true;
        d.close();
      }
      return Promise.resolve();
    },
  };
}

const live = (expiresAt: number | null, now: number): boolean => expiresAt === null || expiresAt > now;

function stored(row: RecordRow): StoredRecord {
  const value = typeof row.value === 'string' ? (JSON.parse(row.value) as Fields) : row.value;
  return row.expiresAt === null ? { value, version: row.version } : { value, version: row.version, expiresAt: row.expiresAt };
}
