import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { storeUnavailable } from './cli-error.js';

/**
 * Checks the SQLite file before the store opens it. Only commands that write
 * may create it: a read-only command on a missing file means a wrong `--db`
 * or directory, said plainly, rather than a new empty database left behind.
 * A file that is not a database fails here, not mid-command.
 */
export function checkSqliteFile(filename: string, create: boolean): void {
  if (!existsSync(filename)) {
    if (create) return;
    throw storeUnavailable(`no ntpass database at ${filename}: pass --db FILE (or run this where ntpass.db is)`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(filename, { readonly: true, fileMustExist: true });
    db.pragma('schema_version');
  } catch (error) {
    throw storeUnavailable(`cannot open SQLite database ${filename} (${error instanceof Error ? error.message : String(error)})`, error);
  } finally {
    db?.close();
  }
}
