import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignedCode } from '@ntpass/core';
import { T, instance, rejects, setup, sibling } from './support.js';

const keys = generateKeyPairSync('ed25519');
const next = generateKeyPairSync('ed25519');

describe('issueSignedNtpCode', () => {
  it('returns "<code>.<payload>.<signature>" whose payload names tenant, instance, code, time and kid', async () => {
    const s = setup({ signingKey: keys.privateKey, signingKeyId: 'k1' });
    const ntpId = await instance(s, { ticketLength: 8 });
    const { token, userId } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId, email: 'Ann@Example.org' });
    const [code] = token.split('.');
    const payload = verifySignedCode(token, keys.publicKey);
    expect(payload).toMatchObject({ v: 1, tenantId: T, ntpId, code, iat: s.clock.now(), kid: 'k1' });
    expect(payload?.emailHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toMatch(/ann@example\.org/i);
    expect(userId).toMatch(/^iusr/);
    const { tickets } = await s.engine.listNtpTickets({ tenantId: T, ntpId });
    expect(tickets[0]).toMatchObject({ userId, signed: true, emailBound: true });
  });

  it('redeems with the token alone, with its tenant, or with its tenant and instance', async () => {
    const s = setup({ signingKey: keys.privateKey });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
    expect(await s.engine.redeemCode({ code: token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, code: token })).toBe('iq__object');
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: token, includeNtpId: true })).toEqual({ objectId: 'iq__object', ntpId });
    expect(await s.engine.redeemCode({ issuer: `/otp/ntp/${T}`, code: token })).toBe('iq__object');
  });

  it('does not redeem by its code alone', async () => {
    const s = setup({ signingKey: keys.privateKey });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
    const code = token.split('.')[0] ?? '';
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, code }), 'INVALID_CODE');
  });

  it('is INVALID_CODE for another tenant or instance than it names', async () => {
    const s = setup({ signingKey: keys.privateKey });
    const ntpId = await instance(s);
    const other = await instance(s);
    const { token } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.redeemCode({ tenantId: 'tenant-b', code: token }), 'INVALID_CODE');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId: other, code: token }), 'INVALID_CODE');
  });

  it('refuses a token that does not verify before touching the store, counting no throttle failure', async () => {
    const s = setup({ signingKey: keys.privateKey, redeemThrottle: { maxFailures: 1 } });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
    const forged = `${token.slice(0, -3)}AAA`;
    s.store.clearCalls();
    for (let i = 0; i < 3; i++) await rejects(s.engine.redeemCode({ code: forged, clientKey: 'ip-1' }), 'INVALID_CODE');
    expect(s.store.calls).toEqual([]);
    expect(await s.engine.redeemCode({ code: token, clientKey: 'ip-1' })).toBe('iq__object');
  });

  it('verifies with rotated keys by kid, and not with an unknown kid', async () => {
    const s = setup({ signingKey: keys.privateKey, signingKeyId: 'old' });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId });
    const rotated = sibling(s, { signingKey: next.privateKey, signingKeyId: 'new', verifyKeys: { old: keys.publicKey } });
    expect(await rotated.redeemCode({ code: token })).toBe('iq__object');
    const stranger = sibling(s, { signingKey: next.privateKey, signingKeyId: 'new' });
    await rejects(stranger.redeemCode({ code: token }), 'INVALID_CODE');
  });

  it('needs a signing key', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const error = await rejects(s.engine.issueSignedNtpCode({ tenantId: T, ntpId }), 'INVALID_ARGUMENT');
    expect(error.field).toBe('signingKey');
    await rejects(s.engine.redeemCode({ code: 'a.b.c' }), 'INVALID_CODE');
  });

  it('requires the bound email like any ticket', async () => {
    const s = setup({ signingKey: keys.privateKey });
    const ntpId = await instance(s);
    const { token } = await s.engine.issueSignedNtpCode({ tenantId: T, ntpId, email: 'ann@example.org' });
    await rejects(s.engine.redeemCode({ code: token }), 'INVALID_CODE');
    expect(await s.engine.redeemCode({ code: token, email: ' ANN@example.org' })).toBe('iq__object');
  });
});
