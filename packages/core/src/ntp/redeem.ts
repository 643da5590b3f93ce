import { NtpassError } from '../errors.js';
import type { Check, Fields, Op } from '../store.js';
import type { Directory } from './directory.js';
import type { GuessingAlert } from './guessing-alert.js';
import { effectiveCap, redeemWindow, type Instance } from './instance-rules.js';
import { K, decoyPartition, instancePartition } from '../layout.js';
import { resolveTarget, type RedeemTarget } from './redeem-target.js';
import { RETRY, retrying } from '../retry.js';
import type { NtpRuntime } from './runtime.js';
import { parseRedeemInput } from './redeem-input.js';
import type { Throttle } from './throttle.js';
import { judgeRedemption, ticketExpectation, ticketFromFields, type RedemptionRefusal, type Ticket } from './ticket-rules.js';
import { emailHashOf } from './ticket-writes.js';
import type { NtpCodeStatus, NtpRedeemRefusal, RedeemCodeOptions, RedeemedCode } from './types.js';
import { contention, expired, invalidCode, notStarted, redemptionLimit, throttled } from './errors.js';

/*
 * `redeemCode` and `ntpCodeStatus` (SPEC §3.3). With a known ntpId and a
 * cached instance a redemption is ONE commit: the instance's version (so the
 * window judged here on the cached record is current), the ticket's fields
 * (email hash, not pending, not revoked, signed or not), and a bounded add of
 * its redemptions with max = min(ticket cap, instance maxRedemptions). Only a
 * refused commit reads, to find the precise error (or to learn that a ticket's
 * bulk batch is done while another batch of its instance is open).
 */

/** Why a code does not redeem, with what may be told about its ticket. */
interface Refusal {
  readonly ok: false;
  readonly reason: NtpRedeemRefusal;
  readonly retryAfterMs?: number;
  /** Absent for `INVALID_CODE` and `THROTTLED`: nothing is told about an unknown code. */
  readonly instance?: Instance;
  readonly redemptions: number;
  readonly cap: number;
}

/** Where a code stands, as `ntpCodeStatus` reports it and `redeemCode` throws it. */
type Verdict = { readonly ok: true; readonly instance: Instance; readonly redemptions: number; readonly cap: number } | Refusal;

/** A counted redemption: the ticket's redemptions after it. */
type Counted = { readonly ok: true; readonly instance: Instance; readonly redemptions: number } | Refusal;

/** The precise facts of one ticket, read in one round trip. */
interface Inspection {
  readonly version: number;
  readonly instance: Instance | null;
  readonly ticket: Ticket | null;
  readonly refusal: RedemptionRefusal | null;
  readonly redemptions: number;
}

