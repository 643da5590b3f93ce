import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from './run-bin.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'ntpass-bin-usage-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('the ntpass binary: usage and store errors', () => {
  it('exits 2 naming an unknown flag and a bad value, and 0 for --help', async () => {
    const unknown = await runBin(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'gala', '--max-tikets', '5'], { cwd });
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe("ntpass: unknown flag --max-tikets (did you mean --max-tickets?)\nRun 'ntpass instance create --help' for usage.\n");

    const bad = await runBin(['code', 'issue', '--tenant-id', 'acme', '--ntp-id', 'QOTPx', '--count', '0'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--count: expected a whole number from 1 to 1000000, got "0"');

    const help = await runBin(['code', 'issue', '--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Example');
  });

  it('exits 2 without a secret, and creates nothing', async () => {
    const result = await runBin(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'gala'], { cwd, env: { NTPASS_SECRET: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no HMAC secret');
    expect(await readdir(cwd)).toEqual([]);
  });

  it('exits 3 when a read-only command finds no database, leaving none behind', async () => {
    const result = await runBin(['instance', 'list', '--tenant-id', 'acme', '--json'], { cwd });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('no ntpass database at'), exitCode: 3 },
    });
    expect(existsSync(join(cwd, 'ntpass.db'))).toBe(false);
  });

  it('exits 3 when Redis cannot be reached', async () => {
    const result = await runBin(['instance', 'list', '--tenant-id', 'acme', '--redis', 'redis://127.0.0.1:1', '--connect-timeout', '500'], { cwd });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('ntpass: cannot connect to Redis at redis://127.0.0.1:1 (ECONNREFUSED)\n');
  });
});
