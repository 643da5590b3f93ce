import { describe, expect, it } from 'vitest';
import { memoryCli } from '../memory-cli.js';

// Local times print in the zone of the machine; pin it.
process.env['TZ'] = 'UTC';

const T = ['--tenant-id', 'acme'];

async function created(ntpass: ReturnType<typeof memoryCli>, ...extra: string[]): Promise<string> {
  const result = await ntpass(['instance', 'create', ...T, '--object-id', 'gala', ...extra]);
  expect(result.code, result.err).toBe(0);
  return result.out.trim();
}

describe('instance commands', () => {
  it('create prints only the new id on stdout, and the next step on stderr', async () => {
    const ntpass = memoryCli();
    const result = await ntpass(['instance', 'create', ...T, '--object-id', 'gala', '--max-tickets', '100']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^QOTP\w{11}\n$/);
    expect(result.err).toBe(`Next: ntpass code issue --tenant-id acme --ntp-id ${result.out.trim()} --count N --out codes.csv\n`);
  });

  it('create passes every option through, and show prints them by their SPEC names, in local time', async () => {
    const ntpass = memoryCli();
    const ntpId = await created(
      ntpass,
      '--max-tickets', '500', '--max-redemptions', '3', '--start-time', '2030-02-01', '--end-time', '2030-03-01T12:00:00+01:00',
      '--ticket-length', '8', '--ntp-class', '2', '--group-addresses', 'staff,guests',
    );
    const show = await ntpass(['instance', 'show', ...T, '--ntp-id', ntpId]);
    expect(show.code).toBe(0);
    const lines = show.out.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `ntpId           ${ntpId}`,
        'objectId        gala',
        'state           active',
        'startTime       2030-02-01T00:00:00+00:00',
        'endTime         2030-03-01T11:00:00+00:00',
        'maxTickets      500',
        'issuedTickets   0',
        'maxRedemptions  3 per code',
        'ticketLength    8',
        'ntpClass        2',
        'groupAddresses  staff, guests',
      ]),
    );
    const json = await ntpass(['instance', 'show', ...T, '--ntp-id', ntpId, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ ntpId, startTime: Date.UTC(2030, 1, 1), endTime: Date.UTC(2030, 2, 1, 11), groupAddresses: ['staff', 'guests'] });
  });

  it('update changes only what is given, refuses an empty update, and --end-time none resumes a suspension', async () => {
    const ntpass = memoryCli();
    const ntpId = await created(ntpass, '--max-tickets', '10', '--end-time', '2099-01-01');
    const empty = await ntpass(['instance', 'update', ...T, '--ntp-id', ntpId]);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('nothing to change');
    expect((await ntpass(['instance', 'suspend', ...T, '--ntp-id', ntpId])).out).toBe(`Suspended ${ntpId}: no code of it redeems or is issued.\n`);
    const resumed = await ntpass(['instance', 'update', ...T, '--ntp-id', ntpId, '--end-time', 'none', '--json']);
    expect(resumed.code).toBe(0);
    const info = JSON.parse(resumed.out) as Record<string, unknown>;
    expect(info).toMatchObject({ state: 'active', maxTickets: 10 });
    expect('endTime' in info).toBe(false);
  });

  it('list pages with a footer that says how to get the next page', async () => {
    const ntpass = memoryCli();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await created(ntpass));
    const page = await ntpass(['instance', 'list', ...T, '--count', '2']);
    expect(page.code).toBe(0);
    const lines = page.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ntpId +objectId +state +issued +maxTickets +redemptions +endTime +createdAt$/);
    expect(lines.slice(1, 3).map((l) => l.split(' ')[0])).toEqual(ids.slice(0, 2));
    expect(lines[3]).toBe('1–2 of 3 (next page: --offset 2)');
    const last = await ntpass(['instance', 'list', ...T, '--count', '2', '--offset', '2']);
    expect(last.out.trimEnd().split('\n').at(-1)).toBe('3–3 of 3');
    const none = await ntpass(['instance', 'list', '--tenant-id', 'nobody']);
    expect(none.out).toBe('(no instances)\n0 of 0\n');
  });

  it('delete needs --yes, then the instance is gone (exit 1, NOT_FOUND)', async () => {
    const ntpass = memoryCli();
    const ntpId = await created(ntpass);
    expect((await ntpass(['instance', 'delete', ...T, '--ntp-id', ntpId])).code).toBe(2);
    expect((await ntpass(['instance', 'show', ...T, '--ntp-id', ntpId])).code).toBe(0);
    expect(await ntpass(['instance', 'delete', ...T, '--ntp-id', ntpId, '--yes'])).toMatchObject({ code: 0, out: `Deleted ${ntpId}.\n` });
    const gone = await ntpass(['instance', 'show', ...T, '--ntp-id', ntpId]);
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/^ntpass: NOT_FOUND: ntpInstance: /);
  });

  it('report shows counts with their share of the issued codes', async () => {
    const ntpass = memoryCli();
    const ntpId = await created(ntpass, '--max-tickets', '400', '--max-redemptions', '2');
    const issued = await ntpass(['code', 'issue', ...T, '--ntp-id', ntpId, '--count', '400', '--json']);
    const tokens = (JSON.parse(issued.out) as { tokens: { token: string; userId: string }[] }).tokens;
    for (const t of tokens.slice(0, 2)) expect((await ntpass(['code', 'redeem', ...T, '--code', t.token])).code).toBe(0);
    expect((await ntpass(['code', 'redeem', ...T, '--code', tokens[0]?.token ?? ''])).code).toBe(0);
    expect((await ntpass(['code', 'revoke', ...T, '--ntp-id', ntpId, '--user-id', tokens[3]?.userId ?? ''])).code).toBe(0);
    const report = await ntpass(['instance', 'report', ...T, '--ntp-id', ntpId]);
    expect(report.out.split('\n')).toEqual(
      expect.arrayContaining([
        'issued            400 of 400',
        'redeemedTickets   2  (0.50% of issued)',
        'totalRedemptions  3',
        'revoked           1  (0.25% of issued)',
        'window            open → open',
      ]),
    );
  });
});
