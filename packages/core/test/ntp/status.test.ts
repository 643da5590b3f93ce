import { describe, expect, it } from 'vitest';
import { T, instance, setup } from './support.js';

describe('ntpCodeStatus', () => {
  it('reports a valid code with its counts, without redeeming it', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 3 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    const status = await s.engine.ntpCodeStatus({ tenantId: T, code: token });
    expect(status).toEqual({ valid: true, objectId: 'iq__object', ntpId, redemptions: 1, maxRedemptions: 3 });
    expect(await s.engine.ntpCodeStatus({ tenantId: T, code: token })).toEqual(status);
  });

  it('gives the reason redeem would throw, in the same order', async () => {
    const s = setup();
    const now = s.clock.now();
    const ntpId = await instance(s, { maxRedemptions: 1, startTime: now + 10, endTime: now + 20 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'a@x.org' });
    const status = (extra: object = {}) => s.engine.ntpCodeStatus({ tenantId: T, ntpId, code: token, email: 'a@x.org', ...extra });
    expect(await status()).toEqual({ valid: false, reason: 'NOT_STARTED', objectId: 'iq__object', ntpId, redemptions: 0, maxRedemptions: 1 });
    expect(await status({ email: 'b@x.org' })).toEqual({ valid: false, reason: 'INVALID_CODE', redemptions: 0, maxRedemptions: 0 });
    s.clock.set(now + 10);
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token, email: 'a@x.org' });
    expect(await status()).toMatchObject({ valid: false, reason: 'REDEMPTION_LIMIT', redemptions: 1, maxRedemptions: 1 });
    s.clock.set(now + 20);
    expect(await status()).toMatchObject({ valid: false, reason: 'EXPIRED' });
  });

  it('counts an INVALID_CODE toward the throttle and reports THROTTLED with retryAfterMs', async () => {
    const s = setup({ redeemThrottle: { maxFailures: 2, banMs: 5000 } });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    for (let i = 0; i < 2; i++) expect((await s.engine.ntpCodeStatus({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' })).reason).toBe('INVALID_CODE');
    expect(await s.engine.ntpCodeStatus({ tenantId: T, code: token, clientKey: 'ip' })).toEqual({
      valid: false,
      reason: 'THROTTLED',
      retryAfterMs: 5000,
      redemptions: 0,
      maxRedemptions: 0,
    });
  });
});
