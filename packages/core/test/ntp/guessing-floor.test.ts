import { describe, expect, it } from 'vitest';
import { guessingLimit, lengthThatFits } from '../../src/ntp/guessing-floor.js';
import { memoryStore } from '@ntpass/store-memory';
import { T, eventually, faultyStore, instance, rejects, setup, type Setup } from './support.js';

/** The tenant's live-code counter for `length`, read through the store. */
async function liveCodes(s: Setup, length: number, tenantId = T): Promise<number> {
  const { counters } = await s.store.read({ partition: `ntp-tenant:${encodeURIComponent(tenantId)}`, counters: [`live:${length}`], now: s.clock.now() });
  return counters[0] ?? 0;
}

describe('guessing floor: the numbers', () => {
  it('allows ⌊58^length / 2^20⌋ live codes per tenant and length', () => {
    expect([4, 5, 6, 7, 8].map(guessingLimit)).toEqual([10, 625, 36_305, 2_105_697, 122_130_471]);
    for (let length = 4; length <= 32; length++) expect(guessingLimit(length) / 58 ** length).toBeLessThanOrEqual(2 ** -20);
    expect(guessingLimit(32)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('names the shortest length that fits a number of codes', () => {
    expect([1, 10, 11, 625, 626, 36_305, 36_306, 1_000_000].map(lengthThatFits)).toEqual([4, 4, 5, 5, 6, 6, 7, 7]);
  });
});

describe('guessing floor: issuing', () => {
  it('issues exactly 10 four-character codes per tenant, then refuses naming ticketLength and a length that fits', async () => {
    const s = setup();
    const a = await instance(s, { ticketLength: 4 });
    const b = await instance(s, { ticketLength: 4 });
    for (let i = 0; i < 6; i++) await s.engine.issueNtpCode({ tenantId: T, ntpId: a });
    for (let i = 0; i < 4; i++) await s.engine.issueNtpCode({ tenantId: T, ntpId: b });
    const error = await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId: a }), 'TICKET_LIMIT');
    expect(error.message).toMatch(/^issueNtpCode: .*ticketLength 4.*use ticketLength 5 or more/);
    await rejects(s.engine.issueSignedNtpCode({ tenantId: T, ntpId: b }), 'INVALID_ARGUMENT'); // no signing key: refused before the floor
    // Nothing was taken by the refusal; another length and another tenant have their own budget.
    expect(await liveCodes(s, 4)).toBe(10);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId: a })).issuedTickets).toBe(6);
    await s.engine.issueNtpCode({ tenantId: T, ntpId: await instance(s, { ticketLength: 5 }) });
    const other = await s.engine.createNtpInstance({ tenantId: 'tenant-b', objectId: 'o', ticketLength: 4 });
    await s.engine.issueNtpCode({ tenantId: 'tenant-b', ntpId: other });
  });

  it('issues exactly 625 five-character codes per tenant', async () => {
    const s = setup();
    const ntpId = await instance(s, { ticketLength: 5 });
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 624 });
    await s.engine.issueNtpCode({ tenantId: T, ntpId });
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 1 }), 'TICKET_LIMIT');
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(625);
  });

  it('issues exactly 36 305 six-character codes per tenant (the default length)', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 36_305 });
    const error = await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    expect(error.message).toMatch(/ticketLength 6.*use ticketLength 7 or more/);
    expect(await s.engine.redeemCode({ tenantId: T, code: tokens[36_304]!.token })).toBe('iq__object');
  }, 60_000);

  it('checks a bulk call once, up front: a count past the floor writes nothing', async () => {
    const s = setup();
    const ntpId = await instance(s, { ticketLength: 4 });
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 4 });
    s.store.clearCalls();
    const error = await rejects(s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 7 }), 'TICKET_LIMIT');
    expect(error.message).toMatch(/^issueNtpCodes: .*ticketLength 4.*use ticketLength 5 or more/);
    // The refused add, then a look for dead bulk calls of this instance to reclaim (the instance lists
    // no open batch): nothing else.
    expect(s.store.calls.map((c) => [c.method, c.partitions[0]?.split(':')[0]])).toEqual([
      ['commit', 'ntp-tenant'],
      ['read', 'ntp'],
    ]);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(4);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 6 });
    expect(await liveCodes(s, 4)).toBe(10);
  });

  it('refuses at createNtpInstance (and update) a maxTickets that could never fit', async () => {
    const s = setup();
    const tooMany = await rejects(instance(s, { ticketLength: 4, maxTickets: 11 }), 'INVALID_ARGUMENT');
    expect(tooMany.message).toMatch(/^createNtpInstance: maxTickets .*use ticketLength 5 or more/);
    await rejects(instance(s, { maxTickets: 36_306 }), 'INVALID_ARGUMENT');
    await rejects(instance(s, { ticketLength: 7, maxTickets: 2_105_698 }), 'INVALID_ARGUMENT');
    await instance(s, { ticketLength: 7, maxTickets: 2_105_697 });
    const ntpId = await instance(s, { ticketLength: 4, maxTickets: 10 });
    const update = await rejects(s.engine.updateNtpInstance({ tenantId: T, ntpId, maxTickets: 11 }), 'INVALID_ARGUMENT');
    expect(update.message).toMatch(/^updateNtpInstance: maxTickets/);
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).maxTickets).toBe(10);
    await instance(s, { ticketLength: 4, maxTickets: 1000, allowGuessableCodes: true });
  });

  it('lets an instance opt out (unsafe), whose codes still count toward the tenant', async () => {
    const s = setup();
    const unsafe = await instance(s, { ticketLength: 4, allowGuessableCodes: true });
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId: unsafe })).allowGuessableCodes).toBe(true);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId: unsafe, count: 15 });
    await s.engine.issueNtpCode({ tenantId: T, ntpId: unsafe });
    expect(await liveCodes(s, 4)).toBe(16);
    // A tenant-wide guess now tests 16 codes: an instance without the opt-out may not add to them.
    const safe = await instance(s, { ticketLength: 4 });
    expect('allowGuessableCodes' in (await s.engine.ntpInstance({ tenantId: T, ntpId: safe }))).toBe(false);
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId: safe }), 'TICKET_LIMIT');
    await rejects(instance(s, { allowGuessableCodes: 'yes' }), 'INVALID_ARGUMENT');
  });
});

