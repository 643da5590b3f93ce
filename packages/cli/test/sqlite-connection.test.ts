import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSqliteFile } from '../src/sqlite-connection.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntpass-cli-sqlite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkSqliteFile', () => {
  it('lets only commands that write go on without the file, and creates nothing itself', () => {
    const file = join(dir, 'ntpass.db');
    expect(() => checkSqliteFile(file, false)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining(`no ntpass database at ${file}`) }));
    checkSqliteFile(file, true);
    expect(existsSync(file)).toBe(false);
    new Database(file).close();
    checkSqliteFile(file, false);
  });

  it('refuses a file that is not a database, with exit 3', async () => {
    const notDb = join(dir, 'notes.txt');
    await writeFile(notDb, 'x'.repeat(4096));
    expect(() => checkSqliteFile(notDb, false)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining('cannot open SQLite database') }));
  });
});
