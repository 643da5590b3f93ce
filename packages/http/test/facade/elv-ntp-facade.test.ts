import { generateKeyPairSync } from 'node:crypto';
import { createEngine } from '@ntpass/core';
import { createFakeClock, TEST_SECRET } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { elvNtpFacade } from '../../src/facade/elv-ntp-facade.js';

const SECRET = TEST_SECRET;

function setup(options: { kmsId?: string } = {}) {
  const clock = createFakeClock(Date.UTC(2020, 10, 18));
  const engine = createEngine({ store: memoryStore(), secret: SECRET, clock: clock.now, signingKey: generateKeyPairSync('ed25519').privateKey });
  return { clock, engine, facade: elvNtpFacade(engine, options) };
}

// FormatNTPInfo's key order in @eluvio/elv-client-js 4.2.15 (src/client/NTP.js).
const SDK_INSTANCE_KEYS = ['ntpId', 'ntpClass', 'tenantId', 'kmsId', 'objectId', 'updatedAt', 'startTime', 'endTime', 'ticketLength', 'maxRedemptions', 'maxTickets', 'issuedTickets'];
const SDK_UPDATE_KEYS = SDK_INSTANCE_KEYS.filter((key) => key !== 'issuedTickets');
const TENANT = 'iten3PumhoQT6LG4VTDZozu83a6qw9JS';
const OBJECT = 'iq__iTghh4NbMVUVK7wMHSNtXrH2vq8';

