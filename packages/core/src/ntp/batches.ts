import type { Fields, Op } from '../store.js';
import { K, instancePartition } from '../layout.js';
import { admitIssue, commitIssue } from './admission.js';
import { chunks, pacedYield } from './chunks.js';
import type { Directory } from './directory.js';
import type { LiveCodes } from './guessing-floor.js';
import type { CachedInstance } from './instance-cache.js';
import { MAX_COMMIT_ATTEMPTS } from '../retry.js';
import { batchLeaseLost, contention } from './errors.js';
import type { NtpRuntime } from './runtime.js';
import { batchEntry } from './ticket-chunks.js';
import { bulkTicketDelete } from './ticket-writes.js';

/*
 * The life of a bulk batch (SPEC §3.2, all or nothing).
 *
 * A batch is numbered within its instance (`lastBatch` + 1 in the instance
 * record, never reused) and every ticket it writes carries that number for
 * good. While the batch is open — being written, or aborted with tickets left
 * to remove — its number is listed in the instance record's `openBatches`, and
 * a ticket of a listed batch never redeems. So one commit, the one that takes
 * the number off the list, makes every ticket of the batch redeemable at once,
 * and no ticket is ever rewritten. Every redemption already checks the
 * instance record's version, so this costs a redemption nothing; every change
 * of the list is guarded by that version too.
 *
 * Record `b:<n>` holds what an open batch needs: `state` (`pending` while
 * written, `aborted` once its quota is released), `count`, and a lease its
 * writer renews with every chunk. A pending batch whose lease lapsed belonged
 * to a dead process: it is reclaimed (aborted, quota released) when issuing
 * next hits TICKET_LIMIT, then swept. A done batch has no record, only its
 * chunk records and its `bulk` index entry, which list its tickets (see
 * ticket-chunks.ts; the finishing commit writes the entry).
 */

/** How long a pending batch lives without its writer renewing it. */
export const BATCH_LEASE_MS = 5 * 60 * 1000;

export type BatchState = 'pending' | 'aborted';

const PAGE = 1000;

/** A batch its writer has opened: the quota is reserved and its number listed. */
export interface OpenedBatch {
  readonly id: number;
  readonly count: number;
  /** The instance as the opening commit left it. */
  readonly cached: CachedInstance;
  /** When the batch was opened: the issue time of its tickets. */
  readonly openedAt: number;
}

/** Some of the codes a writing process may have written, a page at a time. */
export interface BatchPage {
  /** User ids of the tickets that may have been written. */
  readonly written: readonly string[];
  /** User ids whose directory entry may have been written (each also in `written`). */
  readonly listed: readonly string[];
}

/** What the writing process knows of its batch when it gives up. */
export interface BatchInfo {
  readonly id: number;
  readonly count: number;
  /** What it may have written, in pages, so a million codes never become one array of strings. */
  readonly pages: () => Iterable<BatchPage>;
  /** The code length its `count` live codes were reserved under (the guessing floor), if they were. */
  readonly liveLength?: number | undefined;
}

export interface Batches {
  /**
   * One commit against the current instance: reserves `count` of `issued`
   * (bounded by `maxTickets`), numbers the batch and lists it as open, and
   * writes its pending record with a lease (and `liveLength`, so whoever
   * aborts or reclaims the batch gives its live codes back).
   */
  open(operation: string, tenantId: string, ntpId: string, admitted: CachedInstance, count: number, liveLength: number | undefined): Promise<OpenedBatch>;
  /**
   * The commit that makes every ticket of the batch redeemable: takes it off
   * the list (against a current, issuable instance) and drops its record.
   * Resolves to its time.
   */
  finish(operation: string, tenantId: string, ntpId: string, batch: OpenedBatch): Promise<number>;
  /**
   * Aborts this process's batch: marks it aborted and releases its quota in
   * one commit, then removes what it wrote. Resolves to `'done'` if the batch
   * had in fact finished (an unanswered finishing commit that did apply).
   */
  abort(operation: string, tenantId: string, ntpId: string, batch: BatchInfo): Promise<'aborted' | 'done'>;
  /** Releases the quota of batches whose writer died; resolves to the tickets released. */
  reclaimExpired(operation: string, tenantId: string, ntpId: string): Promise<number>;
}

export function batchState(fields: Fields | undefined): BatchState | null {
  const state = fields?.['state'];
  return state === 'pending' || state === 'aborted' ? state : null;
}

/** The instance-record change that sets its open batches (and the fields of `set`). */
function listOps(open: readonly number[], set: Fields = {}): Op {
  return open.length === 0 ? { type: 'patch', key: K.instance, set, unset: ['openBatches'] } : { type: 'patch', key: K.instance, set: { ...set, openBatches: [...open] } };
}

