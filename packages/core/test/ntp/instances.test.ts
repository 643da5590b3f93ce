import { describe, expect, it } from 'vitest';
import { T, instance, rejects, setup, sibling } from './support.js';

describe('createNtpInstance', () => {
  it('returns a QOTP id and applies the SPEC defaults', async () => {
    const s = setup();
    const ntpId = await instance(s);
    expect(ntpId).toMatch(/^QOTP[1-9A-HJ-NP-Za-km-z]{11}$/);
    const info = await s.engine.ntpInstance({ tenantId: T, ntpId });
    expect(info).toEqual({
      ntpId,
      tenantId: T,
      objectId: 'iq__object',
      groupAddresses: [],
      ntpClass: 4,
      state: 'active',
      ticketLength: 6,
      maxRedemptions: 100,
      maxTickets: 0,
      issuedTickets: 0,
      redemptions: 0,
      createdAt: s.clock.now(),
      updatedAt: s.clock.now(),
    });
  });

  it('accepts every time form of SPEC §2 and returns epoch ms', async () => {
    const s = setup();
    const forms = [
      [new Date('2030-02-01T00:00:00Z'), Date.UTC(2030, 1, 1)],
      [Date.UTC(2030, 1, 1), Date.UTC(2030, 1, 1)],
      [String(Date.UTC(2030, 1, 1)), Date.UTC(2030, 1, 1)],
      ['2030-02-01', Date.UTC(2030, 1, 1)],
      ['2030-02-01T01:00:00+01:00', Date.UTC(2030, 1, 1)],
    ] as const;
    for (const [input, ms] of forms) {
      const ntpId = await instance(s, { startTime: input, endTime: ms + 1 });
      expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).startTime).toBe(ms);
    }
  });

  it.each([
    [{ startTime: '2030-02-01T00:00:00' }, 'startTime'],
    [{ endTime: Number.NaN }, 'endTime'],
    [{ maxRedemptions: 0 }, 'maxRedemptions'],
    [{ maxRedemptions: 1.5 }, 'maxRedemptions'],
    [{ maxTickets: -1 }, 'maxTickets'],
    [{ ticketLength: 3 }, 'ticketLength'],
    [{ ticketLength: 33 }, 'ticketLength'],
    [{ ntpClass: '4' }, 'ntpClass'],
    [{ groupAddresses: 'g' }, 'groupAddresses'],
    [{ colour: 'red' }, 'colour'],
    [{ objectId: '' }, 'objectId'],
    [{ tenantId: 'a\u0000b' }, 'tenantId'],
    [{ startTime: 2000, endTime: 1000 }, 'endTime'],
    [{ startTime: 1000, endTime: 1000 }, 'endTime'],
  ])('refuses %j with INVALID_ARGUMENT naming %s, creating nothing', async (bad, field) => {
    const s = setup();
    const error = await rejects(s.engine.createNtpInstance({ tenantId: T, objectId: 'o', ...bad } as never), 'INVALID_ARGUMENT');
    expect(error.message.startsWith(`createNtpInstance: ${field} `)).toBe(true);
    expect(error.field).toBe(field);
    expect(s.store.calls.some((c) => c.method === 'commit' || c.method === 'commitBatch')).toBe(false);
    expect((await s.engine.listNtpInstances({ tenantId: T })).total).toBe(0);
  });

  it('refuses a missing required field and a non-object', async () => {
    const s = setup();
    expect((await rejects(s.engine.createNtpInstance({ tenantId: T } as never), 'INVALID_ARGUMENT')).message).toBe('createNtpInstance: objectId is required');
    await rejects(s.engine.createNtpInstance(null as never), 'INVALID_ARGUMENT');
  });
});

describe('ntpInstance', () => {
  it('is NOT_FOUND for an unknown id and for another tenant', async () => {
    const s = setup();
    const ntpId = await instance(s);
    await rejects(s.engine.ntpInstance({ tenantId: T, ntpId: 'QOTPnope' }), 'NOT_FOUND');
    await rejects(s.engine.ntpInstance({ tenantId: 'tenant-b', ntpId }), 'NOT_FOUND');
  });
});

