import type { KeyObject } from 'node:crypto';
import { invalidArgument, isNtpassError } from '../errors.js';
import { signCode } from '../signing.js';
import { parseInput } from '../validate.js';
import { admitIssue, commitIssue } from './admission.js';
import type { Batches } from './batches.js';
import type { Directory } from './directory.js';
import type { LiveCodes } from './guessing-floor.js';
import { ticketCap } from './instance-rules.js';
import { padNumber } from '../layout.js';
import type { NtpRuntime } from './runtime.js';
import { issueNtpCodeSchema } from './schemas.js';
import { emailHashOf, freshCode, payloadEmailHashOf, ticketFreeCheck, ticketWrites, type FreshCode } from './ticket-writes.js';
import type { IssueNtpCodeOptions, IssuedNtpCode } from './types.js';
import { noUnusedCode } from './errors.js';

/** How many fresh codes an issue tries before giving up with CONFLICT (SPEC §3.2). */
export const MAX_CODE_TRIES = 10;

/**
 * `issueNtpCode` and `issueSignedNtpCode` (SPEC §3.2). Four round trips:
 * reserve a live code under the tenant's guessing floor (codes of 12
 * characters or more skip it), reserve the code in the tenant's directory,
 * commit the ticket in its instance (version-checked, `issued` bounded by
 * `maxTickets`), confirm the reservation.
 */
export function createIssueOperations(rt: NtpRuntime, directory: Directory, batches: Batches, live: LiveCodes) {
  const { ctx } = rt;

  async function issue(op: string, options: IssueNtpCodeOptions, signed: boolean): Promise<IssuedNtpCode> {
    const o = parseInput(issueNtpCodeSchema, options, op);
    const signingKey = signed ? ctx.options.signingKey : undefined;
    if (signed && !signingKey) throw invalidArgument(op, 'signingKey', 'is not configured (createEngine({ signingKey }))');
    const { tenantId, ntpId } = o;
    const emailHash = emailHashOf(ctx.hasher, tenantId, o.email);
    let cached = await admitIssue(rt, op, tenantId, ntpId);
    const reclaim = () => batches.reclaimExpired(op, tenantId, ntpId);
    // The guessing floor, before any code is reserved. Given back only where no directory entry
    // can be left behind; any other failure over-counts, which only makes the floor stricter.
    const { ticketLength } = cached.instance;
    await live.reserve(op, tenantId, cached.instance, 1, reclaim);

    for (let tries = 0; tries < MAX_CODE_TRIES; tries++) {
      const code = freshCode(ctx.hasher, tenantId, cached.instance.ticketLength);
      const reservation = await directory.reserve(op, tenantId, ntpId, [code.userId]);
      if (reservation.refused.size > 0) continue; // another ticket of the tenant holds this code
      const outcome = await commitIssue(rt, reclaim, op, o, cached, 1, (current, now) => ({
        checks: [ticketFreeCheck(code.userId)],
        ops: ticketWrites(
          code.userId,
          { cap: ticketCap(o.maxRedemptions, current.instance), email: emailHash, signed, issuedAt: now, batch: null, revoked: false },
          padNumber(now),
        ),
      })).catch(async (e: unknown) => {
        const released = await directory.release(op, tenantId, ntpId, [code.userId]).then(
          () => true,
          () => false,
        );
        // A lost answer may have written the ticket: then keep counting it (its purge gives it back).
        if (released && isNtpassError(e) && e.code !== 'STORE_UNAVAILABLE') await live.release(op, tenantId, ticketLength, 1);
        throw e;
      });
      // Confirming also covers the refusal below: a ticket of a crashed issue holds this code in
      // this very instance, and the confirmed entry points the directory back at it.
      await directory.confirm(op, tenantId, ntpId, reservation.versions);
      cached = outcome.cached;
      if (!outcome.ok) continue;
      ctx.emit({ type: 'ntp.code.issued', tenantId, at: outcome.now, ntpId, count: 1 });
      const token = signingKey ? signToken(signingKey, code, tenantId, ntpId, payloadEmailHashOf(ctx.hasher, tenantId, o.email), outcome.now) : code.code;
      return { token, userId: code.userId };
    }
    await live.release(op, tenantId, ticketLength, 1);
    throw noUnusedCode(op, MAX_CODE_TRIES);
  }

  function signToken(key: KeyObject, code: FreshCode, tenantId: string, ntpId: string, emailHash: string | null, iat: number): string {
    const kid = ctx.options.signingKeyId;
    return signCode(
      { v: 1, tenantId, ntpId, code: code.code, ...(emailHash === null ? {} : { emailHash }), iat, ...(kid === undefined ? {} : { kid }) },
      key,
    );
  }

  return {
    issueNtpCode: (options: IssueNtpCodeOptions) => issue('issueNtpCode', options, false),
    issueSignedNtpCode: (options: IssueNtpCodeOptions) => issue('issueSignedNtpCode', options, true),
  };
}
