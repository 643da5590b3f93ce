import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Instance } from '../../src/ntp/instance-rules.js';
import { judgeRedemption, sameHash, ticketExpectation, ticketFromFields, ticketToFields, type RedemptionFacts, type Ticket } from '../../src/ntp/ticket-rules.js';

const instance: Instance = {
  tenantId: 't',
  ntpId: 'n',
  objectId: 'o',
  groupAddresses: [],
  ntpClass: 4,
  state: 'active',
  startTime: 100,
  endTime: 200,
  ticketLength: 6,
  maxRedemptions: 5,
  maxTickets: 0,
  allowGuessableCodes: false,
  createdAt: 0,
  updatedAt: 0,
  openBatches: [],
  lastBatch: 0,
  bulkTickets: 0,
};
const ticket: Ticket = { cap: 3, email: null, signed: false, issuedAt: 0, batch: null, revoked: false };
const ok: RedemptionFacts = { instance, ticket, redemptions: 0, emailHash: null, signed: false, now: 150 };

describe('judgeRedemption', () => {
  it('accepts a valid ticket inside the window under its cap', () => {
    expect(judgeRedemption(ok)).toBeNull();
  });

  it('is INVALID_CODE for an unknown, revoked, pending or wrongly signed ticket, or a missing instance', () => {
    const writing = { ...instance, openBatches: [3, 7], lastBatch: 7 };
    expect(judgeRedemption({ ...ok, ticket: null })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, instance: null })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, ticket: { ...ticket, revoked: true } })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, instance: writing, ticket: { ...ticket, batch: 7 } })).toBe('INVALID_CODE');
    // A batch no longer listed is done: its tickets redeem, marked or not, whatever else is open.
    expect(judgeRedemption({ ...ok, instance: writing, ticket: { ...ticket, batch: 5 } })).toBeNull();
    expect(judgeRedemption({ ...ok, instance: writing })).toBeNull();
    expect(judgeRedemption({ ...ok, signed: true })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, ticket: { ...ticket, signed: true } })).toBe('INVALID_CODE');
  });

  it('requires the bound email and ignores an email given for an unbound ticket', () => {
    const bound = { ...ticket, email: 'hash-a' };
    expect(judgeRedemption({ ...ok, ticket: bound })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, ticket: bound, emailHash: 'hash-b' })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, ticket: bound, emailHash: 'hash-a' })).toBeNull();
    expect(judgeRedemption({ ...ok, emailHash: 'anything' })).toBeNull();
  });

  it('judges the window after the code and before the limit', () => {
    expect(judgeRedemption({ ...ok, now: 200 })).toBe('EXPIRED');
    expect(judgeRedemption({ ...ok, now: 99 })).toBe('NOT_STARTED');
    expect(judgeRedemption({ ...ok, instance: { ...instance, state: 'suspended' } })).toBe('EXPIRED');
    expect(judgeRedemption({ ...ok, now: 200, ticket: null })).toBe('INVALID_CODE');
    expect(judgeRedemption({ ...ok, now: 99, redemptions: 3 })).toBe('NOT_STARTED');
  });

  it('refuses at min(ticket cap, instance maxRedemptions)', () => {
    expect(judgeRedemption({ ...ok, redemptions: 2 })).toBeNull();
    expect(judgeRedemption({ ...ok, redemptions: 3 })).toBe('REDEMPTION_LIMIT');
    const lowered = { ...instance, maxRedemptions: 1 };
    expect(judgeRedemption({ ...ok, instance: lowered, redemptions: 1 })).toBe('REDEMPTION_LIMIT');
  });

  it('follows SPEC §3.3 order for every combination of failures', () => {
    fc.assert(
      fc.property(
        fc.record({ unknown: fc.boolean(), wrongEmail: fc.boolean(), suspended: fc.boolean(), early: fc.boolean(), spent: fc.boolean() }),
        (f) => {
          const facts: RedemptionFacts = {
            ...ok,
            ticket: f.unknown ? null : { ...ticket, email: 'h' },
            emailHash: f.wrongEmail ? 'x' : 'h',
            instance: { ...instance, state: f.suspended ? 'suspended' : 'active' },
            now: f.early ? 50 : 150,
            redemptions: f.spent ? 3 : 0,
          };
          const expected = f.unknown || f.wrongEmail ? 'INVALID_CODE' : f.suspended ? 'EXPIRED' : f.early ? 'NOT_STARTED' : f.spent ? 'REDEMPTION_LIMIT' : null;
          expect(judgeRedemption(facts)).toBe(expected);
        },
      ),
    );
  });
});

describe('ticket stored form', () => {
  it('round-trips and stores absent fields as absent', () => {
    const full: Ticket = { cap: 2, email: 'e', signed: true, issuedAt: 9, batch: null, revoked: true };
    expect(ticketFromFields(ticketToFields(full))).toEqual(full);
    expect(Object.keys(ticketToFields(ticket)).sort()).toEqual(['cap', 'issuedAt']);
    // A bulk ticket's issue time is its batch's, kept once in the batch's listing entry.
    const bulk: Ticket = { ...full, batch: 4 };
    expect(ticketFromFields(ticketToFields(bulk))).toEqual({ ...bulk, issuedAt: 0 });
    expect(Object.keys(ticketToFields({ ...ticket, batch: 4 })).sort()).toEqual(['batch', 'cap']);
  });

  it('expects exactly what the one-round-trip commit must check', () => {
    // No open batch: a batch mark can only name a done batch, so it is not checked.
    expect(ticketExpectation(null, false, instance)).toEqual({ email: null, revoked: null, signed: null });
    expect(ticketExpectation('h', true)).toEqual({ email: 'h', revoked: null, signed: true });
    // Open batches: no mark, or the mark of a batch read and found done.
    const writing = { ...instance, openBatches: [7], lastBatch: 7 };
    expect(ticketExpectation('h', false, writing)).toEqual({ email: 'h', batch: null, revoked: null, signed: null });
    expect(ticketExpectation('h', false, writing, 5)).toEqual({ email: 'h', batch: 5, revoked: null, signed: null });
  });
});

describe('sameHash', () => {
  it('compares equal and unequal hashes, including different lengths', () => {
    expect(sameHash('abc', 'abc')).toBe(true);
    expect(sameHash('abc', 'abd')).toBe(false);
    expect(sameHash('abc', 'abcd')).toBe(false);
  });
});
