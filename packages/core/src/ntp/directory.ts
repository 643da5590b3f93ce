import type { Check, Commit, Fields, Op } from '../store.js';
import { K, directoryPartition, directoryPartitions } from '../layout.js';
import { OPS_PER_CALL, pacedYield } from './chunks.js';
import type { NtpRuntime } from './runtime.js';

/*
 * The tenant-wide code directory (ticket user id, the keyed hash of a code →
 * ntpId). It finds a code's instance when a redemption names only the tenant,
 * and it keeps codes unique per tenant: an entry is written only if absent (a
 * version-0 check). No read trusts an entry without the ticket itself, so a
 * crash can leave an entry whose ticket is absent; every writer makes sure
 * such an entry is found again and removed:
 * - a single issue reserves the code first (with a lease that lapses on its
 *   own if the issuer dies), commits the ticket, then confirms the entry;
 * - a bulk issue writes the ticket first (marked with its batch, so it does
 *   not redeem) and the entry after it, in its final form: an abort or a sweep
 *   finds the entry through the ticket.
 */

/** How long a reservation lives unconfirmed; longer than any issue call. */
export const DIRECTORY_LEASE_MS = 60 * 60 * 1000;

/** The outcome of a grouped directory change. */
export interface DirectoryOutcome {
  /** The new record version of each applied `put`, by user id. */
  readonly versions: Map<string, number>;
  /** User ids whose check refused; nothing was changed for them. */
  readonly refused: Set<string>;
}

export interface Directory {
  /** Reserves codes for `ntpId` with a lease (version 0 = nobody holds them); refused ones are taken. */
  reserve(operation: string, tenantId: string, ntpId: string, userIds: readonly string[]): Promise<DirectoryOutcome>;
  /** Makes reservations permanent, if each is still at its reserved version. */
  confirm(operation: string, tenantId: string, ntpId: string, reserved: ReadonlyMap<string, number>): Promise<DirectoryOutcome>;
  /**
   * Writes permanent entries for codes whose tickets are already written
   * (bulk issue); resolves to the user ids refused because another ticket
   * holds them.
   */
  register(operation: string, tenantId: string, ntpId: string, userIds: readonly string[]): Promise<Set<string>>;
  /**
   * {@link Directory.register} for codes already grouped by shard (each group
   * one shard, of any size): bulk issue walks its codes in shard order and
   * hands over a bounded run of shards at a time.
   */
  registerGroups(operation: string, tenantId: string, ntpId: string, groups: readonly (readonly string[])[]): Promise<Set<string>>;
  /** Removes entries that still point at `ntpId`. */
  release(operation: string, tenantId: string, ntpId: string, userIds: readonly string[]): Promise<void>;
  /** The instance holding a ticket, per the directory. */
  lookup(operation: string, tenantId: string, userId: string): Promise<string | null>;
}

/** One guard and one write per entry, given its user id and key. */
type Change = (userId: string, key: string) => readonly [Check, Op];

/** Entries of one shard headed for one commit. */
interface Group {
  readonly partition: string;
  readonly userIds: string[];
}

