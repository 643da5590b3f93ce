import { describe, expect, it } from 'vitest';
import { isNtpassError } from '@ntpass/core';
import {
  applyChanges,
  canIssue,
  checkWindow,
  effectiveCap,
  instanceFromFields,
  instanceInfo,
  instanceToFields,
  redeemWindow,
  ticketCap,
  type Instance,
} from '../../src/ntp/instance-rules.js';

const base: Instance = {
  tenantId: 't',
  ntpId: 'QOTP11111111111',
  objectId: 'o',
  groupAddresses: ['g'],
  ntpClass: 4,
  state: 'active',
  startTime: 1000,
  endTime: 2000,
  ticketLength: 6,
  maxRedemptions: 10,
  maxTickets: 0,
  allowGuessableCodes: false,
  createdAt: 1,
  updatedAt: 1,
  openBatches: [],
  lastBatch: 0,
  bulkTickets: 0,
};

describe('instance window', () => {
  it('is NOT_STARTED before startTime and open from startTime on', () => {
    expect(redeemWindow(base, 999)).toBe('NOT_STARTED');
    expect(redeemWindow(base, 1000)).toBeNull();
  });

  it('is EXPIRED at endTime (exclusive end)', () => {
    expect(redeemWindow(base, 1999)).toBeNull();
    expect(redeemWindow(base, 2000)).toBe('EXPIRED');
  });

  it('is EXPIRED while suspended, even inside the window, and EXPIRED wins over NOT_STARTED', () => {
    const suspended = { ...base, state: 'suspended' as const };
    expect(redeemWindow(suspended, 1500)).toBe('EXPIRED');
    expect(redeemWindow(suspended, 0)).toBe('EXPIRED');
  });

  it('is unbounded without start or end', () => {
    const open = { ...base, startTime: null, endTime: null };
    expect(redeemWindow(open, -1e15)).toBeNull();
    expect(redeemWindow(open, 1e15)).toBeNull();
  });

  it('allows issuing before startTime but not when ended or suspended', () => {
    expect(canIssue(base, 0)).toBe(true);
    expect(canIssue(base, 2000)).toBe(false);
    expect(canIssue({ ...base, state: 'suspended' }, 1500)).toBe(false);
  });
});

describe('checkWindow', () => {
  it('refuses an end not after the start, naming endTime', () => {
    for (const [start, end] of [
      [5, 5],
      [6, 5],
    ] as const) {
      try {
        checkWindow('createNtpInstance', start, end);
        expect.unreachable();
      } catch (e) {
        expect(isNtpassError(e) && e.code).toBe('INVALID_ARGUMENT');
        expect((e as Error).message).toBe('createNtpInstance: endTime must be after startTime');
      }
    }
  });

  it('accepts a missing bound on either side', () => {
    expect(() => checkWindow('op', null, 5)).not.toThrow();
    expect(() => checkWindow('op', 5, null)).not.toThrow();
    expect(() => checkWindow('op', 4, 5)).not.toThrow();
  });
});

describe('applyChanges', () => {
  it('changes only the fields given', () => {
    const next = applyChanges('u', base, { maxTickets: 7 }, 99);
    expect(next).toEqual({ ...base, maxTickets: 7, updatedAt: 99 });
  });

  it('clears a bound with null', () => {
    expect(applyChanges('u', base, { startTime: null }, 5).startTime).toBeNull();
    expect(applyChanges('u', base, { endTime: null }, 5).endTime).toBeNull();
  });

  it('ends a suspension when endTime is given (a time or null), not otherwise', () => {
    const suspended = { ...base, state: 'suspended' as const };
    expect(applyChanges('u', suspended, { endTime: 3000 }, 5).state).toBe('active');
    expect(applyChanges('u', suspended, { endTime: null }, 5).state).toBe('active');
    expect(applyChanges('u', suspended, { startTime: 10, maxTickets: 1 }, 5).state).toBe('suspended');
  });

  it('validates the merged window, so a new start after the old end is refused', () => {
    expect(() => applyChanges('updateNtpInstance', base, { startTime: 2500 }, 5)).toThrow('updateNtpInstance: endTime must be after startTime');
  });
});

describe('caps', () => {
  it("a ticket's cap is the lower of its own and the instance's", () => {
    expect(ticketCap(undefined, base)).toBe(10);
    expect(ticketCap(3, base)).toBe(3);
    expect(ticketCap(30, base)).toBe(10);
  });

  it("the effective cap follows the instance's current maxRedemptions down, never above the ticket's", () => {
    expect(effectiveCap(5, { ...base, maxRedemptions: 2 })).toBe(2);
    expect(effectiveCap(5, { ...base, maxRedemptions: 50 })).toBe(5);
  });
});

describe('stored form', () => {
  it('round-trips', () => {
    expect(instanceFromFields(instanceToFields(base))).toEqual(base);
  });

  it('omits absent bounds from the public view', () => {
    const info = instanceInfo({ ...base, startTime: null, endTime: null }, 3, 4);
    expect('startTime' in info).toBe(false);
    expect('endTime' in info).toBe(false);
    expect(info).toMatchObject({ issuedTickets: 3, redemptions: 4 });
  });
});
