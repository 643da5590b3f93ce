import { describe, expect, it } from 'vitest';
import { T, eventually, instance, rejects, setup } from './support.js';

const throttle = { maxFailures: 3, windowMs: 60_000, banMs: 120_000 };

describe('redeem throttle', () => {
  it('bans a client after maxFailures invalid codes in its window, for banMs, with retryAfterMs', async () => {
    const s = setup({ redeemThrottle: throttle });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    for (let i = 0; i < 3; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip-1' }), 'INVALID_CODE');
    const error = await rejects(s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'ip-1' }), 'THROTTLED');
    expect(error.retryAfterMs).toBe(120_000);
    s.clock.advance(100_000);
    expect((await rejects(s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'ip-1' }), 'THROTTLED')).retryAfterMs).toBe(20_000);
    s.clock.advance(20_000);
    expect(await s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'ip-1' })).toBe('iq__object');
  });

  it('counts per client across tenants: others are never locked out', async () => {
    const s = setup({ redeemThrottle: throttle });
    const ntpId = await instance(s, { maxRedemptions: 5 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.createNtpInstance({ tenantId: 'tenant-b', objectId: 'o' });
    // One failure in each of three tenants (one made up) bans the client everywhere.
    for (const tenantId of [T, 'tenant-b', 'made-up']) await rejects(s.engine.redeemCode({ tenantId, code: 'zzzzzz', clientKey: 'attacker' }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: 'tenant-c', code: 'zzzzzz', clientKey: 'attacker' }), 'THROTTLED');
    await rejects(s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'attacker' }), 'THROTTLED');
    expect(await s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'someone-else' })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, code: token })).toBe('iq__object');
    await rejects(s.engine.redeemCode({ tenantId: 'tenant-b', code: 'zzzzzz', clientKey: 'someone-else' }), 'INVALID_CODE');
  });

  it('uses a fixed window: failures older than windowMs no longer count', async () => {
    const s = setup({ redeemThrottle: throttle });
    await instance(s);
    for (let i = 0; i < 2; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
    s.clock.advance(60_000);
    for (let i = 0; i < 2; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'THROTTLED');
  });

  it('does not count EXPIRED, NOT_STARTED or REDEMPTION_LIMIT, nor anything without a client key', async () => {
    const s = setup({ redeemThrottle: { ...throttle, maxFailures: 1 } });
    const ntpId = await instance(s, { maxRedemptions: 1 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' });
    for (let i = 0; i < 3; i++) await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' }), 'REDEMPTION_LIMIT');
    for (let i = 0; i < 5; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz' }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' }), 'REDEMPTION_LIMIT');
  });

  it('refuses a banned client without reading any ticket, and emits one throttled event', async () => {
    const s = setup({ redeemThrottle: { ...throttle, maxFailures: 1 } });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
    s.store.clearCalls();
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' }), 'THROTTLED');
    // The refused reservation, then the ban's expiry for retryAfterMs: the client's partition only.
    expect(s.store.calls.map((c) => [c.method, c.partitions[0]?.split(':')[0]])).toEqual([
      ['commit', 'client'],
      ['read', 'client'],
    ]);
    expect(s.events.filter((e) => e.type === 'ntp.client.throttled')).toEqual([
      { type: 'ntp.client.throttled', tenantId: T, at: s.clock.now(), clientKey: 'ip', retryAfterMs: 120_000 },
    ]);
  });

  it('counts concurrent failures without losing any', async () => {
    const s = setup({ redeemThrottle: { ...throttle, maxFailures: 20 } });
    await instance(s);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' })));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'THROTTLED');
  });

  it('judges at most maxFailures of 300 concurrent wrong guesses from one client; the rest read no ticket', async () => {
    const s = setup({ redeemThrottle: { ...throttle, maxFailures: 10 } });
    await instance(s);
    s.store.clearCalls();
    const results = await Promise.allSettled(Array.from({ length: 300 }, () => s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' })));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'ok'));
    expect(codes.filter((c) => c === 'INVALID_CODE')).toHaveLength(10);
    expect(codes.filter((c) => c === 'THROTTLED')).toHaveLength(290);
    // Only judged guesses look anything up in the tenant's code directory.
    expect(s.store.calls.filter((c) => c.method === 'read' && c.partitions[0]?.startsWith('code:'))).toHaveLength(10);
    expect(s.events.filter((e) => e.type === 'ntp.client.throttled')).toHaveLength(1);
  });

  it('gives a successful guess its slot back: successes never spend a client\'s budget', async () => {
    const s = setup({ redeemThrottle: throttle });
    const ntpId = await instance(s, { maxRedemptions: 50 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    for (let i = 0; i < 2; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
    for (let i = 0; i < 20; i++) expect(await s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'ip' })).toBe('iq__object');
    // Three at once: with two failed slots held, a third in flight is all that fits.
    const burst = await Promise.allSettled(Array.from({ length: 3 }, () => s.engine.ntpCodeStatus({ tenantId: T, code: token, clientKey: 'ip' })));
    expect(burst.filter((r) => r.status === 'fulfilled' && r.value.valid)).toHaveLength(1);
    const busy = burst.flatMap((r) => (r.status === 'fulfilled' && r.value.reason === 'THROTTLED' ? [r.value.retryAfterMs] : []));
    expect(busy).toEqual([1000, 1000]);
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'ip' }), 'THROTTLED');
  });

  it('gives the slot back for EXPIRED and REDEMPTION_LIMIT too', async () => {
    const s = setup({ redeemThrottle: { ...throttle, maxFailures: 2 } });
    const ntpId = await instance(s, { maxRedemptions: 1 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' });
    for (let i = 0; i < 5; i++) await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' }), 'REDEMPTION_LIMIT');
    await s.engine.suspendNtpInstance({ tenantId: T, ntpId });
    for (let i = 0; i < 5; i++) await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' }), 'EXPIRED');
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }), 'INVALID_CODE');
  });

  it('costs nothing without a client key, and a reserve plus a release with one', async () => {
    const s = setup({ redeemThrottle: throttle });
    const ntpId = await instance(s, { maxRedemptions: 5 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    // The first redemption also counts its ticket as redeemed, in a commit of its own.
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    await eventually(async () => (await s.engine.ntpInstanceReport({ tenantId: T, ntpId })).redeemedTickets === 1);
    s.store.clearCalls();
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    expect(s.store.calls.map((c) => [c.method, c.partitions[0]?.split(':')[0]])).toEqual([['commit', 'ntp']]);
    s.store.clearCalls();
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token, clientKey: 'ip' });
    expect(s.store.calls.map((c) => [c.method, c.partitions[0]?.split(':')[0]])).toEqual([
      ['commit', 'client'],
      ['commit', 'ntp'],
      ['commit', 'client'],
    ]);
  });
});

