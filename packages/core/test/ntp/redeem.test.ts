import { describe, expect, it } from 'vitest';
import { T, instance, rejects, setup, sibling } from './support.js';

describe('redeemCode', () => {
  it('finds the ticket by instance, by tenant, by issuer path (with or without ntpId)', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 10 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, code: token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ issuer: `/otp/ntp/${T}/${ntpId}`, code: token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ issuer: `/otp/ntp/${T}`, code: token, includeNtpId: true })).toEqual({ objectId: 'iq__object', ntpId });
    expect(await s.engine.redeemCode({ tenantId: T, code: token, includeNtpId: false })).toBe('iq__object');
  });

  it('decodes URL-encoded issuer segments', async () => {
    const s = setup();
    const tenantId = 'acme/eu west';
    const ntpId = await s.engine.createNtpInstance({ tenantId, objectId: 'o' });
    const { token } = await s.engine.issueNtpCode({ tenantId, ntpId });
    expect(await s.engine.redeemCode({ issuer: `/otp/ntp/${encodeURIComponent(tenantId)}`, code: token })).toBe('o');
  });

  it.each([
    [{ code: 'abcdef' }, 'tenantId'],
    [{ ntpId: 'QOTPx', code: 'abcdef' }, 'tenantId'],
    [{ issuer: '/otp/ntp/', code: 'abcdef' }, 'issuer'],
    [{ issuer: '/other/t', code: 'abcdef' }, 'issuer'],
    [{ issuer: '/otp/ntp/%E0%A4%A', code: 'abcdef' }, 'issuer'],
    [{ issuer: `/otp/ntp/${T}`, tenantId: T, code: 'abcdef' }, 'issuer'],
    [{ tenantId: T, code: '' }, 'code'],
    [{ tenantId: T, code: 5 }, 'code'],
    [{ tenantId: T, code: 'abcdef', includeNtpId: 'yes' }, 'includeNtpId'],
    [{ tenantId: T, code: 'abcdef', pin: 1 }, 'pin'],
  ])('refuses %j with INVALID_ARGUMENT naming %s', async (bad, field) => {
    const s = setup();
    const error = await rejects(s.engine.redeemCode(bad as never), 'INVALID_ARGUMENT');
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`redeemCode: ${field} `)).toBe(true);
  });

  it('counts up to the cap, then refuses with REDEMPTION_LIMIT', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 2 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    const error = await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token }), 'REDEMPTION_LIMIT');
    expect(error.message).not.toContain(token);
    expect(await s.engine.ntpInstance({ tenantId: T, ntpId })).toMatchObject({ redemptions: 2 });
  });

  it("follows the instance's maxRedemptions down for existing tickets, never above a ticket's own cap", async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 5 });
    const a = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const b = await s.engine.issueNtpCode({ tenantId: T, ntpId, maxRedemptions: 2 });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: a.token });
    await s.engine.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 1 });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: a.token }), 'REDEMPTION_LIMIT');
    await s.engine.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 50 });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: b.token });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: b.token });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: b.token }), 'REDEMPTION_LIMIT');
  });

  it('is NOT_STARTED before startTime, open at it, EXPIRED at endTime', async () => {
    const s = setup();
    const now = s.clock.now();
    const ntpId = await instance(s, { startTime: now + 100, endTime: now + 200 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token }), 'NOT_STARTED');
    s.clock.set(now + 100);
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    s.clock.set(now + 199);
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    s.clock.set(now + 200);
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token }), 'EXPIRED');
  });

  it('checks the code before the window: an unknown code is INVALID_CODE even when suspended or not started', async () => {
    const s = setup();
    const now = s.clock.now();
    const early = await instance(s, { startTime: now + 100 });
    const suspended = await instance(s);
    await s.engine.suspendNtpInstance({ tenantId: T, ntpId: suspended });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId: early, code: 'AAAAAA' }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId: suspended, code: 'AAAAAA' }), 'INVALID_CODE');
  });

  it('requires the bound email, compared trimmed and lower-cased, and ignores an email for an unbound ticket', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 10 });
    const bound = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'Ann@Example.org' });
    const free = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: bound.token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: bound.token, email: 'bob@example.org' }), 'INVALID_CODE');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: bound.token, email: '  ann@EXAMPLE.org ' })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: free.token, email: 'anyone@example.org' })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: free.token, email: 'anyone@example.org' })).toBe('iq__object');
  });

  it('is INVALID_CODE across tenants and instances, for revoked and unknown codes, and never NOT_FOUND', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const other = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const revoked = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: revoked.token });
    await rejects(s.engine.redeemCode({ tenantId: 'tenant-b', code: token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: 'tenant-b', ntpId, code: token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId: other, code: token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId: 'QOTPnothere1234', code: token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: revoked.token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: 'l0OI!!' }), 'INVALID_CODE');
    const error = await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz' }), 'INVALID_CODE');
    expect(error.message).toBe('redeemCode: invalid code');
  });

  it('takes one store round trip on the success path with a known instance, two by tenant', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 10 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'a@x.org' });
    s.store.clearCalls();
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token, email: 'a@x.org' });
    // The first redemption of a ticket also counts it for the report, after the redemption's own commit.
    expect(s.store.calls.map((c) => c.method)).toEqual(['commit', 'commit']);
    s.store.clearCalls();
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token, email: 'a@x.org' });
    expect(s.store.calls.map((c) => c.method)).toEqual(['commit']);
    s.store.clearCalls();
    await s.engine.redeemCode({ tenantId: T, code: token, email: 'a@x.org' });
    expect(s.store.calls.map((c) => c.method)).toEqual(['read', 'commit']);
  });

  it('reads once after a refused commit (stale cache) and still redeems', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 10 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    const other = sibling(s);
    await other.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 9 });
    s.store.clearCalls();
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    expect(s.store.calls.map((c) => c.method)).toEqual(['commit', 'read', 'commit']);
  });
});
