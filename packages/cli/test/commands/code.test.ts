import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryCli } from '../memory-cli.js';
import { useTempDir } from '../temp-dir.js';

const T = ['--tenant-id', 'acme'];
const cwd = useTempDir('code-cmd');
let ntpass: ReturnType<typeof memoryCli>;
let ntpId: string;

beforeEach(async () => {
  ntpass = memoryCli({ cwd: cwd() });
  ntpId = (await ntpass(['instance', 'create', ...T, '--object-id', 'gala', '--max-redemptions', '2'])).out.trim();
});

type Tokens = { tokens: { token: string; userId: string; email?: string }[] };

describe('code issue', () => {
  it('issues one code by default and prints it with its userId', async () => {
    const one = await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId]);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^code {4}[1-9A-HJ-NP-Za-km-z]{6}\nuserId  iusr\w{28}\n$/);
  });

  it('binds a code to --email: it redeems only with that address', async () => {
    const issued = JSON.parse((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--email', 'Ada@Example.com', '--json'])).out) as Tokens;
    const token = issued.tokens[0]?.token ?? '';
    expect(issued.tokens[0]?.email).toBe('Ada@Example.com');
    expect((await ntpass(['code', 'redeem', ...T, '--code', token])).code).toBe(1);
    expect((await ntpass(['code', 'redeem', ...T, '--code', token, '--email', 'bob@example.com'])).code).toBe(1);
    expect((await ntpass(['code', 'redeem', ...T, '--code', token, '--email', ' ada@example.com '])).code).toBe(0);
  });

  it('issues one bound code per line of --email-file, with an email column in the CSV', async () => {
    await writeFile(join(cwd(), 'guests.txt'), 'email\nada@example.com\n\nbob@example.org\n');
    const result = await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--email-file', 'guests.txt', '--out', 'guests.csv']);
    expect(result).toMatchObject({ code: 0, out: `Issued 2 codes to ${join(cwd(), 'guests.csv')}\n` });
    const lines = (await readFile(join(cwd(), 'guests.csv'), 'utf8')).split('\r\n');
    expect(lines[0]).toBe('code,userId,email');
    expect(lines[1]).toMatch(/^\w{6},iusr\w{28},ada@example\.com$/);
    expect(lines[2]).toMatch(/^\w{6},iusr\w{28},bob@example\.org$/);
    const bobCode = lines[2]?.split(',')[0] ?? '';
    expect((await ntpass(['code', 'redeem', ...T, '--code', bobCode, '--email', 'bob@example.org'])).code).toBe(0);
  });

  it('never replaces an existing --out file without --force, and issues nothing when it refuses', async () => {
    await writeFile(join(cwd(), 'codes.csv'), 'last campaign');
    const refused = await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '5', '--out', 'codes.csv']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('already exists (add --force to replace it)');
    expect(await readFile(join(cwd(), 'codes.csv'), 'utf8')).toBe('last campaign');
    const show = JSON.parse((await ntpass(['instance', 'show', ...T, '--ntp-id', ntpId, '--json'])).out) as { issuedTickets: number };
    expect(show.issuedTickets).toBe(0);
    expect((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '5', '--out', 'codes.csv', '--force'])).code).toBe(0);
    expect((await readFile(join(cwd(), 'codes.csv'), 'utf8')).split('\r\n')).toHaveLength(7);
    expect(await readdir(cwd())).toEqual(['codes.csv']);
  });

  it('prints many codes as a table without --out', async () => {
    const result = await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '3']);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^code {4}userId$/);
    expect(lines).toHaveLength(4);
  });

  it('refuses --count with --email-file, and --email with --count', async () => {
    expect((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '2', '--email-file', 'x.txt'])).err).toContain(
      'give --count or --email-file, not both',
    );
    expect((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '2', '--email', 'a@b.c'])).code).toBe(2);
  });
});

describe('code redeem, status, revoke, list', () => {
  it('status exits 0 for a redeemable code and 1 with the reason otherwise, without using it', async () => {
    const { tokens } = JSON.parse((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--json'])).out) as Tokens;
    const code = tokens[0]?.token ?? '';
    const ok = await ntpass(['code', 'status', ...T, '--code', code]);
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(`valid        yes\nobjectId     gala\nntpId        ${ntpId}\nredemptions  0 of 2\n`);
    expect((await ntpass(['code', 'status', ...T, '--code', code])).code).toBe(0);
    const unknown = await ntpass(['code', 'status', ...T, '--code', 'zzzzzz', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.out)).toEqual({ valid: false, reason: 'INVALID_CODE', redemptions: 0, maxRedemptions: 0 });
  });

  it('redeem reads the code from stdin with --code -, and refuses when the uses are spent', async () => {
    const { tokens } = JSON.parse((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--json'])).out) as Tokens;
    const code = tokens[0]?.token ?? '';
    expect((await ntpass(['code', 'redeem', ...T, '--code', '-'], `${code}\n`)).code).toBe(0);
    expect((await ntpass(['code', 'redeem', ...T, '--ntp-id', ntpId, '--code', code])).code).toBe(0);
    const spent = await ntpass(['code', 'redeem', ...T, '--code', code]);
    expect(spent.code).toBe(1);
    expect(spent.err).toMatch(/^ntpass: REDEMPTION_LIMIT: /);
    expect((await ntpass(['code', 'redeem', ...T, '--code', '-'], '\n')).err).toContain('--code -: standard input was empty');
  });

  it('revoke by code or userId stops a code; list shows it revoked, codes never', async () => {
    const { tokens } = JSON.parse((await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '2', '--json'])).out) as Tokens;
    const [a, b] = tokens;
    expect((await ntpass(['code', 'revoke', ...T, '--ntp-id', ntpId, '--code', a?.token ?? ''])).code).toBe(0);
    expect((await ntpass(['code', 'revoke', ...T, '--ntp-id', ntpId, '--user-id', b?.userId ?? ''])).out).toBe(`Revoked ${b?.userId}: it no longer redeems.\n`);
    expect((await ntpass(['code', 'redeem', ...T, '--code', a?.token ?? ''])).err).toMatch(/INVALID_CODE/);
    expect((await ntpass(['code', 'revoke', ...T, '--ntp-id', ntpId])).err).toContain('give exactly one of --code or --user-id');
    const list = await ntpass(['code', 'list', ...T, '--ntp-id', ntpId]);
    const lines = list.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^userId +redeemed +email +signed +revoked +issuedAt$/);
    expect(lines.slice(1, 3).every((l) => /^iusr\w{28} +0\/2 +no +no +yes +\d{4}-/.test(l))).toBe(true);
    expect(lines[3]).toBe('1–2 of 2');
    expect(list.out).not.toContain(a?.token ?? '');
  });
});
