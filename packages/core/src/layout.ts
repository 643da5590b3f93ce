import { createHash } from 'node:crypto';
import { partitionName } from './store.js';

/*
 * Where all state lives, for both domains (see the storage layout in
 * packages/core/README.md). Every partition name and key is built here and
 * nowhere else, so every caller-chosen id is encoded the same way, and every valid
 * id (SPEC §2: 1–256 characters, non-ASCII included) yields a name within a
 * store's limits.
 */

// A store refuses partition names over 512 characters, and a 256-character id
// of non-ASCII text encodes to 2 304. A longer part is replaced by its digest,
// prefixed with a control character no caller id may contain, so it can never
// equal a real id.
const MAX_PART_CHARS = 160;

function part(id: string): string {
  if (encodeURIComponent(id).length <= MAX_PART_CHARS) return id;
  return `\u0001${createHash('sha256').update(id).digest('base64url')}`;
}

/** One instance: its record, counters, tickets, ticket index and bulk batches. */
export function instancePartition(tenantId: string, ntpId: string): string {
  // Every redemption names its instance's partition: remember recent names
  // rather than percent-encode (and maybe digest) both ids on each call.
  const memoKey = `${tenantId}\u0000${ntpId}`;
  let name = recentInstancePartitions.get(memoKey);
  if (name === undefined) {
    if (recentInstancePartitions.size >= MEMO_SIZE) recentInstancePartitions.clear();
    name = partitionName('ntp', part(tenantId), part(ntpId));
    recentInstancePartitions.set(memoKey, name);
  }
  return name;
}

/**
 * The partition of an instance that never exists, for the decoy work of a
 * refused unknown code (see ntp/redeem.ts): its id holds a `0`, which base58
 * ids never do. Not remembered, so guesses against made-up tenants keep no
 * memory.
 */
export function decoyPartition(tenantId: string): string {
  return partitionName('ntp', part(tenantId), 'QOTP00000000000');
}

// Bounded, and simply emptied when full: a few thousand hot instances at most.
const MEMO_SIZE = 4096;
const recentInstancePartitions = new Map<string, string>();

/** A tenant's index of instances. */
export function tenantPartition(tenantId: string): string {
  return partitionName('ntp-tenant', part(tenantId));
}

/**
 * One shard of a tenant's code directory (ticket user id → ntpId). Sharded by
 * two characters of the user id's hash part (3 364 shards) rather than one
 * partition per code, so bulk work groups many codes into one bounded commit.
 */
export function directoryPartition(tenantId: string, userId: string): string {
  return directoryPartitions(tenantId)(userId);
}

/** {@link directoryPartition} for many codes of one tenant (bulk work): the tenant's part is encoded once. */
export function directoryPartitions(tenantId: string): (userId: string) => string {
  const tenant = partitionName('code', part(tenantId));
  return (userId) => `${tenant}:${encodeURIComponent(userId.slice(4, 6))}`;
}

/**
 * A client's redeem throttle, across all tenants (SPEC §3.5): it names no
 * tenant, so guesses against any number of tenants keep one partition.
 */
export function clientPartition(clientKey: string): string {
  return partitionName('client', part(clientKey));
}

/** The registry of deleted instances whose purge is not finished. */
export const PURGE_PARTITION = partitionName('purge');

/**
 * All method state of one user: per method type T the records `m:T` and
 * `l:T` and the counter `f:T`, and per instance the record `i:<instanceId>`
 * (see methods/storage.ts for their contents). One partition per user, so
 * every change of a user is one commit.
 */
export function userPartition(tenantId: string, muid: string): string {
  return partitionName('user', part(tenantId), part(muid));
}

/** Keys of a user's partition. */
export const methodKey = (methodType: string): string => `m:${methodType}`;
export const lockoutKey = (methodType: string): string => `l:${methodType}`;
export const failuresKey = (methodType: string): string => `f:${methodType}`;
export const instanceKey = (instanceId: string): string => `i:${instanceId}`;

