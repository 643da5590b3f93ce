import { K } from '../layout.js';
import type { EngineContext } from '../context.js';
import { TICKETS_PER_CHUNK, batchFromEntry, chunkUserIds, type ListedBatch } from './ticket-chunks.js';

/*
 * Which tickets a page of `listNtpTickets` shows: first the tickets issued
 * one at a time, in issue order (the `tickets` index, an entry each), then
 * the tickets of bulk batches, batches in the order they finished and each
 * batch's tickets in call order (the `bulk` index and chunk records, see
 * ticket-chunks.ts).
 */

/** The user ids of one page, before their tickets are read. */
export interface TicketPage {
  readonly userIds: readonly string[];
  /** Aligned with `userIds`: a bulk ticket's issue time (its batch's), or `null` for a ticket issued alone (it stores its own). */
  readonly batchIssuedAt: readonly (number | null)[];
  /** Tickets issued one at a time, in all. */
  readonly singles: number;
}

/** Batch entries read per `list` call. */
const ENTRY_PAGE = 256;

export async function ticketPage(ctx: EngineContext, op: string, partition: string, offset: number, count: number): Promise<TicketPage> {
  const singles = await ctx.store.list(op, { partition, index: K.tickets, offset, count });
  const userIds = singles.items.map((e) => e.member);
  const batchIssuedAt: (number | null)[] = userIds.map(() => null);
  const want = count - userIds.length;
  if (want > 0) {
    const bulk = await bulkUserIds(ctx, op, partition, Math.max(0, offset - singles.total), want);
    userIds.push(...bulk.userIds);
    batchIssuedAt.push(...bulk.issuedAt);
  }
  return { userIds, batchIssuedAt, singles: singles.total };
}

/** The user ids at bulk positions `[from, from + count)`, with their batches' issue times. */
async function bulkUserIds(ctx: EngineContext, op: string, partition: string, from: number, count: number): Promise<{ userIds: string[]; issuedAt: number[] }> {
  const batches = await batchesFrom(ctx, op, partition, from, count);
  const to = from + count;
  // Every chunk the page touches, read in one call.
  const wanted: { batch: ListedBatch; position: number }[] = [];
  const chunkKeys = new Map<string, number>();
  for (const batch of batches) {
    for (let p = Math.max(from, batch.start); p < Math.min(to, batch.start + batch.count); p++) {
      wanted.push({ batch, position: p - batch.start });
      const key = K.ticketChunk(batch.id, Math.floor((p - batch.start) / TICKETS_PER_CHUNK));
      if (!chunkKeys.has(key)) chunkKeys.set(key, chunkKeys.size);
    }
  }
  if (wanted.length === 0) return { userIds: [], issuedAt: [] };
  const { records } = await ctx.store.read(op, { partition, records: [...chunkKeys.keys()], now: ctx.now() });
  const chunks = records.map((r) => chunkUserIds(r?.value));
  const userIds: string[] = [];
  const issuedAt: number[] = [];
  for (const { batch, position } of wanted) {
    const chunk = chunks[chunkKeys.get(K.ticketChunk(batch.id, Math.floor(position / TICKETS_PER_CHUNK)))!];
    const userId = chunk?.[position % TICKETS_PER_CHUNK];
    if (userId === undefined) continue;
    userIds.push(userId);
    issuedAt.push(batch.issuedAt);
  }
  return { userIds, issuedAt };
}

/**
 * The batches covering bulk positions from `from` on (at most `count` of
 * them, each covering at least one position): the last batch starting at or
 * before `from` is found by bisecting the `bulk` index on its sort keys, so a
 * page costs O(log batches) calls, never a walk.
 */
async function batchesFrom(ctx: EngineContext, op: string, partition: string, from: number, count: number): Promise<ListedBatch[]> {
  const list = (offset: number, n: number) => ctx.store.list(op, { partition, index: K.bulkBatches, offset, count: n });
  const first = await list(0, ENTRY_PAGE);
  let lo = 0;
  if (first.total > first.items.length) {
    // start(lo) <= from holds throughout: the first batch starts at 0.
    let hi = first.total - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const probe = (await list(mid, 1)).items[0];
      if (probe !== undefined && batchFromEntry(probe).start <= from) lo = mid;
      else hi = mid - 1;
    }
  }
  const entries = lo === 0 && first.total === first.items.length ? first.items : (await list(lo, count)).items;
  return entries.map(batchFromEntry).filter((b) => b.start + b.count > from);
}
