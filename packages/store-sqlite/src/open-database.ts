import { NtpassError, isNtpassError } from '@ntpass/core';
import { closeSync, openSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { invalidArgument, resolveOptions, type ResolvedOptions, type SqliteStoreOptions, type SqliteStoreTarget } from './options.js';
import { migrate } from './schema.js';
import { prepareStatements, type Statements } from './statements.js';

/** A connection ready for the store: configured, migrated, statements prepared. */
export interface OpenDatabase {
  readonly db: Database;
  /** Whether the store opened the file and so must close it. */
  readonly owned: boolean;
  readonly options: ResolvedOptions;
  readonly statements: Statements;
}

/**
 * Opens (or adopts) the database and brings its schema up to date. Any
 * failure is an `NtpassError` naming the problem — `INVALID_ARGUMENT` for a
 * bad target or option, `STORE_UNAVAILABLE` for a file that cannot be opened,
 * is not a database, or has a newer schema — and a file the store opened is
 * closed again.
 */
export function openDatabase(target: SqliteStoreTarget, rawOptions: SqliteStoreOptions): OpenDatabase {
  const { db, owned, label } = connect(target);
  try {
    const options = resolveOptions(rawOptions, owned);
    // busy_timeout first: switching to WAL takes a lock another process may hold.
    if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    if (owned) db.pragma('journal_mode = WAL');
    if (options.synchronous !== undefined) db.pragma(`synchronous = ${options.synchronous}`);
    // Negative: a size in KiB, not in pages.
    if (options.cacheSizeMiB !== undefined) db.pragma(`cache_size = ${-options.cacheSizeMiB * 1024}`);
    migrate(db);
    return { db, owned, options, statements: prepareStatements(db) };
  } catch (e) {
    if (owned) db.close();
    if (isNtpassError(e)) throw e;
    throw new NtpassError('STORE_UNAVAILABLE', `sqliteStore: cannot use ${label}: ${describe(e)}`, { cause: e });
  }
}

function connect(target: SqliteStoreTarget): { db: Database; owned: boolean; label: string } {
  if (typeof target !== 'object' || target === null) {
    throw invalidArgument('target', 'must be { filename } or { database }');
  }
  const t = target as { filename?: unknown; database?: unknown };
  if ((t.filename === undefined) === (t.database === undefined)) {
    throw invalidArgument('target', 'must have exactly one of filename and database');
  }
  if (t.database !== undefined) {
    const db = t.database as Partial<Database> | null;
    if (typeof db !== 'object' || db === null || typeof db.prepare !== 'function' || typeof db.transaction !== 'function') {
      throw invalidArgument('database', 'must be an open better-sqlite3 Database');
    }
    if (db.open !== true) throw invalidArgument('database', 'is closed');
    return { db: db as Database, owned: false, label: 'the given database' };
  }
  if (typeof t.filename !== 'string' || t.filename.length === 0) {
    throw invalidArgument('filename', 'must be a non-empty string');
  }
  const label = JSON.stringify(t.filename);
  createPrivately(t.filename);
  try {
    return { db: new BetterSqlite3(t.filename), owned: true, label };
  } catch (e) {
    throw new NtpassError('STORE_UNAVAILABLE', `sqliteStore: cannot open ${label}: ${describe(e)}`, { cause: e });
  }
}

/**
 * Creates a new database file readable by its owner only (0600): it holds
 * keyed hashes of every code, and a leaked copy lets anyone who also holds the
 * secret test guesses offline. SQLite gives the -wal and -shm files the
 * database file's mode. An existing file keeps the mode the host gave it.
 */
function createPrivately(filename: string): void {
  if (filename === ':memory:' || filename.startsWith('file:')) return;
  try {
    closeSync(openSync(filename, 'wx', 0o600));
  } catch {
    // It exists (the host's mode stands), or cannot be made: better-sqlite3 names that problem.
  }
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? `${e.message} (${code})` : e.message;
}