export function createBatches(rt: NtpRuntime, directory: Directory, live: LiveCodes): Batches {
  const { ctx } = rt;
  const sweeping = new Set<string>();

  /** Caches the instance as a commit of this module left it. */
  function remember(partition: string, cached: CachedInstance, version: number | undefined, change: { openBatches: readonly number[]; lastBatch?: number; bulkTickets?: number }): CachedInstance {
    const next: CachedInstance = { instance: { ...cached.instance, ...change }, version: version ?? 0 };
    if (version !== undefined) rt.cache.set(partition, next);
    return next;
  }

  /**
   * Removes tickets of an aborted batch: their directory entries first (found
   * through the tickets, so a crash in between leaves the tickets to find them
   * by), then the tickets, guarded so nothing is written once the batch is
   * closed or the partition purged. `false` once the guard refuses.
   */
  async function removeTickets(operation: string, tenantId: string, ntpId: string, id: number, listed: readonly string[], written: readonly string[]): Promise<boolean> {
    const partition = instancePartition(tenantId, ntpId);
    await directory.release(operation, tenantId, ntpId, listed);
    const guard = { type: 'fields', key: K.batch(id), equals: { state: 'aborted' } } as const;
    const pause = pacedYield();
    for (const chunk of chunks(written, ctx.store.maxOpsPerCommit - 1)) {
      const result = await rt.commit(operation, partition, ctx.now(), [guard], chunk.map(bulkTicketDelete));
      if (!result.ok) return false;
      await pause();
    }
    return true;
  }

  /** Removes the chunk records of an aborted batch (written last, so a crash may leave some), guarded like {@link removeTickets}. */
  async function removeChunks(operation: string, tenantId: string, ntpId: string, id: number): Promise<boolean> {
    const partition = instancePartition(tenantId, ntpId);
    const guard = { type: 'fields', key: K.batch(id), equals: { state: 'aborted' } } as const;
    let cursor: string | undefined;
    do {
      const page = await ctx.store.scan(operation, { partition, prefix: K.ticketChunkPrefix(id), limit: PAGE, now: ctx.now(), ...(cursor === undefined ? {} : { cursor }) });
      for (const keys of chunks(page.records.map((r) => r.key), ctx.store.maxOpsPerCommit - 1)) {
        const result = await rt.commit(operation, partition, ctx.now(), [guard], keys.map((key) => ({ type: 'delete', key })));
        if (!result.ok) return false;
      }
      cursor = page.cursor ?? undefined;
    } while (cursor !== undefined);
    return true;
  }

  /** Takes an aborted batch whose tickets are all removed off the list, and drops its record. */
  async function closeAborted(operation: string, tenantId: string, ntpId: string, id: number): Promise<void> {
    const partition = instancePartition(tenantId, ntpId);
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const read = await rt.readInstance(operation, tenantId, ntpId);
      // A deleted instance's purge drops the record (and reads it first: its tickets' live codes were given back).
      if (!read.cached) return;
      const open = read.cached.instance.openBatches.filter((b) => b !== id);
      const result = await rt.commit(
        operation,
        partition,
        ctx.now(),
        [
          { type: 'version', key: K.instance, version: read.cached.version },
          { type: 'fields', key: K.batch(id), equals: { state: 'aborted' } },
        ],
        [listOps(open), { type: 'delete', key: K.batch(id) }],
      );
      if (result.ok) {
        remember(partition, read.cached, result.versions[K.instance], { openBatches: open });
        return;
      }
      // Closed by another process already.
      if (result.index === 1) return;
    }
  }

  /** Removes an aborted batch whose writer is gone: its tickets are found by scanning. */
  function sweepInBackground(tenantId: string, ntpId: string, id: number): void {
    const partition = instancePartition(tenantId, ntpId);
    const key = `${partition}\n${id}`;
    if (sweeping.has(key)) return;
    sweeping.add(key);
    const op = 'issueNtpCode';
    ctx.background.run(async (signal) => {
      try {
        let cursor: string | undefined;
        do {
          if (signal.aborted) return;
          const page = await ctx.store.scan(op, { partition, prefix: K.ticketPrefix, limit: PAGE, now: ctx.now(), ...(cursor === undefined ? {} : { cursor }) });
          const mine = page.records.filter((r) => r.record.value['batch'] === id).map((r) => r.key.slice(K.ticketPrefix.length));
          if (!(await removeTickets(op, tenantId, ntpId, id, mine, mine))) return;
          cursor = page.cursor ?? undefined;
        } while (cursor !== undefined);
        if (await removeChunks(op, tenantId, ntpId, id)) await closeAborted(op, tenantId, ntpId, id);
      } finally {
        sweeping.delete(key);
      }
    });
  }

  async function reclaimExpired(operation: string, tenantId: string, ntpId: string): Promise<number> {
    const partition = instancePartition(tenantId, ntpId);
    const { cached } = await rt.readInstance(operation, tenantId, ntpId);
    const ids = cached?.instance.openBatches ?? [];
    if (ids.length === 0) return 0;
    const now = ctx.now();
    const { records } = await ctx.store.read(operation, { partition, records: ids.map(K.batch), now });
    let released = 0;
    for (const [i, id] of ids.entries()) {
      const record = records[i];
      const state = batchState(record?.value);
      if (!record || state === null) continue;
      if (state === 'aborted') {
        sweepInBackground(tenantId, ntpId, id);
        continue;
      }
      const leaseUntil = record.value['leaseUntil'];
      if (typeof leaseUntil !== 'number' || leaseUntil > now) continue;
      const count = typeof record.value['count'] === 'number' ? record.value['count'] : 0;
      const result = await rt.commit(operation, partition, now, [{ type: 'version', key: K.batch(id), version: record.version }], [
        { type: 'patch', key: K.batch(id), set: { state: 'aborted' } },
        { type: 'add', key: K.issued, by: -count },
      ]);
      if (!result.ok) continue;
      released += count;
      // A bulk call records the code length its live codes were counted under (the guessing floor).
      const length = record.value['liveLength'];
      if (typeof length === 'number') await live.release(operation, tenantId, length, count);
      sweepInBackground(tenantId, ntpId, id);
    }
    return released;
  }

  return {
    reclaimExpired,

    async open(operation, tenantId, ntpId, admitted, count, liveLength) {
      const partition = instancePartition(tenantId, ntpId);
      let id = 0;
      let open: number[] = [];
      const outcome = await commitIssue(rt, () => reclaimExpired(operation, tenantId, ntpId), operation, { tenantId, ntpId }, admitted, count, (current, now) => {
        id = current.instance.lastBatch + 1;
        open = [...current.instance.openBatches, id];
        return {
          checks: [],
          ops: [
            { type: 'patch', key: K.instance, set: { lastBatch: id, openBatches: open } },
            { type: 'put', key: K.batch(id), value: { state: 'pending', count, leaseUntil: now + BATCH_LEASE_MS, ...(liveLength === undefined ? {} : { liveLength }) } },
          ],
        };
      });
      // No caller check can refuse: only the version and the bound, which commitIssue handles.
      if (!outcome.ok) throw contention(operation, ntpId);
      const cached = remember(partition, outcome.cached, outcome.applied.versions[K.instance], { openBatches: open, lastBatch: id });
      return { id, count, cached, openedAt: outcome.now };
    },

    async finish(operation, tenantId, ntpId, batch) {
      const partition = instancePartition(tenantId, ntpId);
      const key = K.batch(batch.id);
      let cached = rt.cache.get(partition) ?? batch.cached;
      for (let attempt = 0; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
        const now = ctx.now();
        const open = cached.instance.openBatches.filter((b) => b !== batch.id);
        // The batch's tickets take the next positions of the instance's bulk listing.
        const start = cached.instance.bulkTickets;
        const bulkTickets = start + batch.count;
        const entry = batchEntry({ id: batch.id, start, count: batch.count, issuedAt: batch.openedAt });
        const result = await rt.commit(
          operation,
          partition,
          now,
          [
            { type: 'version', key: K.instance, version: cached.version },
            { type: 'fields', key, equals: { state: 'pending' } },
          ],
          [
            listOps(open, { bulkTickets }),
            { type: 'delete', key },
            { type: 'indexPut', index: K.bulkBatches, ...entry },
          ],
        );
        if (result.ok) {
          remember(partition, cached, result.versions[K.instance], { openBatches: open, bulkTickets });
          return now;
        }
        if (result.at !== 'check' || result.index !== 0) throw batchLeaseLost(operation);
        // Changed since: judged again on a fresh read (NOT_FOUND, EXPIRED abort the call).
        cached = await admitIssue(rt, operation, tenantId, ntpId, true);
      }
      throw contention(operation, ntpId);
    },

    async abort(operation, tenantId, ntpId, batch) {
      const partition = instancePartition(tenantId, ntpId);
      const key = K.batch(batch.id);
      const result = await rt.commit(operation, partition, ctx.now(), [{ type: 'fields', key, equals: { state: 'pending' } }], [
        { type: 'patch', key, set: { state: 'aborted' } },
        { type: 'add', key: K.issued, by: -batch.count },
      ]);
      // Only the commit that moved the batch from pending gives its live codes back (a reclaim is the other one).
      if (result.ok && batch.liveLength !== undefined) await live.release(operation, tenantId, batch.liveLength, batch.count);
      if (!result.ok) {
        // Finishing drops the record and takes the number off the list in one commit.
        const read = await rt.readInstance(operation, tenantId, ntpId, { records: [key] });
        if (read.cached && !read.records[0] && !read.cached.instance.openBatches.includes(batch.id)) return 'done';
      }
      // Cleanup is best effort: leftovers of an aborted batch never redeem, and a later reclaim sweeps them.
      try {
        let removed = true;
        for (const page of batch.pages()) {
          removed = await removeTickets(operation, tenantId, ntpId, batch.id, page.listed, page.written);
          if (!removed) break;
        }
        if (removed && (await removeChunks(operation, tenantId, ntpId, batch.id))) await closeAborted(operation, tenantId, ntpId, batch.id);
      } catch {
        // see above
      }
      return 'aborted';
    },
  };
}
