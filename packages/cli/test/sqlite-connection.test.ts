import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkSqliteFile } from '../src/sqlite-connection.js';
import { useTempDir } from './temp-dir.js';

const dir = useTempDir('sqlite');

describe('checkSqliteFile', () => {
  it('lets only commands that write go on without the file, and creates nothing itself', () => {
    const file = join(dir(), 'ntpass.db');
    expect(() => checkSqliteFile(file, false)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining(`no ntpass database at ${file}`) }));
    checkSqliteFile(file, true);
    expect(existsSync(file)).toBe(false);
    new Database(file).close();
    checkSqliteFile(file, false);
  });

  it('refuses a file that is not a database, with exit 3', async () => {
    const notDb = join(dir(), 'notes.txt');
    await writeFile(notDb, 'x'.repeat(4096));
    expect(() => checkSqliteFile(notDb, false)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining('cannot open SQLite database') }));
  });
});
