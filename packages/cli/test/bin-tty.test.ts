import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { captureIo } from './capture.js';
import { hasTmux, runOnTty, type TtyRun } from './pseudo-tty.js';
import { binCommand, TEST_SECRET } from './run-bin.js';
import { useTempDir } from './temp-dir.js';

const COUNT = 2000;
const cwd = useTempDir('bin-tty', 'all');
let ntpId: string;

beforeAll(async () => {
  // Set up in-process (same code, same SQLite file): only the runs under test pay for a Node start.
  const io = captureIo({ cwd: cwd(), env: { NTPASS_SECRET: TEST_SECRET } });
  const code = await runCli(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'gala', '--max-tickets', String(COUNT), '--json'], io);
  expect(code, io.err()).toBe(0);
  ({ ntpId } = JSON.parse(io.out()) as { ntpId: string });
});

const env = () => ({ PATH: process.env['PATH'] ?? '', TZ: 'UTC', TERM: 'xterm', NTPASS_SECRET: TEST_SECRET });

/** The screen a person sees: from tmux, or by replaying carriage returns and newlines (under `script`). */
function screenOf(run: TtyRun): string[] {
  const text =
    run.screen ??
    run.raw.split('\n').map((line) => {
      let shown = '';
      for (const part of line.replace(/\r$/, '').split('\r')) shown = part + shown.slice(part.length);
      return shown;
    }).join('\n');
  return text.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '' && !line.includes('__NTPASS_TTY_EXIT__'));
}

describe('the ntpass binary on a terminal', { timeout: 120_000 }, () => {
  it('draws a progress bar with rate and ETA on stderr while issuing, and ends it on its own line', async () => {
    const run = await runOnTty(binCommand(['code', 'issue', '--tenant-id', 'acme', '--ntp-id', ntpId, '--count', String(COUNT), '--out', 'codes.csv']), {
      cwd: cwd(),
      env: env(),
      columns: 100,
    });
    expect(run.exitCode, run.raw).toBe(0);
    // The terminal turns "\n" into "\r\n": each part after a "\r" is one frame, or the start of a new line.
    const parts = run.raw.split('\r');
    const frames = parts.filter((f) => f.startsWith('Issuing codes ['));
    expect(frames.length, run.raw).toBeGreaterThanOrEqual(2);
    expect(frames[0]).toMatch(/^Issuing codes \[> +\]   0%     0\/2000  0\/s  ETA -:--/);
    const last = parts.lastIndexOf(frames.at(-1) ?? '');
    expect(parts[last]).toMatch(/^Issuing codes \[=+\] 100%  2000\/2000  [\d.]+k?\/s  in \d+:\d\d *$/);
    expect(parts[last + 1]).toMatch(/^\nIssued 2000 codes/);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(99);

    const screen = screenOf(run);
    expect(screen).toEqual([
      expect.stringMatching(/^Issuing codes \[=+\] 100%  2000\/2000  [\d.]+k?\/s  in \d+:\d\d$/),
      `Issued 2000 codes to ${join(cwd(), 'codes.csv')}`,
    ]);
  });

  it('erases the bar when the issue is refused, so the error starts a clean line', async () => {
    const run = await runOnTty(binCommand(['code', 'issue', '--tenant-id', 'acme', '--ntp-id', ntpId, '--count', '10', '--out', 'more.csv']), {
      cwd: cwd(),
      env: env(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.raw).toContain('Issuing codes [');
    expect(screenOf(run)).toEqual([expect.stringMatching(/^ntpass: TICKET_LIMIT: issueNtpCodesPacked: /)]);
    expect((await readdir(cwd())).filter((f) => f.includes('more.csv'))).toEqual([]);
  });
});

describe('the ntpass binary interrupted', { timeout: 120_000 }, () => {
  it.skipIf(!hasTmux())('Ctrl-C during a bulk issue stops it at once and leaves no file behind', async () => {
    const io = captureIo({ cwd: cwd(), env: { NTPASS_SECRET: TEST_SECRET } });
    expect(await runCli(['instance', 'create', '--tenant-id', 'acme', '--object-id', 'big', '--ticket-length', '8', '--json'], io)).toBe(0);
    const big = (JSON.parse(io.out()) as { ntpId: string }).ntpId;
    const run = await runOnTty(binCommand(['code', 'issue', '--tenant-id', 'acme', '--ntp-id', big, '--count', '1000000', '--out', 'big.csv']), {
      cwd: cwd(),
      env: env(),
      interruptWhen: (raw) => raw.includes('Issuing codes ['),
    });
    expect(run.exitCode, run.raw).toBe(130);
    expect((await readdir(cwd())).filter((f) => f.includes('big.csv'))).toEqual([]);
  });
});
