import { describe, expect, it } from 'vitest';
import { T, instance, setup, sibling } from './support.js';

describe('concurrency', () => {
  it('200 concurrent redemptions of a 7-use code succeed exactly 7 times', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 7 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const engines = [s.engine, sibling(s), sibling(s)];
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => engines[i % 3]!.redeemCode({ tenantId: T, ...(i % 2 ? { ntpId } : {}), code: token })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const reasons = new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : [])));
    expect(reasons).toEqual(new Set(['REDEMPTION_LIMIT']));
    expect(await s.engine.ntpInstanceReport({ tenantId: T, ntpId })).toMatchObject({ totalRedemptions: 7, redeemedTickets: 1 });
  });

  it('40 concurrent issues against maxTickets 5 succeed exactly 5 times', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxTickets: 5 });
    const engines = [s.engine, sibling(s)];
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => engines[i % 2]!.issueNtpCode({ tenantId: T, ntpId })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const reasons = new Set(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : [])));
    expect(reasons).toEqual(new Set(['TICKET_LIMIT']));
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).issuedTickets).toBe(5);
    expect((await s.engine.listNtpTickets({ tenantId: T, ntpId })).total).toBe(5);
  });

  it('redemptions racing a suspend: none starting after it returned succeeds, none is counted after it', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 1000 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const other = sibling(s);
    await other.redeemCode({ tenantId: T, ntpId, code: token });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    let suspended = false;
    let countedAtSuspension = -1;
    const late: number[] = [];
    let successes = 0;
    // Callers keep redeeming, a turn apart, so some calls are in flight and some start after the suspension.
    const callers = Array.from({ length: 8 }, async (_, i) => {
      for (let k = 0; k < 30; k++) {
        const startedAfter = suspended;
        const ok = await (i % 2 ? s.engine : other).redeemCode({ tenantId: T, ntpId, code: token }).then(() => true, () => false);
        if (ok) successes++;
        if (ok && startedAfter) late.push(i);
        await turn();
      }
    });
    const suspension = (async () => {
      for (let k = 0; k < 5; k++) await turn();
      await s.engine.suspendNtpInstance({ tenantId: T, ntpId });
      suspended = true;
      countedAtSuspension = (await s.engine.ntpInstance({ tenantId: T, ntpId })).redemptions;
    })();
    await Promise.all([...callers, suspension]);
    expect(late).toEqual([]);
    expect(successes).toBeGreaterThan(0);
    // Every redemption the store counts was applied before the suspension: none lands after it.
    expect((await s.engine.ntpInstance({ tenantId: T, ntpId })).redemptions).toBe(countedAtSuspension);
    expect(countedAtSuspension).toBe(successes + 1);
  });
});
