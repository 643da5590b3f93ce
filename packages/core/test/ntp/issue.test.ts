import { describe, expect, it } from 'vitest';
import { BASE58_ALPHABET } from '@ntpass/core';
import { T, instance, rejects, setup } from './support.js';

const base58 = (n: number) => new RegExp(`^[${BASE58_ALPHABET}]{${n}}$`);

describe('issueNtpCode', () => {
  it('returns a ticketLength base58 code and an iusr user id, counted in issuedTickets', async () => {
    const s = setup();
    const ntpId = await instance(s, { ticketLength: 9 });
    const ticket = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    expect(ticket.token).toMatch(base58(9));
    expect(ticket.userId).toMatch(new RegExp(`^iusr[${BASE58_ALPHABET}]{28}$`));
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(1);
  });

  it('gives distinct codes and user ids', async () => {
    const s = setup();
    const ntpId = await instance(s, { ticketLength: 4, allowGuessableCodes: true });
    const tickets = await Promise.all(Array.from({ length: 200 }, () => s.engine.issueNtpCode({ tenantId: T, ntpId })));
    expect(new Set(tickets.map((t) => t.token)).size).toBe(200);
    expect(new Set(tickets.map((t) => t.userId)).size).toBe(200);
  });

  it('refuses with TICKET_LIMIT exactly at maxTickets', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 2 });
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const error = await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    expect(error.message).toBe(`issueNtpCode: NTP instance ${ntpId} has issued its maxTickets`);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(2);
  });

  it('refuses with EXPIRED once ended, and issues before startTime', async () => {
    const s = setup();
    const now = s.clock.now();
    const early = await instance(s, { startTime: now + 1000, endTime: now + 2000 });
    await s.engine.issueNtpCode({ tenantId: T, ntpId: early });
    s.clock.set(now + 2000);
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId: early }), 'EXPIRED');
  });

  it('caps a ticket at the lower of its own and the instance maxRedemptions', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 3 });
    const low = await s.engine.issueNtpCode({ tenantId: T, ntpId, maxRedemptions: 1 });
    s.clock.advance(1);
    const high = await s.engine.issueNtpCode({ tenantId: T, ntpId, maxRedemptions: 10 });
    const { tickets } = await s.engine.listNtpTickets({ tenantId: T, ntpId });
    expect(tickets.map((t) => [t.userId, t.maxRedemptions])).toEqual([
      [low.userId, 1],
      [high.userId, 3],
    ]);
  });

  it('treats a blank or null email as none', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const blank = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: '   ' });
    const none = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: null });
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: blank.token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: none.token })).toBe('iq__object');
    expect((await s.engine.listNtpTickets({ tenantId: T, ntpId })).tickets.every((t) => !t.emailBound)).toBe(true);
  });

  it('is NOT_FOUND for an unknown instance or another tenant, creating nothing', async () => {
    const s = setup();
    const ntpId = await instance(s);
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId: 'QOTPnope' }), 'NOT_FOUND');
    await rejects(s.engine.issueNtpCode({ tenantId: 'tenant-b', ntpId }), 'NOT_FOUND');
    expect(Object.keys(await s.store.snapshot(s.clock.now())).some((p) => p.startsWith('code'))).toBe(false);
  });

  it.each([
    [{ maxRedemptions: 0 }, 'maxRedemptions'],
    [{ email: 5 }, 'email'],
    [{ email: 'x'.repeat(1025) }, 'email'],
    [{ count: 3 }, 'count'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', async (bad, field) => {
    const s = setup();
    const ntpId = await instance(s);
    const error = await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId, ...bad } as never), 'INVALID_ARGUMENT');
    expect(error.field).toBe(field);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(0);
  });

  it('releases the code reservation when it is refused', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 1 });
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const before = await s.store.snapshot(s.clock.now());
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    expect(await s.store.snapshot(s.clock.now())).toEqual(before);
  });

  it('takes four round trips on a warm cache: the guessing floor, then three', async () => {
    const s = setup();
    const ntpId = await instance(s);
    s.store.clearCalls();
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    expect(s.store.calls.map((c) => [c.method, c.partitions[0]?.split(':')[0]])).toEqual([
      ['commit', 'ntp-tenant'],
      ['commitBatch', 'code'],
      ['commit', 'ntp'],
      ['commitBatch', 'code'],
    ]);
  });

  it('skips the guessing floor for codes of 13 characters or more (never reachable)', async () => {
    const s = setup();
    const ntpId = await instance(s, { ticketLength: 13 });
    s.store.clearCalls();
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    expect(s.store.calls.map((c) => c.method)).toEqual(['commitBatch', 'commit', 'commitBatch']);
  });
});
