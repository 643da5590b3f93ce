import { describe, expect, it } from 'vitest';
import { T, instance, rejects, setup } from './support.js';

describe('listNtpTickets', () => {
  it('pages tickets in issue order with their counts and flags, never codes or emails', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 4 });
    const a = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'a@x.org', maxRedemptions: 2 });
    s.clock.advance(1);
    const b = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    s.clock.advance(1);
    const c = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: a.token, email: 'a@x.org' });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, userId: b.userId });
    const start = s.clock.now() - 2;
    const page = await s.engine.listNtpTickets({ tenantId: T, ntpId, count: 2 });
    expect(page).toEqual({
      tickets: [
        { userId: a.userId, emailBound: true, signed: false, redemptions: 1, maxRedemptions: 2, revoked: false, issuedAt: start },
        { userId: b.userId, emailBound: false, signed: false, redemptions: 0, maxRedemptions: 4, revoked: true, issuedAt: start + 1 },
      ],
      start: 0,
      end: 2,
      total: 3,
    });
    const rest = await s.engine.listNtpTickets({ tenantId: T, ntpId, count: 2, offset: 2 });
    expect(rest.tickets.map((t) => t.userId)).toEqual([c.userId]);
    expect(rest).toMatchObject({ start: 2, end: 3, total: 3 });
    expect(JSON.stringify(page)).not.toContain(a.token);
    expect(JSON.stringify(page)).not.toContain('a@x.org');
  });

  it('refuses counts outside 1..1000 and unknown instances', async () => {
    const s = setup();
    const ntpId = await instance(s);
    await rejects(s.engine.listNtpTickets({ tenantId: T, ntpId, count: 1001 }), 'INVALID_ARGUMENT');
    await rejects(s.engine.listNtpTickets({ tenantId: T, ntpId: 'QOTPnope' }), 'NOT_FOUND');
  });
});

describe('revokeNtpCode', () => {
  it('stops a ticket by code, by signed token or by user id; it still counts against maxTickets', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 2 });
    const a = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const b = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: a.token });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, userId: b.userId });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: a.token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: b.token }), 'INVALID_CODE');
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    expect(s.events.filter((e) => e.type === 'ntp.code.revoked').map((e) => 'userId' in e && e.userId)).toEqual([a.userId, b.userId]);
  });

  it('is idempotent: revoking twice counts once and emits once', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const a = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: a.token });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, userId: a.userId });
    expect((await s.engine.ntpInstanceReport({ tenantId: T, ntpId })).revoked).toBe(1);
    expect(s.events.filter((e) => e.type === 'ntp.code.revoked')).toHaveLength(1);
  });

  it('is NOT_FOUND for an unknown ticket or instance, and needs exactly one of code and userId', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const a = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.revokeNtpCode({ tenantId: T, ntpId, code: 'zzzzzz' }), 'NOT_FOUND');
    await rejects(s.engine.revokeNtpCode({ tenantId: T, ntpId, userId: 'iusrnobody' }), 'NOT_FOUND');
    await rejects(s.engine.revokeNtpCode({ tenantId: T, ntpId: 'QOTPnope', code: a.token }), 'NOT_FOUND');
    await rejects(s.engine.revokeNtpCode({ tenantId: T, ntpId } as never), 'INVALID_ARGUMENT');
    await rejects(s.engine.revokeNtpCode({ tenantId: T, ntpId, code: a.token, userId: a.userId } as never), 'INVALID_ARGUMENT');
  });
});

describe('ntpInstanceReport', () => {
  it('totals issued, redeemed tickets, redemptions and revoked', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 5 });
    const [a, b] = (await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 3 })).tokens;
    await s.engine.redeemCode({ tenantId: T, ntpId, code: a!.token });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: a!.token });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: b!.token });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: b!.token });
    expect(await s.engine.ntpInstanceReport({ tenantId: T, ntpId })).toEqual({ issued: 3, redeemedTickets: 2, totalRedemptions: 3, revoked: 1 });
  });

  it('is NOT_FOUND for an unknown instance', async () => {
    const s = setup();
    await rejects(s.engine.ntpInstanceReport({ tenantId: T, ntpId: 'QOTPnope' }), 'NOT_FOUND');
  });
});