export function createRedeemOperations(rt: NtpRuntime, directory: Directory, throttle: Throttle, guessing: GuessingAlert) {
  const { ctx } = rt;

  async function inspect(op: string, target: RedeemTarget, ntpId: string, userId: string, emailHash: string | null): Promise<Inspection> {
    const read = await rt.readInstance(op, target.tenantId, ntpId, { records: [K.ticket(userId)], counters: [K.ticketRedemptions(userId)] });
    const ticket = read.records[0] ? ticketFromFields(read.records[0].value) : null;
    const redemptions = read.counters[0] ?? 0;
    const instance = read.cached?.instance ?? null;
    const refusal = judgeRedemption({ instance, ticket, redemptions, emailHash, signed: target.signed, now: ctx.now() });
    return { version: read.cached?.version ?? 0, instance, ticket, refusal, redemptions };
  }

  /** Counts one redemption; resolves to the ticket's redemptions after it, or a refusal. */
  async function count(op: string, target: RedeemTarget, ntpId: string, userId: string, emailHash: string | null): Promise<Counted> {
    const partition = instancePartition(target.tenantId, ntpId);
    const cached = rt.cache.get(partition);
    // What the commit expects: first a guess from the cache, then exactly what a read found.
    let expected: { version: number; instance: Instance; ticket: Fields } | null = cached
      ? { version: cached.version, instance: cached.instance, ticket: ticketExpectation(emailHash, target.signed, cached.instance) }
      : null;
    return retrying(() => contention(op, ntpId), async (): Promise<Counted | typeof RETRY> => {
      const now = ctx.now();
      // The window is judged here on the very record whose version the commit checks. A closed
      // window is not thrown from here: an unknown code must still win (SPEC §3.3 order).
      if (expected && redeemWindow(expected.instance, now) === null) {
        const { instance } = expected;
        // Each key built once: a store hashes a string once per string object, not per lookup.
        const ticketKey = K.ticket(userId);
        const countKey = K.ticketRedemptions(userId);
        const checks: Check[] = [
          { type: 'version', key: K.instance, version: expected.version },
          { type: 'fields', key: ticketKey, equals: expected.ticket },
        ];
        const ops: Op[] = [
          { type: 'add', key: countKey, by: 1, max: [{ key: ticketKey, field: 'cap' }, instance.maxRedemptions] },
          { type: 'add', key: K.redemptions(userId), by: 1 },
        ];
        const result = await rt.commit(op, partition, now, checks, ops);
        if (result.ok) return { ok: true, instance, redemptions: result.counters[countKey] ?? 0 };
        // Every check passed, so the instance is current and the ticket valid: the bound refused.
        if (result.at === 'op') return { ok: false, reason: 'REDEMPTION_LIMIT', instance, redemptions: 0, cap: 0 };
      }
      // A refused commit or a cold cache: read, then judge precisely.
      const seen = await inspect(op, target, ntpId, userId, emailHash);
      if (seen.refusal !== null || !seen.instance || !seen.ticket) return refusalOf(seen);
      expected = {
        version: seen.version,
        instance: seen.instance,
        ticket: ticketExpectation(seen.ticket.email, target.signed, seen.instance, seen.ticket.batch),
      };
      return RETRY;
    });
  }

  /**
   * The checks of SPEC §3.3 in order — signature, throttle, then the ticket —
   * ending in `judge` (count or inspect); an unknown code keeps the client's
   * throttle slot as a failure (and counts toward `ntp.guessing`), any other
   * outcome gives the slot back.
   */
  async function evaluate<R extends Counted>(
    op: string,
    options: RedeemCodeOptions,
    judge: (target: RedeemTarget, ntpId: string, userId: string, emailHash: string | null) => Promise<R>,
  ): Promise<{ readonly verdict: R | Refusal; readonly userId?: string }> {
    const o = parseRedeemInput(options, op);
    const resolution = resolveTarget(op, o, ctx.options);
    // A token that does not verify is refused before any store is touched and counts no failure.
    if (!resolution.ok) return { verdict: unknownCode() };
    const { target } = resolution;
    // The guess's throttle slot is reserved before any ticket is read: exact under any concurrency.
    const admission = o.clientKey === undefined ? UNTHROTTLED : await throttle.admit(op, o.clientKey);
    if (!admission.ok) return { verdict: { ok: false, reason: 'THROTTLED', retryAfterMs: admission.retryAfterMs, redemptions: 0, cap: 0 } };
    const userId = ctx.hasher.ticketUserId(target.tenantId, target.code);
    const ntpId = target.hopeless ? null : (target.ntpId ?? (await directory.lookup(op, target.tenantId, userId)));
    const emailHash = emailHashOf(ctx.hasher, target.tenantId, o.email);
    let verdict: R | Refusal;
    if (ntpId !== null) verdict = await judge(target, ntpId, userId, emailHash);
    else {
      // A code the directory does not know costs the same store work as a known code refused for
      // its email (a refused commit and a read), so timing does not tell a guesser a code exists.
      if (!target.hopeless) await decoy(op, target, userId, emailHash);
      verdict = unknownCode();
    }
    const failed = !verdict.ok && verdict.reason === 'INVALID_CODE';
    if (failed) guessing.failed(target.tenantId);
    if (admission.slot !== null) await throttle.settle(op, target.tenantId, admission.slot, failed);
    return { verdict, userId };
  }

  /**
   * The work of judging a code refused by its ticket's fields, done on an
   * instance that never exists (its id holds a `0`, outside base58): the
   * commit is refused at its first check and the read finds nothing, so it
   * leaves no state behind.
   */
  async function decoy(op: string, target: RedeemTarget, userId: string, emailHash: string | null): Promise<void> {
    const partition = decoyPartition(target.tenantId);
    // ntpCodeStatus only reads; redeemCode commits first.
    if (op === 'redeemCode') await rt.commit(op, partition, ctx.now(), [
      { type: 'version', key: K.instance, version: 1 },
      { type: 'fields', key: K.ticket(userId), equals: ticketExpectation(emailHash, target.signed) },
    ], [
      { type: 'add', key: K.ticketRedemptions(userId), by: 1, max: [{ key: K.ticket(userId), field: 'cap' }, 1] },
      { type: 'add', key: K.redemptions(userId), by: 1 },
    ]);
    await ctx.store.read(op, { partition, records: [K.instance, K.ticket(userId)], counters: [K.ticketRedemptions(userId)], now: ctx.now() });
  }

  async function redeemCode(options: RedeemCodeOptions & { readonly includeNtpId: true }): Promise<RedeemedCode>;
  async function redeemCode(options: RedeemCodeOptions & { readonly includeNtpId?: false }): Promise<string>;
  async function redeemCode(options: RedeemCodeOptions): Promise<string | RedeemedCode>;
  async function redeemCode(options: RedeemCodeOptions): Promise<string | RedeemedCode> {
    const op = 'redeemCode';
    const { verdict, userId } = await evaluate(op, options, (t, ntpId, id, emailHash) => count(op, t, ntpId, id, emailHash));
    if (!verdict.ok) throw refusalError(op, verdict);
    const { objectId, ntpId, tenantId } = verdict.instance;
    if (userId !== undefined) {
      ctx.emit({ type: 'ntp.code.redeemed', tenantId, at: ctx.now(), ntpId, userId });
      if (verdict.redemptions === 1) countRedeemedTicket(op, tenantId, ntpId, userId);
    }
    return options.includeNtpId === true ? { objectId, ntpId } : objectId;
  }

  async function ntpCodeStatus(options: RedeemCodeOptions): Promise<NtpCodeStatus> {
    const op = 'ntpCodeStatus';
    const { verdict } = await evaluate(op, options, async (t, ntpId, userId, emailHash) => statusVerdict(await inspect(op, t, ntpId, userId, emailHash)));
    const located = verdict.instance ? { objectId: verdict.instance.objectId, ntpId: verdict.instance.ntpId } : {};
    if (verdict.ok) return { valid: true, ...located, redemptions: verdict.redemptions, maxRedemptions: verdict.cap };
    return {
      valid: false,
      reason: verdict.reason,
      ...(verdict.retryAfterMs === undefined ? {} : { retryAfterMs: verdict.retryAfterMs }),
      ...located,
      redemptions: verdict.redemptions,
      maxRedemptions: verdict.cap,
    };
  }

  /**
   * Tickets redeemed at least once, for the report: counted after the commit
   * whose add took the ticket from 0 to 1, so the redemption itself stays one
   * round trip. Dispatched before redeem returns; a crash in between loses one.
   */
  function countRedeemedTicket(op: string, tenantId: string, ntpId: string, userId: string): void {
    ctx.background.run(async () => {
      await rt.commit(op, instancePartition(tenantId, ntpId), ctx.now(), [{ type: 'fields', key: K.instance, equals: {} }], [
        { type: 'add', key: K.redeemedTickets(userId), by: 1 },
      ]);
    });
  }

  return { redeemCode, ntpCodeStatus };
}

