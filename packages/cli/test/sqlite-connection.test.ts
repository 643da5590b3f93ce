import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/sqlite-connection.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntpass-cli-sqlite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openSqlite', () => {
  it('creates the file only for commands that write', () => {
    const file = join(dir, 'ntpass.db');
    expect(() => openSqlite(file, false)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining(`no ntpass database at ${file}`) }));
    expect(existsSync(file)).toBe(false);
    openSqlite(file, true).close();
    expect(existsSync(file)).toBe(true);
    openSqlite(file, false).close();
  });

  it('refuses a file that is not a database, and a missing directory, with exit 3', async () => {
    const notDb = join(dir, 'notes.txt');
    await writeFile(notDb, 'x'.repeat(4096));
    expect(() => openSqlite(notDb, false)).toThrow(expect.objectContaining({ exitCode: 3, message: expect.stringContaining('cannot open SQLite database') }));
    expect(() => openSqlite(join(dir, 'missing', 'ntpass.db'), true)).toThrow(expect.objectContaining({ exitCode: 3 }));
  });
});
