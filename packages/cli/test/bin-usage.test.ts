import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runBin } from './run-bin.js';
import { useTempDir } from './temp-dir.js';

const cwd = useTempDir('bin-usage', 'all');

// Each run of the binary costs a Node start: the details of usage errors are pinned in-process
// (args.test.ts, run-cli.test.ts); these check that the binary maps them to its exit status.
describe('the ntpass binary: usage and store errors', () => {
  it('exits 2 naming an unknown flag and the closest known one', async () => {
    const result = await runBin(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'gala', '--max-tikets', '5'], { cwd: cwd() });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "ntpass: unknown flag --max-tikets (did you mean --max-tickets?); run 'ntpass instance create --help'\n",
    });
  });

  it('takes common flags before the command: --db names the file it writes and reads', async () => {
    // Its own directory: the file's other tests expect theirs to stay empty.
    const dir = await mkdtemp(join(tmpdir(), 'ntpass-flags-first-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const created = await runBin(['--db', 'campaign.db', 'instance', 'create', '--tenant-id', 'acme', '--object-id', 'gala', '--json'], { cwd: dir });
    expect(created.code).toBe(0);
    expect(existsSync(join(dir, 'campaign.db'))).toBe(true);
    expect(existsSync(join(dir, 'ntpass.db'))).toBe(false);
    const { ntpId } = JSON.parse(created.stdout) as { ntpId: string };
    const listed = await runBin(['--json', '--db=campaign.db', 'instance', 'list', '--tenant-id', 'acme'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(ntpId);
  });

  it('exits 2 without a secret, and creates nothing', async () => {
    const result = await runBin(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'gala'], { cwd: cwd(), env: { NTPASS_SECRET: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no HMAC secret');
    expect(await readdir(cwd())).toEqual([]);
  });

  it('exits 3 when a read-only command finds no database, leaving none behind (JSON on stdout)', async () => {
    const result = await runBin(['instance', 'list', '--tenant-id', 'acme', '--json'], { cwd: cwd() });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('no ntpass database at'), exitCode: 3 },
    });
    expect(existsSync(join(cwd(), 'ntpass.db'))).toBe(false);
  });

  it('exits 3 when Redis cannot be reached', async () => {
    const result = await runBin(['instance', 'list', '--tenant-id', 'acme', '--redis', 'redis://127.0.0.1:1', '--connect-timeout', '500'], { cwd: cwd() });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('ntpass: cannot connect to Redis at redis://127.0.0.1:1 (ECONNREFUSED)\n');
  });
});