/** The admission of a redemption without a client key: nothing to reserve or settle. */
const UNTHROTTLED = { ok: true, slot: null } as const;

function unknownCode(): Refusal {
  return { ok: false, reason: 'INVALID_CODE', redemptions: 0, cap: 0 };
}

function refusalOf(seen: Inspection): Refusal {
  if (seen.refusal === 'INVALID_CODE' || seen.refusal === null || !seen.instance || !seen.ticket) return unknownCode();
  return { ok: false, reason: seen.refusal, instance: seen.instance, redemptions: seen.redemptions, cap: effectiveCap(seen.ticket.cap, seen.instance) };
}

function statusVerdict(seen: Inspection): Verdict {
  if (seen.refusal !== null || !seen.instance || !seen.ticket) return refusalOf(seen);
  return { ok: true, instance: seen.instance, redemptions: seen.redemptions, cap: effectiveCap(seen.ticket.cap, seen.instance) };
}

function refusalError(op: string, verdict: Refusal): NtpassError {
  const ntpId = verdict.instance?.ntpId ?? '';
  switch (verdict.reason) {
    case 'THROTTLED':
      return throttled(op, verdict.retryAfterMs ?? 0);
    case 'EXPIRED':
      return expired(op, ntpId);
    case 'NOT_STARTED':
      return notStarted(op, ntpId);
    case 'REDEMPTION_LIMIT':
      return redemptionLimit(op);
    case 'INVALID_CODE':
      return invalidCode(op);
  }
}
