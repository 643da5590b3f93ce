import { yieldToEventLoop } from './chunks.js';
import type { Directory } from './directory.js';
import type { LiveCodes } from './guessing-floor.js';
import { K, PURGE_PARTITION, instancePartition, padNumber } from '../layout.js';
import type { NtpRuntime } from './runtime.js';

/*
 * Purging a deleted instance (SPEC §3.1): its record is gone the moment
 * delete returns; its tickets go afterwards, in bounded batches, so a million
 * of them never block the store. The instance is registered in partition
 * `purge` first, so a later engine resumes a purge that `close()` (or a crash)
 * interrupted.
 */

/** Records per scan page, items per drop: small enough never to stall a store. */
const PAGE = 1000;

interface PurgeEntry {
  readonly tenantId: string;
  readonly ntpId: string;
  /** The instance's code length, to give its live codes back to the guessing floor (absent in older entries: not given back). */
  readonly ticketLength?: number | undefined;
}

export interface Purger {
  /** Registers an instance for purging (before its record is deleted). */
  register(operation: string, tenantId: string, ntpId: string, ticketLength: number): Promise<void>;
  /** Starts purging in the background (no-op if this engine already is). */
  start(tenantId: string, ntpId: string, ticketLength: number): void;
  /** Resumes every registered purge; one `list` when there is none. */
  resumeAll(): void;
}

export function createPurger(rt: NtpRuntime, directory: Directory, live: LiveCodes): Purger {
  const { ctx } = rt;
  const running = new Set<string>();
  const op = 'deleteNtpInstance';

  /** `true` once the purge finished, `false` when `signal` stopped it or the instance still exists. */
  async function purge(entry: PurgeEntry, signal: AbortSignal): Promise<boolean> {
    const partition = instancePartition(entry.tenantId, entry.ntpId);
    // Registered but not deleted (a delete that failed after registering): never purge a live instance.
    // Its entry stays; a later delete registers it again anyway.
    const { records } = await ctx.store.read(op, { partition, records: [K.instance], now: ctx.now() });
    if (records[0]) return false;
    // Bulk batches still open hold records here (a done batch has none): their tickets' live codes
    // are given back by the batch's abort or reclaim, not here.
    const open = new Set<unknown>();
    for (let page: string | null | undefined; page !== null; ) {
      const batches = await ctx.store.scan(op, { partition, prefix: K.batchPrefix, limit: PAGE, now: ctx.now(), ...(page === undefined ? {} : { cursor: page }) });
      for (const r of batches.records) open.add(Number(r.key.slice(K.batchPrefix.length)));
      page = batches.cursor;
    }
    // 1. Directory entries live in other partitions: find them through the tickets.
    let cursor: string | undefined;
    do {
      if (signal.aborted) return false;
      const page = await ctx.store.scan(op, { partition, prefix: K.ticketPrefix, limit: PAGE, now: ctx.now(), ...(cursor === undefined ? {} : { cursor }) });
      await directory.release(op, entry.tenantId, entry.ntpId, page.records.map((r) => r.key.slice(K.ticketPrefix.length)));
      // Live codes: not revoked (given back already) and not of an open bulk batch (its abort gives those back).
      const liveCodes = page.records.filter((r) => r.record.value['revoked'] !== true && !open.has(r.record.value['batch'])).length;
      if (entry.ticketLength !== undefined) await live.release(op, entry.tenantId, entry.ticketLength, liveCodes);
      cursor = page.cursor ?? undefined;
      await yieldToEventLoop();
    } while (cursor !== undefined);
    // 2. Everything else of the partition.
    for (;;) {
      if (signal.aborted) return false;
      const { done } = await ctx.store.dropPartition(op, { partition, limit: PAGE });
      if (done) break;
      await yieldToEventLoop();
    }
    await rt.commit(op, PURGE_PARTITION, ctx.now(), [], [{ type: 'indexDelete', index: K.instances, member: partition }]);
    return true;
  }

  /** Purges unless this engine already is; `true` once the purge finished. */
  async function purgeOnce(entry: PurgeEntry, signal: AbortSignal): Promise<boolean> {
    const key = instancePartition(entry.tenantId, entry.ntpId);
    if (running.has(key)) return false;
    running.add(key);
    try {
      return await purge(entry, signal);
    } finally {
      running.delete(key);
    }
  }

  return {
    async register(operation, tenantId, ntpId, ticketLength) {
      await rt.commit(operation, PURGE_PARTITION, ctx.now(), [], [
        { type: 'indexPut', index: K.instances, member: instancePartition(tenantId, ntpId), sortKey: padNumber(ctx.now()), value: { tenantId, ntpId, ticketLength } },
      ]);
    },
    start(tenantId, ntpId, ticketLength) {
      ctx.background.run(async (signal) => {
        await purgeOnce({ tenantId, ntpId, ticketLength }, signal);
      });
    },
    resumeAll() {
      // One at a time: a backlog of purges must not become a burst of store calls.
      ctx.background.run(async (signal) => {
        // A finished purge leaves the index, so the next page starts after only the entries left behind.
        let offset = 0;
        for (;;) {
          const page = await ctx.store.list(op, { partition: PURGE_PARTITION, index: K.instances, offset, count: PAGE });
          for (const { value } of page.items) {
            if (signal.aborted) return;
            const entry = value as { tenantId?: unknown; ntpId?: unknown; ticketLength?: unknown } | null;
            const ticketLength = typeof entry?.ticketLength === 'number' ? entry.ticketLength : undefined;
            const purged =
              typeof entry?.tenantId === 'string' &&
              typeof entry.ntpId === 'string' &&
              (await purgeOnce({ tenantId: entry.tenantId, ntpId: entry.ntpId, ticketLength }, signal));
            if (!purged) offset += 1;
          }
          if (page.items.length < PAGE) return;
        }
      });
    },
  };
}
