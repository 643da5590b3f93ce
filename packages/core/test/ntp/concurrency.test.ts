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

  it('redemptions racing a suspend never succeed after it returned', async () => {
    const s = setup();
    const ntpId = await instance(s, { maxRedemptions: 1000 });
    const { token } = await s.engine.issueNtpCode({ tenantId: T, ntpId });
    const other = sibling(s);
    await other.redeemCode({ tenantId: T, ntpId, code: token });
    let suspended = false;
    const late: number[] = [];
    const redemptions = Array.from({ length: 100 }, (_, i) =>
      (i % 2 ? s.engine : other).redeemCode({ tenantId: T, ntpId, code: token }).then(
        () => {
          if (suspended) late.push(i);
        },
        () => undefined,
      ),
    );
    const suspension = s.engine.suspendNtpInstance({ tenantId: T, ntpId }).then(() => {
      suspended = true;
    });
    await Promise.all([...redemptions, suspension]);
    expect(late).toEqual([]);
  });
});
