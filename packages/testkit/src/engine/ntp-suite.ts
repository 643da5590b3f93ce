import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';
import { createNtpHarness, outcome, type NtpHarness } from './ntp-harness.js';
import { assertNoPlaintext, ntpAction, runNtpWorkload } from './ntp-invariants.js';

/*
 * The n-time-password engine (SPEC §3) on top of the store under test: the
 * invariants of SPEC §6 (1, 2, 3, 6, 7) must hold on every store, so SQLite,
 * Redis and users' adapters inherit these checks.
 */

const RUNS = 40;
const TIMEOUT_MS = 120_000;

function withHarness(target: ConformanceTarget, body: (h: NtpHarness) => Promise<void>): Promise<void> {
  return withStore(target, async (store) => {
    const h = createNtpHarness(store);
    try {
      await body(h);
    } finally {
      await h.close();
    }
  });
}

export function registerNtpEngineSuite(target: ConformanceTarget, runner: TestRunner): void {
  const { describe, it } = runner;
  describe('engine: n-time passwords (SPEC §3, §6)', () => {
    it('200 concurrent redemptions of a 7-use code from two engines succeed exactly 7 times', () =>
      withHarness(target, async (h) => {
        const [a, b] = h.engines;
        const tenantId = h.tenants[0];
        const ntpId = await a.createNtpInstance({ tenantId, objectId: 'o', maxRedemptions: 7 });
        const { token } = await a.issueNtpCode({ tenantId, ntpId });
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) => outcome((i % 2 ? a : b).redeemCode({ tenantId, ntpId, code: token }))));
        assert.equal(results.filter((r) => r === 'ok').length, 7);
        assert.deepEqual(new Set(results.filter((r) => r !== 'ok')), new Set(['REDEMPTION_LIMIT']));
        assert.equal((await a.ntpInstance({ tenantId, ntpId })).redemptions, 7);
      }), TIMEOUT_MS);

    it('40 concurrent issues against maxTickets 5 from two engines succeed exactly 5 times', () =>
      withHarness(target, async (h) => {
        const [a, b] = h.engines;
        const tenantId = h.tenants[0];
        const ntpId = await a.createNtpInstance({ tenantId, objectId: 'o', maxTickets: 5 });
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => outcome((i % 2 ? a : b).issueNtpCode({ tenantId, ntpId }))));
        assert.equal(results.filter((r) => r === 'ok').length, 5);
        assert.deepEqual(new Set(results.filter((r) => r !== 'ok')), new Set(['TICKET_LIMIT']));
        assert.equal((await b.ntpInstance({ tenantId, ntpId })).issuedTickets, 5);
        assert.equal((await b.listNtpTickets({ tenantId, ntpId })).total, 5);
      }), TIMEOUT_MS);

    it('random workloads keep invariants 1, 2, 3, 6 and 7 (property)', () =>
      fc.assert(
        fc.asyncProperty(fc.array(ntpAction, { minLength: 10, maxLength: 40, size: 'max' }), (actions) => withHarness(target, (h) => runNtpWorkload(h, actions))),
        { numRuns: RUNS },
      ), TIMEOUT_MS);

    it('a bulk issue is all or nothing, and nothing of it is stored in plaintext', () =>
      withHarness(target, async (h) => {
        const [a, b] = h.engines;
        const tenantId = h.tenants[0];
        const ntpId = await a.createNtpInstance({ tenantId, objectId: 'o', maxTickets: 300, ticketLength: 10 });
        const emails = Array.from({ length: 150 }, (_, i) => `person${i}@example.org`);
        const { tokens } = await a.issueNtpCodes({ tenantId, ntpId, emails });
        const more = await b.issueNtpCodes({ tenantId, ntpId, count: 150 });
        assert.equal(await outcome(b.issueNtpCode({ tenantId, ntpId })), 'TICKET_LIMIT');
        assert.equal(await a.redeemCode({ tenantId, code: tokens[149]?.token ?? '', email: 'Person149@example.org' }), 'o');
        assert.equal(await b.redeemCode({ tenantId, ntpId, code: more.tokens[0]?.token ?? '' }), 'o');
        const other = await a.createNtpInstance({ tenantId, objectId: 'p' });
        const stop = new Error('stop');
        const thrown = await a
          .issueNtpCodes({
            tenantId,
            ntpId: other,
            count: 200,
            onProgress: () => {
              throw stop;
            },
          })
          .then(() => null, (e: unknown) => e);
        assert.equal(thrown, stop);
        assert.equal((await a.ntpInstance({ tenantId, ntpId: other })).issuedTickets, 0);
        assert.equal((await a.listNtpTickets({ tenantId, ntpId: other })).total, 0);
        await assertNoPlaintext(h, [...tokens, ...more.tokens].map((t) => t.token), emails);
      }), TIMEOUT_MS);

    it('lists tickets issued alone, then bulk calls in the order they finished, page by page', () =>
      withHarness(target, async (h) => {
        const [a, b] = h.engines;
        const tenantId = h.tenants[0];
        const ntpId = await a.createNtpInstance({ tenantId, objectId: 'o' });
        const singles = [(await a.issueNtpCode({ tenantId, ntpId })).userId];
        // 1 500 crosses a chunk of the bulk listing (1 024 user ids per record).
        const bulk = (await a.issueNtpCodes({ tenantId, ntpId, count: 1500 })).tokens.map((t) => t.userId);
        // Tickets issued alone list by issue time (ms); the shared clock is a fake one.
        h.clock.advance(1);
        singles.push((await b.issueNtpCode({ tenantId, ntpId })).userId);
        bulk.push(...(await b.issueNtpCodes({ tenantId, ntpId, count: 3 })).tokens.map((t) => t.userId));
        const all = [...singles, ...bulk];
        for (const [offset, count] of [[0, 1000], [1000, 1000], [1, 3], [1024, 4], [1500, 10], [1502, 5]] as const) {
          const page = await b.listNtpTickets({ tenantId, ntpId, offset, count });
          assert.deepEqual(page.tickets.map((t) => t.userId), all.slice(offset, offset + count), `offset ${offset}`);
          assert.equal(page.total, all.length);
          assert.equal(page.end, Math.min(all.length, offset + count));
        }
      }), TIMEOUT_MS);

    it('deleting an instance purges its partition on this store', () =>
      withHarness(target, async (h) => {
        const [a] = h.engines;
        const tenantId = h.tenants[0];
        const ntpId = await a.createNtpInstance({ tenantId, objectId: 'o' });
        const { tokens } = await a.issueNtpCodes({ tenantId, ntpId, count: 1200 });
        await a.deleteNtpInstance({ tenantId, ntpId });
        assert.equal(await outcome(a.redeemCode({ tenantId, code: tokens[0]?.token ?? '' })), 'INVALID_CODE');
        await h.purged();
        const left = Object.entries(await h.store.snapshot(h.clock.now())).filter(([, p]) =>
          Object.values(p.records).some((r) => r.value['ntpId'] === ntpId),
        );
        assert.deepEqual(left, []);
      }), TIMEOUT_MS);
  });
}
