import { defineStore, type Store } from '@ntpass/core';
import { openDatabase } from './open-database.js';
import type { SqliteStoreOptions, SqliteStoreTarget } from './options.js';
import { sqliteDriver } from './sqlite-driver.js';


/**
 * A {@link Store} in one SQLite file, shared safely by any number of
 * connections and processes: every commit (and every `commitBatch`) is one
 * `BEGIN IMMEDIATE` transaction, every read one deferred (snapshot)
 * transaction. The contract's semantics are core's (`defineStore`); this
 * package only maps rows to tables. Opening creates the schema or checks it;
 * it throws `NtpassError` (`INVALID_ARGUMENT` or `STORE_UNAVAILABLE`) if the
 * target cannot be used, including a file of another schema version.
 *
 * ```ts
 * const store = sqliteStore({ filename: 'ntpass.db' });
 * ```
 */
export function sqliteStore(target: SqliteStoreTarget, options: SqliteStoreOptions = {}): Store {
  const { db, owned, options: resolved, statements } = openDatabase(target, options);
  return defineStore(sqliteDriver(db, statements, resolved.maxOpsPerCommit, owned), { name: 'sqliteStore', groupCommits: resolved.groupCommits });
}