describe('listNtpInstances', () => {
  it('pages in (createdAt, ntpId) order with a maintained total', async () => {
    const s = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await instance(s));
      if (i % 2 === 0) s.clock.advance(1);
    }
    const all = await s.engine.listNtpInstances({ tenantId: T, count: 1000 });
    const order = all.ntpInstances.map((i) => [i.createdAt, i.ntpId] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)));
    expect(new Set(order.map((o) => o[1]))).toEqual(new Set(ids));
    const page = await s.engine.listNtpInstances({ tenantId: T, count: 2, offset: 3 });
    expect(page).toMatchObject({ start: 3, end: 5, total: 5 });
    expect(page.ntpInstances.map((i) => i.ntpId)).toEqual(all.ntpInstances.slice(3, 5).map((i) => i.ntpId));
    expect(await s.engine.listNtpInstances({ tenantId: T, offset: 10 })).toEqual({ ntpInstances: [], start: 10, end: 5, total: 5 });
  });

  it('defaults to 10 per page and refuses counts outside 1..1000', async () => {
    const s = setup();
    for (let i = 0; i < 12; i++) await instance(s);
    expect((await s.engine.listNtpInstances({ tenantId: T })).ntpInstances).toHaveLength(10);
    await rejects(s.engine.listNtpInstances({ tenantId: T, count: 0 }), 'INVALID_ARGUMENT');
    await rejects(s.engine.listNtpInstances({ tenantId: T, count: 1001 }), 'INVALID_ARGUMENT');
    await rejects(s.engine.listNtpInstances({ tenantId: T, offset: -1 }), 'INVALID_ARGUMENT');
  });

  it('shows a tenant only its own instances', async () => {
    const s = setup();
    await instance(s);
    await s.engine.createNtpInstance({ tenantId: 'tenant-b', objectId: 'o' });
    expect((await s.engine.listNtpInstances({ tenantId: 'tenant-b' })).total).toBe(1);
  });
});

describe('updateNtpInstance', () => {
  it('changes only the fields given and returns the merged instance', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 5, maxRedemptions: 7, startTime: 1000, endTime: 5000 });
    s.clock.advance(10);
    const info = await s.engine.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 9 });
    expect(info).toMatchObject({ maxTickets: 5, maxRedemptions: 9, startTime: 1000, endTime: 5000, updatedAt: s.clock.now() });
    expect(await s.engine.ntpInstance({ tenantId: T, ntpId })).toEqual(info);
  });

  it('clears a bound with null and restores unlimited tickets with 0', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 5, startTime: 1000, endTime: 5000 });
    const info = await s.engine.updateNtpInstance({ tenantId: T, ntpId, startTime: null, endTime: null, maxTickets: 0 });
    expect(info.startTime).toBeUndefined();
    expect(info.endTime).toBeUndefined();
    expect(info.maxTickets).toBe(0);
  });

  it('validates the merged window and changes nothing when it is invalid', async () => {
    const s = setup();
    const ntpId = await instance(s, { startTime: 1000, endTime: 5000 });
    const before = await s.engine.ntpInstance({ tenantId: T, ntpId });
    const error = await rejects(s.engine.updateNtpInstance({ tenantId: T, ntpId, startTime: 6000, maxTickets: 3 }), 'INVALID_ARGUMENT');
    expect(error.message).toBe('updateNtpInstance: endTime must be after startTime');
    expect(await s.engine.ntpInstance({ tenantId: T, ntpId })).toEqual(before);
  });

  it('allows maxTickets below issuedTickets, which stops further issuing', async () => {
    const s = setup();
    const ntpId = await instance(s);
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const info = await s.engine.updateNtpInstance({ tenantId: T, ntpId, maxTickets: 1 });
    expect(info).toMatchObject({ maxTickets: 1, issuedTickets: 2 });
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
  });

  it('is NOT_FOUND for an unknown instance and refuses unknown fields', async () => {
    const s = setup();
    const ntpId = await instance(s);
    await rejects(s.engine.updateNtpInstance({ tenantId: T, ntpId: 'QOTPnope', maxTickets: 1 }), 'NOT_FOUND');
    await rejects(s.engine.updateNtpInstance({ tenantId: T, ntpId, objectId: 'x' } as never), 'INVALID_ARGUMENT');
  });
});

describe('suspendNtpInstance', () => {
  it('stops redeeming and issuing (EXPIRED) until an update gives endTime', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await s.engine.suspendNtpInstance({ tenantId: T, ntpId });
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).state).toBe('suspended');
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token }), 'EXPIRED');
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'EXPIRED');
    await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 2 }), 'EXPIRED');
    await s.engine.updateNtpInstance({ tenantId: T, ntpId, maxRedemptions: 50 });
    await rejects(s.engine.redeemCode({ tenantId: T, ntpId, code: token }), 'EXPIRED');
    await s.engine.updateNtpInstance({ tenantId: T, ntpId, endTime: null });
    expect(await s.engine.redeemCode({ tenantId: T, ntpId, code: token })).toBe('iq__object');
  });

  it('takes effect for another engine holding the instance in its cache', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId, maxRedemptions: 5 });
    const other = sibling(s);
    await other.redeemCode({ tenantId: T, ntpId, code: token });
    await s.engine.suspendNtpInstance({ tenantId: T, ntpId });
    await rejects(other.redeemCode({ tenantId: T, ntpId, code: token }), 'EXPIRED');
  });

  it('is NOT_FOUND for an unknown instance', async () => {
    const s = setup();
    await rejects(s.engine.suspendNtpInstance({ tenantId: T, ntpId: 'QOTPnope' }), 'NOT_FOUND');
  });
});
