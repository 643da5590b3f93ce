import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { storeUnavailable } from './cli-error.js';

/** How long a write waits for another process's lock on the file before failing. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens the SQLite file. Only commands that write create it: a read-only
 * command on a missing file is a wrong `--db` or directory, said plainly,
 * rather than a new empty database left behind.
 */
export function openSqlite(filename: string, create: boolean): Database.Database {
  if (!create && !existsSync(filename)) {
    throw storeUnavailable(`no ntpass database at ${filename}: pass --db FILE (or run this where ntpass.db is)`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(filename, { fileMustExist: !create, timeout: BUSY_TIMEOUT_MS });
    // Fails here, not mid-command, when the file is not a database.
    db.pragma('schema_version');
    return db;
  } catch (error) {
    db?.close();
    throw storeUnavailable(`cannot open SQLite database ${filename} (${error instanceof Error ? error.message : String(error)})`, error);
  }
}