describe('guessing floor: giving live codes back', () => {
  it('on revoke (once), on a refused issue, on an aborted bulk call and on delete', async () => {
    const s = setup();
    const ntpId = await instance(s, { ticketLength: 4, maxTickets: 8 });
    const issued = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 8 });
    expect(await liveCodes(s, 4)).toBe(8);
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT'); // maxTickets, not the floor
    expect(await liveCodes(s, 4)).toBe(8);
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: issued.tokens[0]!.token });
    await s.engine.revokeNtpCode({ tenantId: T, ntpId, code: issued.tokens[0]!.token });
    expect(await liveCodes(s, 4)).toBe(7);

    const other = await instance(s, { ticketLength: 4 });
    const boom = new Error('progress handler failed');
    await expect(
      s.engine.issueNtpCodes({
        tenantId: T,
        ntpId: other,
        count: 3,
        onProgress: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect(await liveCodes(s, 4)).toBe(7);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId: other, count: 3 });
    expect(await liveCodes(s, 4)).toBe(10);

    await s.engine.deleteNtpInstance({ tenantId: T, ntpId });
    await eventually(async () => (await liveCodes(s, 4)) === 3);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId: other, count: 7 });
    await rejects(s.engine.issueNtpCode({ tenantId: T, ntpId: other }), 'TICKET_LIMIT');
  });

  it('gives back the live codes of a bulk call whose process died, once its lease lapses', async () => {
    const shared = memoryStore();
    // The "dead" process: its bulk call's ticket commits never return.
    const dead = setup({ store: faultyStore(shared, (c) => (c.ops.some((o) => o.type === 'put' && o.key.startsWith('t:') && 'batch' in o.value) ? 'hang' : undefined)) });
    const ntpId = await dead.engine.createNtpInstance({ tenantId: T, objectId: 'o', ticketLength: 4 });
    void dead.engine.issueNtpCodes({ tenantId: T, ntpId, count: 10 });
    const alive = setup({ store: shared });
    await eventually(async () => (await liveCodes(alive, 4)) === 10);
    await rejects(alive.engine.issueNtpCode({ tenantId: T, ntpId }), 'TICKET_LIMIT');
    alive.clock.advance(6 * 60 * 1000); // past the batch's 5-minute lease
    await alive.engine.issueNtpCode({ tenantId: T, ntpId });
    expect(await liveCodes(alive, 4)).toBe(1);
    expect((await alive.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(1);
  });
});
