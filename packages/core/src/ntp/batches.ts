import type { Fields, Op } from '../store.js';
import { chunks, yieldToEventLoop } from './chunks.js';
import type { Directory } from './directory.js';
import type { LiveCodes } from './guessing-floor.js';
import { K, instancePartition } from '../layout.js';
import type { NtpRuntime } from './runtime.js';
import { ticketDeletes } from './tickets.js';

/*
 * The life of a bulk batch (SPEC §3.2, all or nothing). Record `b:<id>` in
 * the instance's partition: `pending` while the call writes (its tickets carry
 * the batch id and never redeem), `done` once committed, `aborted` once its
 * quota is released. A pending batch holds a lease the writer renews with
 * every chunk; a batch whose lease lapsed belonged to a dead process and is
 * reclaimed when issuing next hits TICKET_LIMIT.
 */

/** How long a pending batch lives without its writer renewing it. */
export const BATCH_LEASE_MS = 5 * 60 * 1000;

export type BatchState = 'pending' | 'done' | 'aborted';

const PAGE = 1000;

export interface Batches {
  /** Releases the quota of batches whose writer died; resolves to the tickets released. */
  reclaimExpired(operation: string, tenantId: string, ntpId: string): Promise<number>;
  /**
   * Aborts this process's batch: marks it aborted and releases its quota in
   * one commit, then removes what it wrote. Resolves to `'done'` if the batch
   * had in fact been committed (an unanswered done commit that did apply).
   */
  abort(operation: string, tenantId: string, ntpId: string, batch: BatchInfo): Promise<'aborted' | 'done'>;
  /** Clears the batch mark of a done batch's tickets, then drops the batch record. Best effort. */
  activate(operation: string, tenantId: string, ntpId: string, batch: BatchInfo): Promise<void>;
}

/** What the writing process knows of its batch. */
export interface BatchInfo {
  readonly id: string;
  readonly count: number;
  /** User ids of the tickets that may have been written. */
  readonly written: readonly string[];
  /** User ids of every directory reservation made. */
  readonly reserved: readonly string[];
  /** The code length its `count` live codes were reserved under (the guessing floor), if they were. */
  readonly liveLength?: number | undefined;
}

export function batchState(fields: Fields | undefined): BatchState | null {
  const state = fields?.['state'];
  return state === 'pending' || state === 'done' || state === 'aborted' ? state : null;
}

export function createBatches(rt: NtpRuntime, directory: Directory, live: LiveCodes): Batches {
  const { ctx } = rt;
  const sweeping = new Set<string>();

  /** Deletes tickets of an aborted batch, guarded so nothing is written into a purged partition. */
  async function deleteTickets(operation: string, partition: string, batchId: string, userIds: readonly string[]): Promise<void> {
    const guard = { type: 'fields', key: K.batch(batchId), equals: { state: 'aborted' } } as const;
    for (const chunk of chunks(userIds, (ctx.store.maxOpsPerCommit - 1) / 2)) {
      const result = await rt.commit(operation, partition, ctx.now(), [guard], chunk.flatMap(ticketDeletes));
      if (!result.ok) return;
    }
  }

  async function dropBatchRecord(operation: string, partition: string, batchId: string, state: BatchState): Promise<void> {
    await rt.commit(operation, partition, ctx.now(), [{ type: 'fields', key: K.batch(batchId), equals: { state } }], [
      { type: 'delete', key: K.batch(batchId) },
    ]);
  }

  /** Removes an aborted batch whose writer is gone: its tickets are found by scanning. */
  function sweepInBackground(tenantId: string, ntpId: string, batchId: string): void {
    const partition = instancePartition(tenantId, ntpId);
    const key = `${partition}\n${batchId}`;
    if (sweeping.has(key)) return;
    sweeping.add(key);
    const op = 'issueNtpCode';
    ctx.background.run(async (signal) => {
      try {
        let cursor: string | undefined;
        do {
          if (signal.aborted) return;
          const page = await ctx.store.scan(op, { partition, prefix: K.ticketPrefix, limit: PAGE, now: ctx.now(), ...(cursor === undefined ? {} : { cursor }) });
          const mine = page.records.filter((r) => r.record.value['batch'] === batchId).map((r) => r.key.slice(K.ticketPrefix.length));
          await deleteTickets(op, partition, batchId, mine);
          await directory.release(op, tenantId, ntpId, mine);
          cursor = page.cursor ?? undefined;
          await yieldToEventLoop();
        } while (cursor !== undefined);
        await dropBatchRecord(op, partition, batchId, 'aborted');
      } finally {
        sweeping.delete(key);
      }
    });
  }

  return {
    async reclaimExpired(operation, tenantId, ntpId) {
      const partition = instancePartition(tenantId, ntpId);
      let released = 0;
      let cursor: string | undefined;
      do {
        const now = ctx.now();
        const page = await ctx.store.scan(operation, { partition, prefix: K.batchPrefix, limit: PAGE, now, ...(cursor === undefined ? {} : { cursor }) });
        for (const { key, record } of page.records) {
          const batchId = key.slice(K.batchPrefix.length);
          const state = batchState(record.value);
          if (state === 'aborted') sweepInBackground(tenantId, ntpId, batchId);
          const leaseUntil = record.value['leaseUntil'];
          if (state !== 'pending' || typeof leaseUntil !== 'number' || leaseUntil > now) continue;
          const count = typeof record.value['count'] === 'number' ? record.value['count'] : 0;
          const result = await rt.commit(operation, partition, now, [{ type: 'version', key, version: record.version }], [
            { type: 'patch', key, set: { state: 'aborted' } },
            { type: 'add', key: K.issued, by: -count },
          ]);
          if (!result.ok) continue;
          released += count;
          // A bulk call records the code length its live codes were counted under (the guessing floor).
          const length = record.value['liveLength'];
          if (typeof length === 'number') await live.release(operation, tenantId, length, count);
          sweepInBackground(tenantId, ntpId, batchId);
        }
        cursor = page.cursor ?? undefined;
      } while (cursor !== undefined);
      return released;
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
        const { records } = await ctx.store.read(operation, { partition, records: [key], now: ctx.now() });
        if (batchState(records[0]?.value) === 'done') return 'done';
      }
      // Cleanup is best effort: leftovers of an aborted batch never redeem, and a later reclaim sweeps them.
      try {
        await deleteTickets(operation, partition, batch.id, batch.written);
        await directory.release(operation, tenantId, ntpId, batch.reserved);
        await dropBatchRecord(operation, partition, batch.id, 'aborted');
      } catch {
        // see above
      }
      return 'aborted';
    },

    async activate(operation, tenantId, ntpId, batch) {
      const partition = instancePartition(tenantId, ntpId);
      const guard = { type: 'fields', key: K.batch(batch.id), equals: { state: 'done' } } as const;
      try {
        for (const chunk of chunks(batch.written, ctx.store.maxOpsPerCommit - 1)) {
          const ops: Op[] = chunk.map((userId) => ({ type: 'patch', key: K.ticket(userId), unset: ['batch'] }));
          const result = await rt.commit(operation, partition, ctx.now(), [guard], ops);
          // Refused: the instance was deleted, or a ticket purged; redemptions activate lazily anyway.
          if (!result.ok) return;
        }
        await dropBatchRecord(operation, partition, batch.id, 'done');
      } catch {
        // A done batch's tickets redeem without this; their first redemption clears the mark instead.
      }
    },
  };
}
