import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { T, instance, setup } from './support.js';

describe('NTP events', () => {
  it('emits one event per committed change, after the commit, with ids and time', async () => {
    const s = setup({ signingKey: generateKeyPairSync('ed25519').privateKey, redeemThrottle: { maxFailures: 1 } });
    const ntpId = await instance(s);
    const at = s.clock.now();
    const a = await s.engine.issueNtpCode({ tenantId: T, ntpId, email: 'a@x.org' });
    await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 4 });
    await s.engine.redeemCode({ tenantId: T, code: a.token, email: 'a@x.org' });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: a.token });
    await s.engine.redeemCode({ tenantId: T, code: 'zzzzzz', clientKey: 'ip' }).catch(() => undefined);
    await s.engine.updateNtpInstance({ tenantId: T, ntpId, maxTickets: 9 });
    await s.engine.suspendNtpInstance({ tenantId: T, ntpId });
    await s.engine.deleteNtpInstance({ tenantId: T, ntpId });
    expect(s.events).toEqual([
      { type: 'ntp.instance.created', tenantId: T, at, ntpId },
      { type: 'ntp.code.issued', tenantId: T, at, ntpId, count: 1 },
      { type: 'ntp.code.issued', tenantId: T, at, ntpId, count: 1 },
      { type: 'ntp.code.issued', tenantId: T, at, ntpId, count: 4 },
      { type: 'ntp.code.redeemed', tenantId: T, at, ntpId, userId: a.userId },
      { type: 'ntp.code.revoked', tenantId: T, at, ntpId, userId: a.userId },
      { type: 'ntp.client.throttled', tenantId: T, at, clientKey: 'ip', retryAfterMs: 15 * 60 * 1000 },
      { type: 'ntp.instance.updated', tenantId: T, at, ntpId },
      { type: 'ntp.instance.suspended', tenantId: T, at, ntpId },
      { type: 'ntp.instance.deleted', tenantId: T, at, ntpId },
    ]);
    expect(JSON.stringify(s.events)).not.toContain(a.token);
    expect(JSON.stringify(s.events)).not.toContain('a@x.org');
  });

  it('emits nothing for a refused call', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 1, maxRedemptions: 1 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token });
    const count = s.events.length;
    await s.engine.issueNtpCode({ tenantId: T, ntpId }).catch(() => undefined);
    await s.engine.redeemCode({ tenantId: T, ntpId, code: token }).catch(() => undefined);
    await s.engine.updateNtpInstance({ tenantId: T, ntpId, startTime: 5, endTime: 1 }).catch(() => undefined);
    expect(s.events).toHaveLength(count);
  });

  it('isolates a handler that throws: the operation still succeeds', async () => {
    const s = setup({
      onEvent: () => {
        throw new Error('handler bug');
      },
    });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: token })).toBe('iq__object');
  });
});
