import type { Check, CommitApplied, Op } from '../store.js';
import { canIssue } from './instance-rules.js';
import type { CachedInstance } from './instance-cache.js';
import { K, instancePartition } from '../layout.js';
import { MAX_COMMIT_ATTEMPTS } from '../retry.js';
import type { NtpRuntime } from './runtime.js';
import { contention, expired, instanceNotFound, ticketLimit } from './errors.js';

/**
 * The instance to issue from (SPEC §3.2): it exists and is neither suspended
 * nor ended. A cached record is only trusted to admit — the commit that
 * follows checks its version — while a refusal is always decided on a fresh
 * read. `fresh` forces the read (after a refused version check).
 */
export async function admitIssue(
  rt: NtpRuntime,
  operation: string,
  tenantId: string,
  ntpId: string,
  fresh = false,
): Promise<CachedInstance> {
  let cached = fresh ? undefined : rt.cache.get(instancePartition(tenantId, ntpId));
  if (!cached || !canIssue(cached.instance, rt.ctx.now())) {
    const read = await rt.readInstance(operation, tenantId, ntpId);
    if (!read.cached) throw instanceNotFound(operation, ntpId);
    cached = read.cached;
  }
  if (!canIssue(cached.instance, rt.ctx.now())) {
    throw expired(operation, ntpId);
  }
  return cached;
}

/** The `max` bound of the `issued` counter: `maxTickets`, or none when 0 (unlimited). */
function issuedBound(maxTickets: number): { readonly max?: number } {
  return maxTickets > 0 ? { max: maxTickets } : {};
}

/** What an issuing commit writes, given the instance it is judged against. */
export interface IssueCommit {
  /** Checks after the instance's version check. */
  readonly checks: readonly Check[];
  /** Ops after the bounded `add` of `issued`. */
  readonly ops: readonly Op[];
}

export type IssueCommitOutcome =
  | { readonly ok: true; readonly applied: CommitApplied; readonly cached: CachedInstance; readonly now: number }
  /** One of the caller's own checks refused (its index in `checks`). */
  | { readonly ok: false; readonly check: number; readonly cached: CachedInstance };

/**
 * Commits `by` new tickets against an instance: its version checked, `issued`
 * bounded by `maxTickets`. A refused version re-reads and judges again
 * (NOT_FOUND, EXPIRED); a refused bound first releases the quota of crashed
 * bulk calls, then is TICKET_LIMIT.
 */
export async function commitIssue(
  rt: NtpRuntime,
  reclaim: () => Promise<number>,
  operation: string,
  ref: { readonly tenantId: string; readonly ntpId: string },
  admitted: CachedInstance,
  by: number,
  build: (cached: CachedInstance, now: number) => IssueCommit,
): Promise<IssueCommitOutcome> {
  const partition = instancePartition(ref.tenantId, ref.ntpId);
  let cached = admitted;
  let versionRefusals = 0;
  let reclaimed = false;
  for (;;) {
    const now = rt.ctx.now();
    const { checks, ops } = build(cached, now);
    const result = await rt.commit(
      operation,
      partition,
      now,
      [{ type: 'version', key: K.instance, version: cached.version }, ...checks],
      [{ type: 'add', key: K.issued, by, ...issuedBound(cached.instance.maxTickets) }, ...ops],
    );
    if (result.ok) return { ok: true, applied: result, cached, now };
    if (result.at === 'check' && result.index > 0) return { ok: false, check: result.index - 1, cached };
    if (result.at === 'check') {
      if (++versionRefusals > MAX_COMMIT_ATTEMPTS) throw contention(operation, ref.ntpId);
      cached = await admitIssue(rt, operation, ref.tenantId, ref.ntpId, true);
      continue;
    }
    if (!reclaimed) {
      reclaimed = true;
      if ((await reclaim()) > 0) continue;
    }
    throw ticketLimit(operation, ref.ntpId);
  }
}
