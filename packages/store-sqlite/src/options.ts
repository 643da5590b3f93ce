import { NtpassError } from '@ntpass/core';
import type { Database } from 'better-sqlite3';

/** Where the store keeps its data: a file it opens and owns, or the host's open connection. */
export type SqliteStoreTarget =
  | {
      /**
       * Path of the database file, created if absent (its directory must
       * exist). The store opens it, sets WAL, `busy_timeout`,
       * `synchronous` and `cache_size`, and closes it in `close()`.
       */
      readonly filename: string;
    }
  | {
      /**
       * An open better-sqlite3 connection owned by the host. The store creates
       * its `ntpass_*` tables in it, changes a connection setting only when the
       * matching option is given, and never closes it.
       */
      readonly database: Database;
    };

/** How `PRAGMA synchronous` trades durability for speed; see the README. */
export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Most checks + ops in one commit (at least 64). The engine splits bulk
   * work into commits of this size; each holds the write lock while it runs.
   * @default 10000
   */
  readonly maxOpsPerCommit?: number;
  /**
   * How long a call waits for another connection's write lock before failing
   * with SQLITE_BUSY (the engine reports STORE_UNAVAILABLE), in milliseconds.
   * With `{ database }` it is applied only when given.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
  /**
   * `PRAGMA synchronous`. In WAL mode, `NORMAL` loses no committed change when
   * a process dies, but the last commits before a power loss or OS crash may
   * roll back; `FULL` survives those too at the cost of an fsync per commit.
   * With `{ database }` it is applied only when given.
   * @default 'NORMAL'
   */
  readonly synchronous?: SqliteSynchronous;
  /**
   * Group commit: at most this many `commit` calls started in the same turn
   * of the event loop share one transaction (each still applied or refused on
   * its own); 1 gives every commit its own transaction. See the README.
   * @default 128
   */
  readonly groupCommits?: number;
  /**
   * SQLite's page cache for this connection (`PRAGMA cache_size`), in MiB.
   * better-sqlite3 builds SQLite with 16 MiB: a file of a million tickets
   * (~200 MB) then reads many B-tree pages of a redemption back from the OS.
   * Memory is taken only as pages are read. With `{ database }` it is
   * applied only when given.
   * @default 64
   */
  readonly cacheSizeMiB?: number;
}

/** Options after validation, with defaults filled in for a file the store owns. */
export interface ResolvedOptions {
  readonly maxOpsPerCommit: number;
  readonly busyTimeoutMs: number | undefined;
  readonly synchronous: SqliteSynchronous | undefined;
  readonly groupCommits: number;
  readonly cacheSizeMiB: number | undefined;
}

/** `sqliteStore: <field> <problem>`, as INVALID_ARGUMENT naming the field. */
export function invalidArgument(field: string, problem: string): NtpassError {
  return new NtpassError('INVALID_ARGUMENT', `sqliteStore: ${field} ${problem}`, { field });
}

const SYNCHRONOUS: readonly SqliteSynchronous[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];
const OPTION_NAMES = new Set(['maxOpsPerCommit', 'busyTimeoutMs', 'synchronous', 'groupCommits', 'cacheSizeMiB']);

/** Validates the options, naming the first bad one; `owned` fills in the defaults that only apply to a file the store opened. */
export function resolveOptions(options: SqliteStoreOptions, owned: boolean): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'must be an object');
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw invalidArgument(name, 'is not a known option');
  }
  const { maxOpsPerCommit = 10_000, busyTimeoutMs, synchronous, groupCommits = 128, cacheSizeMiB } = options;
  if (!Number.isSafeInteger(maxOpsPerCommit) || maxOpsPerCommit < 64) {
    throw invalidArgument('maxOpsPerCommit', 'must be an integer >= 64');
  }
  if (busyTimeoutMs !== undefined && (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 2 ** 31 - 1)) {
    throw invalidArgument('busyTimeoutMs', 'must be an integer from 0 to 2147483647');
  }
  if (synchronous !== undefined && !SYNCHRONOUS.includes(synchronous)) {
    throw invalidArgument('synchronous', `must be one of ${SYNCHRONOUS.join(', ')}`);
  }
  if (!Number.isSafeInteger(groupCommits) || groupCommits < 1 || groupCommits > 10_000) {
    throw invalidArgument('groupCommits', 'must be an integer from 1 to 10000');
  }
  if (cacheSizeMiB !== undefined && (!Number.isSafeInteger(cacheSizeMiB) || cacheSizeMiB < 1 || cacheSizeMiB > 65_536)) {
    throw invalidArgument('cacheSizeMiB', 'must be an integer from 1 to 65536');
  }
  return {
    maxOpsPerCommit,
    groupCommits,
    busyTimeoutMs: busyTimeoutMs ?? (owned ? 5000 : undefined),
    synchronous: synchronous ?? (owned ? 'NORMAL' : undefined),
    cacheSizeMiB: cacheSizeMiB ?? (owned ? 64 : undefined),
  };
}
