import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { captureIo } from './capture.js';
import { runBin, TEST_SECRET, type BinResult } from './run-bin.js';

/** The columns of a codes CSV as `code issue --out` writes it. */
export interface CsvCode {
  readonly code: string;
  readonly userId: string;
}

/** Reads a codes CSV, checking its header and line endings. */
export async function readCodesCsv(path: string): Promise<CsvCode[]> {
  const text = await readFile(path, 'utf8');
  const [header, ...lines] = text.split('\r\n');
  expect(header).toBe('code,userId');
  expect(lines.pop()).toBe('');
  return lines.map((line) => {
    const [code = '', userId = ''] = line.split(',');
    return { code, userId };
  });
}

/**
 * Runs `ntpass` against one store: `storeArgs` (`--db x` or `--redis url`)
 * are appended to every command line.
 */
export function ntpassIn(cwd: string, storeArgs: readonly string[]) {
  return (args: readonly string[], input?: string): Promise<BinResult> =>
    runBin([...args, ...storeArgs], input === undefined ? { cwd } : { cwd, input });
}

/** The same, in-process (same code and store, no Node start): for checks beyond the walkthrough. */
export function ntpassInProcess(cwd: string, storeArgs: readonly string[]) {
  return async (args: readonly string[]): Promise<BinResult> => {
    const io = captureIo({ cwd, env: { NTPASS_SECRET: TEST_SECRET } });
    const code = await runCli([...args, ...storeArgs], io);
    return { code, stdout: io.out(), stderr: io.err() };
  };
}

/** Parses `--json` output, failing with everything the run printed. */
export function json<T>(result: BinResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * The README's walkthrough, checked through the binary: create a campaign,
 * issue `count` codes to a CSV (not a terminal: no progress bar on stderr),
 * redeem one, read the report, suspend it. In between, in-process: one code
 * too many is refused whole and writes no file; a suspended campaign redeems
 * nothing.
 */
export async function runCampaign(cwd: string, storeArgs: readonly string[], count: number): Promise<void> {
  const ntpass = ntpassIn(cwd, storeArgs);
  const created = await ntpass(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'spring-gala', '--max-tickets', String(count), '--max-redemptions', '1', '--json']);
  expect(created.code, created.stderr).toBe(0);
  const { ntpId } = json<{ ntpId: string }>(created);
  expect(ntpId).toMatch(/^QOTP[1-9A-HJ-NP-Za-km-z]{11}$/);

  const issued = await ntpass(['code', 'issue', '--tenant-id', 'acme', '--ntp-id', ntpId, '--count', String(count), '--out', 'codes.csv']);
  expect(issued.code, issued.stderr).toBe(0);
  expect(issued.stdout).toBe(`Issued ${count} codes to ${join(cwd, 'codes.csv')}\n`);
  expect(issued.stderr).not.toContain('\r');
  const codes = await readCodesCsv(join(cwd, 'codes.csv'));
  expect(codes).toHaveLength(count);
  expect(new Set(codes.map((c) => c.code)).size).toBe(count);
  for (const { code, userId } of codes.slice(0, 100)) {
    expect(code).toMatch(/^[1-9A-HJ-NP-Za-km-z]{6}$/);
    expect(userId).toMatch(/^iusr[1-9A-HJ-NP-Za-km-z]{28}$/);
  }
  expect((await stat(join(cwd, 'codes.csv'))).mode & 0o777).toBe(0o600);

  const [first, second] = codes;
  const redeemed = await ntpass(['code', 'redeem', '--tenant-id', 'acme', '--ntp-id', ntpId, '--code', first?.code ?? '']);
  expect(redeemed.code, redeemed.stderr).toBe(0);
  expect(redeemed.stdout).toBe(`Redeemed.\nobjectId  spring-gala\nntpId     ${ntpId}\n`);

  const report = await ntpass(['instance', 'report', '--tenant-id', 'acme', '--ntp-id', ntpId, '--json']);
  expect(report.code).toBe(0);
  expect(json(report)).toEqual({ ntpId, objectId: 'spring-gala', state: 'active', issued: count, redeemedTickets: 1, totalRedemptions: 1, revoked: 0 });

  // Over the limit: refused as a whole (exit 1), and no file appears, not even a temporary one.
  const inProcess = ntpassInProcess(cwd, storeArgs);
  const over = await inProcess(['code', 'issue', '--tenant-id', 'acme', '--ntp-id', ntpId, '--count', '1', '--out', 'more.csv']);
  expect(over.code).toBe(1);
  expect(over.stderr).toMatch(/^ntpass: TICKET_LIMIT: /);
  expect((await readdir(cwd)).filter((f) => f.includes('more.csv'))).toEqual([]);

  const suspended = await ntpass(['instance', 'suspend', '--tenant-id', 'acme', '--ntp-id', ntpId]);
  expect(suspended.code).toBe(0);
  const afterSuspend = await inProcess(['code', 'redeem', '--tenant-id', 'acme', '--code', second?.code ?? '', '--json']);
  expect(afterSuspend.code).toBe(1);
  expect(json(afterSuspend)).toMatchObject({ error: { code: 'EXPIRED', exitCode: 1 } });
}
