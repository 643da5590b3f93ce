import { NtpassError } from '../errors.js';
import { K, clientPartition } from '../layout.js';
import type { NtpRuntime } from './runtime.js';

/*
 * The per-client brute-force throttle (SPEC §3.5). Partition
 * `client/<tenant>/<clientKey>`: a failure counter in a fixed window (its
 * expiry is set by the add that creates it) and a ban record that expires by
 * itself. Counting per client, not per code, keeps one attacker from locking
 * everyone else out.
 */

export interface Throttle {
  /** How long the client stays banned, or `null` when it may try. One read; nothing without a client key. */
  banned(operation: string, tenantId: string, clientKey: string | undefined): Promise<number | null>;
  /** Counts one `INVALID_CODE`; the failure that reaches `maxFailures` bans the client for `banMs`. */
  recordFailure(operation: string, tenantId: string, clientKey: string | undefined): Promise<void>;
}

export function throttled(operation: string, retryAfterMs: number): NtpassError {
  return new NtpassError('THROTTLED', `${operation}: too many invalid codes from this client; retry later`, { retryAfterMs });
}

export function createThrottle(rt: NtpRuntime): Throttle {
  const { ctx } = rt;
  const { maxFailures, windowMs, banMs } = ctx.options.redeemThrottle;
  return {
    async banned(operation, tenantId, clientKey) {
      if (clientKey === undefined) return null;
      const now = ctx.now();
      const { records } = await ctx.store.read(operation, { partition: clientPartition(tenantId, clientKey), records: [K.ban], now });
      const expiresAt = records[0]?.expiresAt;
      return expiresAt === undefined ? null : Math.max(1, expiresAt - now);
    },
    async recordFailure(operation, tenantId, clientKey) {
      if (clientKey === undefined) return;
      const partition = clientPartition(tenantId, clientKey);
      const now = ctx.now();
      // Bounded below the limit: the add refused is exactly the failure that reaches it.
      const counted = await rt.commit(operation, partition, now, [], [
        { type: 'add', key: K.failures, by: 1, max: maxFailures - 1, expiresAt: now + windowMs },
      ]);
      if (counted.ok) return;
      const banned = await rt.commit(operation, partition, now, [{ type: 'version', key: K.ban, version: 0 }], [
        { type: 'put', key: K.ban, value: { since: now }, expiresAt: now + banMs },
        { type: 'resetCounter', key: K.failures },
      ]);
      if (banned.ok) ctx.emit({ type: 'ntp.client.throttled', tenantId, at: now, clientKey, retryAfterMs: banMs });
    },
  };
}