/**
 * The instance-wide counters every redemption adds to are split into this many
 * shards, picked by the ticket: concurrent redemptions of different tickets
 * then rarely wait on one counter (PostgreSQL holds a row's lock until its
 * commit is flushed, which made one instance's redemptions queue on one row).
 * A read sums the shards.
 */
export const COUNTER_SHARDS = 16;

const shardKeys = (name: string): readonly string[] => Array.from({ length: COUNTER_SHARDS }, (_, i) => `${name}:${i.toString(16)}`);
const REDEMPTION_SHARDS = shardKeys('redemptions');
const REDEEMED_TICKET_SHARDS = shardKeys('redeemedTickets');
// The last character of a user id is uniform over base58; its low 4 bits spread it over 16 shards.
const shardOf = (userId: string): number => userId.charCodeAt(userId.length - 1) & (COUNTER_SHARDS - 1);

/** The sum of a run of shard counters, as read in the order of `K.allRedemptions` / `K.allRedeemedTickets`. */
export function sumShards(counters: readonly number[], from: number): number {
  let sum = 0;
  for (let i = from; i < from + COUNTER_SHARDS; i++) sum += counters[i] ?? 0;
  return sum;
}

/** Keys inside the NTP partitions above. */
export const K = {
  /** Record: the instance. */
  instance: 'inst',
  /** Counter: tickets issued (bulk reservations included). */
  issued: 'issued',
  /** Counter shard: successful redemptions of all tickets, the shard of this ticket. */
  redemptions: (userId: string) => REDEMPTION_SHARDS[shardOf(userId)]!,
  /** Every shard of `redemptions`, to read and sum. */
  allRedemptions: REDEMPTION_SHARDS,
  /** Counter shard: tickets redeemed at least once, the shard of this ticket. */
  redeemedTickets: (userId: string) => REDEEMED_TICKET_SHARDS[shardOf(userId)]!,
  allRedeemedTickets: REDEEMED_TICKET_SHARDS,
  /** Counter: revoked tickets. */
  revoked: 'revoked',
  /** Index of tickets issued one at a time: member userId, sorted by issue time. */
  tickets: 'tickets',
  /**
   * Index of finished bulk batches, for listing their tickets: member the
   * batch number, sorted by the position of its first ticket among all bulk
   * tickets of the instance (see ntp/ticket-chunks.ts).
   */
  bulkBatches: 'bulk',
  /** Record: the user ids of one run of a bulk batch's tickets, in call order. */
  ticketChunk: (batchId: number, chunk: number) => `k:${batchId}:${chunk}`,
  /** The prefix of every chunk record of one batch. */
  ticketChunkPrefix: (batchId: number) => `k:${batchId}:`,
  /** Index of a tenant's instances, and of instances to purge. */
  instances: 'instances',
  /** Throttle: guesses being judged or failed in the window (bounded by maxFailures), failure counter and ban record. */
  slots: 'slots',
  failures: 'failures',
  ban: 'ban',
  /** Counter in a tenant's partition: its live codes of one length (the guessing floor). */
  liveCodes: (length: number) => `live:${length}`,
  /** Record: a ticket, by its user id (a keyed hash of its code). */
  ticket: (userId: string) => `t:${userId}`,
  ticketPrefix: 't:',
  /** Counter: a ticket's redemptions. */
  ticketRedemptions: (userId: string) => `r:${userId}`,
  /** Record: an open bulk batch, by its number within the instance. */
  batch: (batchId: number) => `b:${batchId}`,
  batchPrefix: 'b:',
  /** Record in a directory shard: ticket user id → ntpId. */
  code: (userId: string) => `c:${userId}`,
} as const;

/** A zero-padded decimal, so sort keys order like the numbers they hold. */
export function padNumber(n: number, width = 16): string {
  return String(Math.max(0, Math.trunc(n))).padStart(width, '0');
}
