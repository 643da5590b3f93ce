import { describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { captureIo } from './capture.js';

const SECRET = 'an-operator-secret-of-at-least-32-bytes';

describe('runCli usage errors', () => {
  it('prints the command list on stderr and exits 2 without a command', async () => {
    const io = captureIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('Usage: ntpass <group> <command>');
  });

  it('names an unknown group or command with the closest one', async () => {
    const a = captureIo();
    expect(await runCli(['instanse', 'list'], a)).toBe(2);
    expect(a.err()).toContain(`unknown command "instanse" (did you mean 'instance'?)`);
    const b = captureIo();
    expect(await runCli(['code', 'isue'], b)).toBe(2);
    expect(b.err()).toContain(`unknown command 'code isue' (did you mean 'issue'?)`);
    const c = captureIo();
    expect(await runCli(['code'], c)).toBe(2);
    expect(c.err()).toContain('code: which command? (issue, redeem, status, revoke, list)');
  });

  it('points usage errors at the command help', async () => {
    const io = captureIo({ env: { NTPASS_SECRET: SECRET } });
    expect(await runCli(['instance', 'create', '--tenant-id', 'acme'], io)).toBe(2);
    expect(io.err()).toBe(
      "ntpass: missing --object-id ID: what the codes grant: redeeming returns it\nRun 'ntpass instance create --help' for usage.\n",
    );
  });

  it('refuses to run without a secret, saying where one goes, before touching any store', async () => {
    let opened = false;
    const io = captureIo({
      openStore: () => {
        opened = true;
        throw new Error('must not be called');
      },
    });
    expect(await runCli(['instance', 'list', '--tenant-id', 'acme'], io)).toBe(2);
    expect(io.err()).toMatch(/^ntpass: no HMAC secret: set NTPASS_SECRET or pass --secret-file FILE/);
    expect(opened).toBe(false);
    const short = captureIo({ env: { NTPASS_SECRET: 'short' } });
    expect(await runCli(['instance', 'list', '--tenant-id', 'acme'], short)).toBe(2);
    expect(short.err()).toContain('the secret from NTPASS_SECRET is 5 bytes; it must be at least 32');
  });

  it('reports usage errors as one JSON document on stdout with --json', async () => {
    const io = captureIo();
    expect(await runCli(['code', 'issue', '--json', '--count', 'lots'], io)).toBe(2);
    expect(JSON.parse(io.out())).toEqual({
      error: { code: 'USAGE', message: '--count: expected a whole number from 1 to 1000000, got "lots"', exitCode: 2 },
    });
    expect(io.err()).toBe('');
  });

  it('checks flag combinations before opening the store', async () => {
    const io = captureIo({ env: { NTPASS_SECRET: SECRET } });
    expect(await runCli(['code', 'issue', '--tenant-id', 't', '--ntp-id', 'n', '--count', '2', '--email', 'a@b.c'], io)).toBe(2);
    expect(io.err()).toContain('--email issues one code; for many bound codes use --email-file');
    const del = captureIo({ env: { NTPASS_SECRET: SECRET } });
    expect(await runCli(['instance', 'delete', '--tenant-id', 't', '--ntp-id', 'n'], del)).toBe(2);
    expect(del.err()).toContain('add --yes to confirm');
  });
});