describe('ntp.guessing', () => {
  it("fires once per window when a tenant's failures from any clients reach guessingThreshold", async () => {
    const s = setup({ redeemThrottle: throttle, guessingThreshold: 5 });
    await instance(s);
    const guessing = () => s.events.filter((e) => e.type === 'ntp.guessing');
    for (let i = 0; i < 4; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: `ip-${i}` }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: 'other', code: 'zzzzzz', clientKey: 'ip-x' }), 'INVALID_CODE');
    expect(guessing()).toEqual([]);
    await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz' }), 'INVALID_CODE');
    expect(guessing()).toEqual([{ type: 'ntp.guessing', tenantId: T, at: s.clock.now(), failures: 5, windowMs: 60_000 }]);
    for (let i = 0; i < 10; i++) expect((await s.engine.ntpCodeStatus({ tenantId: T, code: 'zzzzzz' })).reason).toBe('INVALID_CODE');
    expect(guessing()).toHaveLength(1);
    s.clock.advance(60_000);
    for (let i = 0; i < 5; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz' }), 'INVALID_CODE');
    expect(guessing()).toHaveLength(2);
  });

  it('refuses a guessingThreshold that is not a positive integer', () => {
    expect(() => setup({ guessingThreshold: 0 })).toThrow(/guessingThreshold/);
  });
});
