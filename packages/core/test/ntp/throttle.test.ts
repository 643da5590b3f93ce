import { describe, expect, it } from 'vitest';
import { T, instance, rejects, setup } from './support.js';

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

  it('counts per client and tenant: others are never locked out', async () => {
    const s = setup({ redeemThrottle: throttle });
    const ntpId = await instance(s, { maxRedemptions: 5 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    for (let i = 0; i < 3; i++) await rejects(s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'attacker' }), 'INVALID_CODE');
    expect(await s.engine.redeemCode({ tenantId: T, code: token, clientKey: 'someone-else' })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, code: token })).toBe('iq__object');
    await s.engine.createNtpInstance({ tenantId: 'tenant-b', objectId: 'o' });
    await rejects(s.engine.redeemCode({ tenantId: 'tenant-b', code: 'zzzzzz', clientKey: 'attacker' }), 'INVALID_CODE');
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
    expect(s.store.calls.map((c) => [c.method, c.partitions[0]?.split(':')[0]])).toEqual([['read', 'client']]);
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
});