export function createDirectory(rt: NtpRuntime): Directory {
  const { ctx } = rt;

  /**
   * Applies one change per entry, grouped by shard into commits of at most
   * `maxOpsPerCommit`, handed to the store a bounded number of ops at a time.
   * A refused check drops its entry and the rest of that commit is sent
   * again, so one taken code never blocks the others.
   */
  function apply(operation: string, tenantId: string, userIds: readonly string[], change: Change, versions: boolean): Promise<DirectoryOutcome> {
    const shardOf = directoryPartitions(tenantId);
    const byShard = new Map<string, string[]>();
    for (const userId of userIds) {
      const partition = shardOf(userId);
      const group = byShard.get(partition);
      if (group) group.push(userId);
      else byShard.set(partition, [userId]);
    }
    return applyGroups(operation, byShard, change, versions);
  }

  /** {@link apply} for entries already grouped: `groups` maps each shard's partition to its user ids. */
  async function applyGroups(operation: string, groups: Iterable<readonly [string, readonly string[]]>, change: Change, versions: boolean): Promise<DirectoryOutcome> {
    const outcome: DirectoryOutcome = { versions: new Map(), refused: new Set() };
    const perCommit = Math.max(1, Math.floor(ctx.store.maxOpsPerCommit / 2));
    const pause = pacedYield();
    const pending: Group[] = [];
    for (const [partition, group] of groups) {
      for (let i = 0; i < group.length; i += perCommit) pending.push({ partition, userIds: group.slice(i, i + perCommit) });
    }
    for (let next = 0; next < pending.length; ) {
      const slice: Group[] = [];
      for (let ops = 0; next < pending.length && (slice.length === 0 || ops + 2 * pending[next]!.userIds.length <= OPS_PER_CALL); next++) {
        slice.push(pending[next]!);
        ops += 2 * pending[next]!.userIds.length;
      }
      const now = ctx.now();
      const commits: Commit[] = slice.map(({ partition, userIds: group }) => {
        const checks: Check[] = new Array<Check>(group.length);
        const ops: Op[] = new Array<Op>(group.length);
        for (let i = 0; i < group.length; i++) [checks[i], ops[i]] = change(group[i]!, K.code(group[i]!));
        return { partition, now, checks, ops };
      });
      const results = await ctx.store.commitBatch(operation, commits);
      results.forEach((result, i) => {
        const { partition, userIds: group } = slice[i]!;
        if (result.ok) {
          if (versions) {
            for (const userId of group) {
              const version = result.versions[K.code(userId)];
              if (version !== undefined) outcome.versions.set(userId, version);
            }
          }
          return;
        }
        // Each change has exactly one check and one op, so either index names the change.
        const refused = group[result.index];
        if (refused !== undefined) outcome.refused.add(refused);
        const rest = group.filter((u) => u !== refused);
        if (rest.length > 0) pending.push({ partition, userIds: rest });
      });
      // A synchronous store would otherwise hold the event loop for the whole pass.
      await pause();
    }
    return outcome;
  }

  return {
    reserve(operation, tenantId, ntpId, userIds) {
      const expiresAt = ctx.now() + DIRECTORY_LEASE_MS;
      const value: Fields = { ntpId };
      return apply(operation, tenantId, userIds, (_, key) => [{ type: 'version', key, version: 0 }, { type: 'put', key, value, expiresAt }], true);
    },
    confirm(operation, tenantId, ntpId, reserved) {
      const value: Fields = { ntpId };
      return apply(
        operation,
        tenantId,
        [...reserved.keys()],
        (userId, key) => [{ type: 'version', key, version: reserved.get(userId) ?? 0 }, { type: 'put', key, value }],
        true,
      );
    },
    async register(operation, tenantId, ntpId, userIds) {
      const value: Fields = Object.freeze({ ntpId });
      const { refused } = await apply(operation, tenantId, userIds, (_, key) => [{ type: 'version', key, version: 0 }, { type: 'put', key, value }], false);
      return refused;
    },
    async registerGroups(operation, tenantId, ntpId, groups) {
      const value: Fields = Object.freeze({ ntpId });
      const shardOf = directoryPartitions(tenantId);
      const named = groups.filter((g) => g.length > 0).map((g) => [shardOf(g[0]!), g] as const);
      const { refused } = await applyGroups(operation, named, (_, key) => [{ type: 'version', key, version: 0 }, { type: 'put', key, value }], false);
      return refused;
    },
    async release(operation, tenantId, ntpId, userIds) {
      const guard: Fields = { ntpId };
      await apply(operation, tenantId, userIds, (_, key) => [{ type: 'fields', key, equals: guard }, { type: 'delete', key }], false);
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
