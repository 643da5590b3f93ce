import type { Check, Commit, Op } from '../store.js';
import { K, directoryPartition } from '../layout.js';
import type { NtpRuntime } from './runtime.js';

/*
 * The tenant-wide code directory (ticket user id, the keyed hash of a code → ntpId). It finds a code's
 * instance when a redemption names only the tenant, and it keeps codes unique
 * per tenant: a code is first reserved (a version-0 check, with a lease that
 * expires on its own if the issuer dies), then the ticket is committed in its
 * instance, then the reservation is confirmed (no expiry). A crash between
 * steps leaves a lease that lapses or an entry whose ticket is absent: no
 * read trusts the directory without the ticket itself.
 */

/** How long a reservation lives unconfirmed; longer than any issue call. */
export const DIRECTORY_LEASE_MS = 60 * 60 * 1000;

// Commits handed to one commitBatch call: one pipeline, bounded.
const COMMITS_PER_CALL = 64;

/** One guarded change of one directory entry. */
interface EntryChange {
  readonly userId: string;
  readonly check: Check;
  readonly op: Op;
}

/** The outcome of a grouped directory change. */
export interface DirectoryOutcome {
  /** The new record version of each applied `put`, by user id. */
  readonly versions: Map<string, number>;
  /** User ids whose check refused; nothing was changed for them. */
  readonly refused: Set<string>;
}

export interface Directory {
  /** Reserves codes for `ntpId` (version 0 = nobody holds them); refused ones are taken. */
  reserve(operation: string, tenantId: string, ntpId: string, userIds: readonly string[], batchId?: string): Promise<DirectoryOutcome>;
  /** Makes reservations permanent, if each is still at its reserved version. */
  confirm(operation: string, tenantId: string, ntpId: string, reserved: ReadonlyMap<string, number>): Promise<DirectoryOutcome>;
  /** Removes entries that still point at `ntpId`. */
  release(operation: string, tenantId: string, ntpId: string, userIds: readonly string[]): Promise<void>;
  /** The instance holding a ticket, per the directory. */
  lookup(operation: string, tenantId: string, userId: string): Promise<string | null>;
}

export function createDirectory(rt: NtpRuntime): Directory {
  const { ctx } = rt;

  /**
   * Applies one change per entry, grouped by shard into commits of at most
   * `maxOpsPerCommit`. A refused check drops its entry and the rest of that
   * commit is sent again, so one taken code never blocks the others.
   */
  async function apply(operation: string, tenantId: string, changes: readonly EntryChange[]): Promise<DirectoryOutcome> {
    const outcome: DirectoryOutcome = { versions: new Map(), refused: new Set() };
    const perCommit = Math.max(1, Math.floor(ctx.store.maxOpsPerCommit / 2));
    const byShard = new Map<string, EntryChange[]>();
    for (const change of changes) {
      const partition = directoryPartition(tenantId, change.userId);
      const group = byShard.get(partition);
      if (group) group.push(change);
      else byShard.set(partition, [change]);
    }
    let pending: { partition: string; changes: EntryChange[] }[] = [];
    for (const [partition, group] of byShard) {
      for (let i = 0; i < group.length; i += perCommit) pending.push({ partition, changes: group.slice(i, i + perCommit) });
    }
    while (pending.length > 0) {
      const slice = pending.slice(0, COMMITS_PER_CALL);
      pending = pending.slice(COMMITS_PER_CALL);
      const now = ctx.now();
      const commits: Commit[] = slice.map(({ partition, changes: group }) => ({
        partition,
        now,
        checks: group.map((c) => c.check),
        ops: group.map((c) => c.op),
      }));
      const results = await ctx.store.commitBatch(operation, commits);
      results.forEach((result, i) => {
        const { partition, changes: group } = slice[i]!;
        if (result.ok) {
          for (const c of group) {
            const version = result.versions[K.code(c.userId)];
            if (version !== undefined) outcome.versions.set(c.userId, version);
          }
          return;
        }
        // Each change has exactly one check and one op, so either index names the change.
        const refusedChange = group[result.index];
        if (refusedChange) outcome.refused.add(refusedChange.userId);
        const rest = group.filter((c) => c !== refusedChange);
        if (rest.length > 0) pending.push({ partition, changes: rest });
      });
    }
    return outcome;
  }

  return {
    reserve(operation, tenantId, ntpId, userIds, batchId) {
      const expiresAt = ctx.now() + DIRECTORY_LEASE_MS;
      const value = batchId === undefined ? { ntpId } : { ntpId, batch: batchId };
      return apply(
        operation,
        tenantId,
        userIds.map((userId) => ({
          userId,
          check: { type: 'version', key: K.code(userId), version: 0 },
          op: { type: 'put', key: K.code(userId), value, expiresAt },
        })),
      );
    },
    confirm(operation, tenantId, ntpId, reserved) {
      return apply(
        operation,
        tenantId,
        [...reserved].map(([userId, version]) => ({
          userId,
          check: { type: 'version', key: K.code(userId), version },
          op: { type: 'put', key: K.code(userId), value: { ntpId } },
        })),
      );
    },
    async release(operation, tenantId, ntpId, userIds) {
      await apply(
        operation,
        tenantId,
        userIds.map((userId) => ({
          userId,
          check: { type: 'fields', key: K.code(userId), equals: { ntpId } },
          op: { type: 'delete', key: K.code(userId) },
        })),
      );
    },
    async lookup(operation, tenantId, userId) {
      const { records } = await ctx.store.read(operation, {
        partition: directoryPartition(tenantId, userId),
        records: [K.code(userId)],
        now: ctx.now(),
      });
      const ntpId = records[0]?.value['ntpId'];
      return typeof ntpId === 'string' ? ntpId : null;
    },
  };
}
