import { invalidArgument } from '../errors.js';
import { K, tenantPartition } from '../layout.js';
import type { NtpRuntime } from './runtime.js';
import { guessingFloorReached } from './errors.js';

/*
 * The guessing floor (SPEC §3.2): a tenant-wide redemption tests one guess
 * against every live code of its length in the tenant, so by default a
 * tenant holds at most 58^length / 2^20 live codes of a length — one guess
 * then succeeds with probability at most 2^-20 (NIST SP 800-63B, look-up
 * secrets).
 *
 * "Live" means holding a directory entry: counted in counter `live:<length>`
 * of the tenant's partition `ntp-tenant/<tenant>`, reserved (bounded add)
 * before the directory reservation and released when an issue fails, a code
 * is revoked, or its instance is purged. A crash between steps leaves an
 * over-count, never an under-count: the floor only gets stricter.
 * Instances created with `allowGuessableCodes` (unsafe) count too, unbounded,
 * since a tenant-wide guess tests their codes as well.
 */

/** The longest code whose floor is still counted: past it, a tenant could never hold enough codes to matter. */
export const LONGEST_COUNTED_LENGTH = 12;

const SHORTEST = 4;
const LONGEST = 32;

/** Most live codes of `length` characters one tenant may hold: ⌊58^length / 2^20⌋, capped at 2^53 - 1. */
export function guessingLimit(length: number): number {
  const limit = 58n ** BigInt(length) / 2n ** 20n;
  return limit > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(limit);
}

/** Whether codes of `length` are counted at all (a pure function of the length, so releases always match reservations). */
export function counted(length: number): boolean {
  return length <= LONGEST_COUNTED_LENGTH;
}

/** The shortest code length whose limit holds `codes` live codes. */
export function lengthThatFits(codes: number): number {
  let length = SHORTEST;
  while (length < LONGEST && guessingLimit(length) < codes) length++;
  return length;
}

/** What the floor needs of an instance. */
export interface FloorSubject {
  readonly ticketLength: number;
  readonly maxTickets: number;
  readonly allowGuessableCodes: boolean;
}

/** Refuses a `maxTickets` that could never fit the floor of the instance's code length. */
export function checkMaxTickets(operation: string, instance: FloorSubject): void {
  if (instance.allowGuessableCodes || instance.maxTickets <= guessingLimit(instance.ticketLength)) return;
  throw invalidArgument(
    operation,
    'maxTickets',
    `${instance.maxTickets} can never fit the guessing floor of ${instance.ticketLength}-character codes ` +
      `(at most ${guessingLimit(instance.ticketLength)} live per tenant): use ticketLength ${lengthThatFits(instance.maxTickets)} or more`,
  );
}

export interface LiveCodes {
  /**
   * Reserves `n` live codes of the instance's length in its tenant;
   * `TICKET_LIMIT` naming `ticketLength` past the floor. A refusal first
   * reclaims the instance's bulk batches whose process died (`reclaim`,
   * resolving to the tickets released), then tries once more.
   */
  reserve(operation: string, tenantId: string, instance: FloorSubject, n: number, reclaim: () => Promise<number>): Promise<void>;
  /** Gives back `n` live codes of `length` (best effort: a lost release over-counts, the safe direction). */
  release(operation: string, tenantId: string, length: number, n: number): Promise<void>;
}

export function createLiveCodes(rt: NtpRuntime): LiveCodes {
  const { ctx } = rt;
  return {
    async reserve(operation, tenantId, instance, n, reclaim) {
      const length = instance.ticketLength;
      if (!counted(length) || n <= 0) return;
      const limit = guessingLimit(length);
      const bound = instance.allowGuessableCodes ? {} : { max: limit };
      const add = () => rt.commit(operation, tenantPartition(tenantId), ctx.now(), [], [{ type: 'add', key: K.liveCodes(length), by: n, ...bound }]);
      // Dead bulk calls of other instances are reclaimed when those issue next.
      if ((await add()).ok || ((await reclaim()) > 0 && (await add()).ok)) return;
      throw guessingFloorReached(operation, limit, length, lengthThatFits(limit + n));
    },
    async release(operation, tenantId, length, n) {
      if (!counted(length) || n <= 0) return;
      await rt
        .commit(operation, tenantPartition(tenantId), ctx.now(), [], [{ type: 'add', key: K.liveCodes(length), by: -n, min: 0 }])
        .catch(() => undefined);
    },
  };
}
