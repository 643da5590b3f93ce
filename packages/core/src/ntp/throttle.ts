import { NtpassError } from '../errors.js';
import type { Check, Op } from '../store.js';
import { K, clientPartition } from '../layout.js';
import type { NtpRuntime } from './runtime.js';

/*
 * The per-client brute-force throttle (SPEC §3.5), across all tenants.
 * Partition `client/<clientKey>` (no tenant in it: guesses against any
 * number of tenants keep these three keys and nothing more):
 * - counter `slots`: guesses reserved in the window — being judged, or judged
 *   and failed. Every guess first adds 1 bounded by `maxFailures` (the window's
 *   expiry is set by the add that creates it), so however many run at once,
 *   at most `maxFailures` are judged per window. A guess that turns out not to
 *   be `INVALID_CODE` gives its slot back.
 * - counter `failures`: the `INVALID_CODE`s of a window; the one that reaches
 *   `maxFailures` writes the ban in the same commit.
 * - record `ban`: expires by itself after `banMs`. The ban's commit also sets
 *   `slots` to expire with it, so the count restarts when the ban ends and a
 *   late slot release never frees a slot of the next window.
 * Counting per client, not per code, keeps one attacker from locking everyone
 * else out.
 */

/** A reserved guess: to be settled with {@link Throttle.settle}. */
export interface ThrottleSlot {
  readonly clientKey: string;
}

/** A client may guess (with the slot it holds, none without a client key), or is refused for a while. */
export type Admission = { readonly ok: true; readonly slot: ThrottleSlot | null } | { readonly ok: false; readonly retryAfterMs: number };

export interface Throttle {
  /**
   * Reserves one judged guess for the client (one commit), before any ticket
   * is read. Without a client key it admits at once and touches no store.
   */
  admit(operation: string, clientKey: string | undefined): Promise<Admission>;
  /**
   * Settles a reserved guess: `INVALID_CODE` keeps the slot and counts a
   * failure (the one reaching `maxFailures` bans the client for `banMs`);
   * any other outcome gives the slot back, so a success never spends a
   * legitimate client's budget.
   */
  settle(operation: string, tenantId: string, slot: ThrottleSlot | null, failed: boolean): Promise<void>;
}

/** `retryAfterMs` of a client refused only because all its slots are in flight. */
export const BUSY_RETRY_MS = 1000;

export function createThrottle(rt: NtpRuntime): Throttle {
  const { ctx } = rt;
  const { maxFailures, windowMs, banMs } = ctx.options.redeemThrottle;
  // Sent without a commit id: a store keeps applied ids for minutes, which would be state per
  // guess (hundreds of bytes each). A replayed reservation or failure only counts more (the safe
  // direction); a replayed release frees at most one slot of the same window.
  const commit = (operation: string, partition: string, now: number, checks: readonly Check[], ops: readonly Op[]) =>
    ctx.store.commit(operation, { partition, now, checks, ops });

  /**
   * How long a refused client waits: the ban's remaining time; without a ban
   * its `maxFailures` slots are all taken by guesses still being judged, which
   * settle in a moment (or ban it).
   */
  async function retryAfter(operation: string, partition: string): Promise<number> {
    const now = ctx.now();
    const { records } = await ctx.store.read(operation, { partition, records: [K.ban], now });
    const expiresAt = records[0]?.expiresAt;
    return expiresAt === undefined ? BUSY_RETRY_MS : Math.max(1, expiresAt - now);
  }

  async function recordFailure(operation: string, tenantId: string, partition: string, clientKey: string): Promise<void> {
    const now = ctx.now();
    // Bounded below the limit: the add refused is exactly the failure that reaches it.
    const counted = await commit(operation, partition, now, [], [
      { type: 'add', key: K.failures, by: 1, max: maxFailures - 1, expiresAt: now + windowMs },
    ]);
    if (counted.ok) return;
    const banned = await commit(operation, partition, now, [{ type: 'version', key: K.ban, version: 0 }], [
      { type: 'put', key: K.ban, value: { since: now }, expiresAt: now + banMs },
      { type: 'resetCounter', key: K.failures },
      { type: 'add', key: K.slots, by: 0, expiresAt: now + banMs, refreshExpiry: true },
    ]);
    if (banned.ok) ctx.emit({ type: 'ntp.client.throttled', tenantId, at: now, clientKey, retryAfterMs: banMs });
  }

  return {
    async admit(operation, clientKey) {
      if (clientKey === undefined) return { ok: true, slot: null };
      const partition = clientPartition(clientKey);
      const now = ctx.now();
      const reserved = await commit(operation, partition, now, [{ type: 'version', key: K.ban, version: 0 }], [
        { type: 'add', key: K.slots, by: 1, max: maxFailures, expiresAt: now + windowMs },
      ]);
      if (reserved.ok) return { ok: true, slot: { clientKey } };
      return { ok: false, retryAfterMs: await retryAfter(operation, partition) };
    },
    async settle(operation, tenantId, slot, failed) {
      if (slot === null) return;
      const partition = clientPartition(slot.clientKey);
      if (failed) {
        await recordFailure(operation, tenantId, partition, slot.clientKey);
        return;
      }
      // Best effort: a release that fails leaves the slot taken until the window ends (the safe direction),
      // and must not turn a counted redemption into an error.
      await commit(operation, partition, ctx.now(), [], [{ type: 'add', key: K.slots, by: -1, min: 0 }]).catch(() => undefined);
    },
  };
}