describe('elvNtpFacade', () => {
  it("returns NTPInstance in the SDK's shape: class label, string limits, number times and counts", async () => {
    const { facade } = setup({ kmsId: 'ikms4ZPRRaZiwQN6rxEz7D75tqzvGQ3g' });
    const ntpId = await facade.CreateNTPInstance({
      tenantId: TENANT,
      objectId: OBJECT,
      maxTickets: 123,
      maxRedemptions: 456,
      ticketLength: 6,
      startTime: '2018-11-02T23:55:51.043Z',
      endTime: '2022-11-03T23:55:50.043Z',
    });
    expect(ntpId).toMatch(/^QOTP[1-9A-HJ-NP-Za-km-z]{11}$/);
    const info = await facade.NTPInstance({ tenantId: TENANT, ntpId });
    expect(Object.keys(info)).toEqual(SDK_INSTANCE_KEYS);
    expect(info).toEqual({
      ntpId,
      ntpClass: 'Class 4',
      tenantId: TENANT,
      kmsId: 'ikms4ZPRRaZiwQN6rxEz7D75tqzvGQ3g',
      objectId: OBJECT,
      updatedAt: Date.UTC(2020, 10, 18),
      startTime: 1541202951043,
      endTime: 1667519750043,
      ticketLength: '6',
      maxRedemptions: '456',
      maxTickets: 123,
      issuedTickets: 0,
    });
  });

  it('reports the default kmsId, and unbounded times as NaN, as the SDK does', async () => {
    const { facade } = setup();
    const ntpId = await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT, ntpClass: 3 });
    const info = await facade.NTPInstance({ tenantId: TENANT, ntpId });
    expect(Object.keys(info)).toEqual(SDK_INSTANCE_KEYS);
    expect(info).toMatchObject({ ntpClass: 'Class 3', kmsId: 'ikmsntpass', startTime: Number.NaN, endTime: Number.NaN, ticketLength: '6', maxRedemptions: '100', maxTickets: 0 });
  });

  it('pages ListNTPInstances with start, end and total', async () => {
    const { facade, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      ids.push(await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT }));
      clock.advance(1);
    }
    const page = await facade.ListNTPInstances({ tenantId: TENANT, count: 5, offset: 5 });
    expect(Object.keys(page)).toEqual(['ntpInstances', 'start', 'end', 'total']);
    expect(page).toMatchObject({ start: 5, end: 7, total: 7 });
    expect(page.ntpInstances.map((i) => i.ntpId)).toEqual(ids.slice(5));
    expect(page.ntpInstances[0]?.ntpClass).toBe('Class 4');
  });

  it('issues { token, user_id } and counts issuedTickets', async () => {
    const { facade } = setup();
    const ntpId = await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT });
    const issued = await facade.IssueNTPCode({ tenantId: TENANT, ntpId, email: '' });
    expect(Object.keys(issued)).toEqual(['token', 'user_id']);
    expect(issued.token).toMatch(/^[1-9A-HJ-NP-Za-km-z]{6}$/);
    expect(issued.user_id).toMatch(/^iusr[1-9A-HJ-NP-Za-km-z]{28}$/);
    const signed = await facade.IssueSignedNTPCode({ tenantId: TENANT, ntpId });
    expect(Object.keys(signed)).toEqual(['token', 'user_id']);
    expect(signed.token.split('.')).toHaveLength(3);
    expect((await facade.NTPInstance({ tenantId: TENANT, ntpId })).issuedTickets).toBe(2);
  });

  it('redeems to the objectId, or to { objectId, ntpId } with includeNTPId', async () => {
    const { facade } = setup();
    const ntpId = await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT });
    const { token } = await facade.IssueNTPCode({ tenantId: TENANT, ntpId });
    expect(await facade.RedeemCode({ tenantId: TENANT, ntpId, code: token, email: '' })).toBe(OBJECT);
    expect(await facade.RedeemCode({ issuer: `/otp/ntp/${TENANT}`, code: token, includeNTPId: true })).toEqual({ objectId: OBJECT, ntpId });
    const bound = await facade.IssueNTPCode({ tenantId: TENANT, ntpId, email: 'person@example.com' });
    expect(await facade.RedeemCode({ tenantId: TENANT, ntpId, code: bound.token, email: 'person@example.com', includeNTPId: false })).toBe(OBJECT);
  });

  it("answers UpdateNTPInstance in the SDK's update shape, without issuedTickets", async () => {
    const { facade } = setup({ kmsId: 'ikms' });
    const ntpId = await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT });
    const updated = await facade.UpdateNTPInstance({
      tenantId: TENANT,
      ntpId,
      maxTickets: 123,
      maxRedemptions: 456,
      startTime: '2018-11-02T23:55:51.043Z',
      endTime: '2022-11-03T23:55:50.043Z',
    });
    expect(Object.keys(updated)).toEqual(SDK_UPDATE_KEYS);
    expect(updated).toMatchObject({ maxTickets: 123, maxRedemptions: '456', startTime: 1541202951043, endTime: 1667519750043 });
  });

  it('shows a suspended instance as the SDK models suspension, an end time already past, until endTime is set again', async () => {
    const { facade, clock } = setup();
    const ntpId = await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT, endTime: '2030-01-01' });
    clock.advance(60_000);
    expect(await facade.SuspendNTPInstance({ tenantId: TENANT, ntpId })).toBeUndefined();
    const suspendedAt = clock.now();
    clock.advance(60_000);
    expect((await facade.NTPInstance({ tenantId: TENANT, ntpId })).endTime).toBe(suspendedAt);
    await expect(facade.IssueNTPCode({ tenantId: TENANT, ntpId })).rejects.toMatchObject({ code: 'EXPIRED' });
    const reopened = await facade.UpdateNTPInstance({ tenantId: TENANT, ntpId, endTime: '2031-01-01' });
    expect(reopened.endTime).toBe(Date.UTC(2031, 0, 1));
  });

  it('deletes for good', async () => {
    const { facade } = setup();
    const ntpId = await facade.CreateNTPInstance({ tenantId: TENANT, objectId: OBJECT });
    expect(await facade.DeleteNTPInstance({ tenantId: TENANT, ntpId })).toBeUndefined();
    await expect(facade.NTPInstance({ tenantId: TENANT, ntpId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an empty kmsId', () => {
    const { engine } = setup();
    expect(() => elvNtpFacade(engine, { kmsId: '' })).toThrow('elvNtpFacade: kmsId must be a non-empty string');
  });
});
