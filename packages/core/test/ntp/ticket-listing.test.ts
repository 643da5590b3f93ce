import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '@ntpass/store-memory';
import { instancePartition } from '../../src/layout.js';
import { TICKETS_PER_CHUNK } from '../../src/ntp/ticket-chunks.js';
import { T, instance, setup, type Setup } from './support.js';

/*
 * listNtpTickets against a tiny model: tickets issued alone in issue order,
 * then bulk tickets, batches in the order they finished, each in call order.
 * Bulk tickets have no index entry each (ticket-chunks.ts), so every page
 * crossing a chunk, a batch or the singles/bulk seam is built from chunk
 * records and batch entries; the model only appends.
 */

interface Listed {
  readonly userId: string;
  readonly issuedAt: number;
}

/** Every page of `size` from offset 0 to past the end, checked against `model`; also checks `total`, `start` and `end`. */
async function expectPages(s: Setup, ntpId: string, model: readonly Listed[], offsets: readonly number[], count: number): Promise<void> {
  for (const offset of offsets) {
    const page = await s.engine.listNtpTickets({ tenantId: T, ntpId, offset, count });
    const want = model.slice(offset, offset + count);
    expect(page.tickets.map((t) => ({ userId: t.userId, issuedAt: t.issuedAt })), `offset ${offset}, count ${count}`).toEqual(want);
    expect(page).toMatchObject({ total: model.length, start: offset, end: Math.min(model.length, offset + count) });
  }
}

describe('listNtpTickets with bulk batches', () => {
  it('pages tickets issued alone, then each bulk call in finishing order, across chunks and batches', async () => {
    const s = setup({ store: memoryStore({ maxOpsPerCommit: 64 }) });
    const ntpId = await instance(s);
    const singles: Listed[] = [];
    const bulk: Listed[] = [];
    // Sizes that end exactly on, one short of and one past a chunk.
    for (const count of [3, TICKETS_PER_CHUNK, TICKETS_PER_CHUNK - 1, 2 * TICKETS_PER_CHUNK + 1, 1]) {
      s.clock.advance(1000);
      const issuedAt = s.clock.now();
      const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count });
      bulk.push(...tokens.map((t) => ({ userId: t.userId, issuedAt })));
      s.clock.advance(1);
      const one = await s.engine.issueNtpCode({ tenantId: T, ntpId });
      singles.push({ userId: one.userId, issuedAt: s.clock.now() });
    }
    const model = [...singles, ...bulk];
    const seams = [0, 3, 4, 5, 8, 5 + TICKETS_PER_CHUNK - 2, 5 + TICKETS_PER_CHUNK + 3, 5 + 2 * TICKETS_PER_CHUNK + 1, model.length - 2, model.length, model.length + 5];
    await expectPages(s, ntpId, model, seams, 7);
    await expectPages(s, ntpId, model, [0, 1000, 2000, 3000, 4000], 1000);
  });

  it('finds the batch of any position among more batches than one index page holds', async () => {
    const s = setup();
    const ntpId = await instance(s);
    const model: Listed[] = [];
    for (let i = 0; i < 300; i++) {
      const { tokens } = await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 1 + (i % 3) });
      model.push(...tokens.map((t) => ({ userId: t.userId, issuedAt: s.clock.now() })));
      s.clock.advance(1);
    }
    // Pages starting inside the first, the middle and the last batches, and on every boundary near them.
    await expectPages(s, ntpId, model, [0, 1, 2, 3, 290, 291, 292, 293, 294, 590, 595, 596, 597, 598, model.length - 1], 4);
    // Far from the first page of the index: bisected, not walked.
    const calls = s.store.calls.length;
    await s.engine.listNtpTickets({ tenantId: T, ntpId, offset: 597, count: 2 });
    const lists = s.store.calls.slice(calls).filter((c) => c.method === 'list').length;
    // The singles page, the first page of batches, the bisection, the page of batches found.
    expect(lists).toBeLessThanOrEqual(3 + Math.ceil(Math.log2(300)));
  });

  it('keeps about 28 bytes per bulk ticket for its listing, and no index entry', async () => {
    const s = setup();
    const ntpId = await instance(s);
    await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: 3000 });
    const partition = (await s.store.snapshot(s.clock.now()))[instancePartition(T, ntpId)]!;
    expect(partition.indexes['tickets']?.total ?? 0).toBe(0);
    expect(partition.indexes['bulk']?.total).toBe(1);
    const chunks = Object.entries(partition.records).filter(([k]) => k.startsWith('k:'));
    expect(chunks).toHaveLength(3);
    const bytes = chunks.reduce((sum, [, r]) => sum + JSON.stringify(r.value).length, 0);
    expect(bytes / 3000).toBeLessThan(29);
  });

  it('matches the model for any mix of single and bulk issues and any page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2100 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 1000 })), { minLength: 1, maxLength: 6 }),
        async (issues, pages) => {
          const s = setup();
          const ntpId = await instance(s);
          const singles: Listed[] = [];
          const bulk: Listed[] = [];
          for (const n of issues) {
            s.clock.advance(1);
            if (n === 0) singles.push({ userId: (await s.engine.issueNtpCode({ tenantId: T, ntpId })).userId, issuedAt: s.clock.now() });
            else bulk.push(...(await s.engine.issueNtpCodes({ tenantId: T, ntpId, count: n })).tokens.map((t) => ({ userId: t.userId, issuedAt: s.clock.now() })));
          }
          const model = [...singles, ...bulk];
          for (const [at, count] of pages) await expectPages(s, ntpId, model, [at % (model.length + 2)], count);
          await s.engine.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
