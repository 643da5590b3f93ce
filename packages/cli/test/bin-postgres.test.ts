import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { storeTarget } from '../src/store-target.js';
import { runCampaign } from './campaign.js';
import { captureIo } from './capture.js';
import { runBin } from './run-bin.js';
import { useTempDir } from './temp-dir.js';

// The machine's PostgreSQL (trust auth, database `test`); every run in a throwaway schema, dropped after.
const url = process.env['NTPASS_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `ntpass_cli_${process.pid}_${Date.now().toString(36)}`;
const cwd = useTempDir('bin-postgres', 'all');
afterAll(async () => {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe('--postgres URL', () => {
  const io = captureIo({ cwd: '/srv/ops' });
  const base = { json: false, help: false };

  it('selects PostgreSQL over --db; ?schema= names the schema and is not passed to the driver', () => {
    expect(storeTarget({ ...base, db: '/data/x.db', postgres: 'postgres://u:pw@db:5432/app?schema=ops&sslmode=require', connectTimeout: 700 }, io, true)).toEqual({
      kind: 'postgres',
      url: 'postgres://u:pw@db:5432/app?sslmode=require',
      schema: 'ops',
      connectTimeoutMs: 700,
    });
  });

  it('refuses an address that is not a postgres:// URL, without echoing it', () => {
    expect(() => storeTarget({ ...base, postgres: 'u:secret@db/app' }, io, false)).toThrow(
      expect.objectContaining({ exitCode: 2, message: '--postgres: expected a URL like postgres://localhost:5432/app' }),
    );
  });

  it('an unreachable server is exit 3 naming it, password hidden', async () => {
    const result = await runBin(['instance', 'list', '--tenant-id', 'acme', '--postgres', 'postgres://u:hunter2@127.0.0.1:1/test', '--connect-timeout', '2000'], { cwd: cwd() });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot connect to PostgreSQL at postgres://u:***@127.0.0.1:1/test');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('runs the same campaign, and leaves no SQLite file behind', { timeout: 180_000 }, async () => {
    await runCampaign(cwd(), ['--postgres', `${url}?schema=${schema}`], 2_000);
    expect((await readdir(cwd())).sort()).toEqual(['codes.csv']);
  });
});
