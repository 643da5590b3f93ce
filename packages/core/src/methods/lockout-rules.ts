import type { ChangedBy } from '../events.js';
import type { ResolvedLockoutPolicy } from '../options.js';
import type { LockoutRecord, MethodRecord } from './storage.js';
import type { MethodState } from './types.js';

/*
 * The lockout rules of SPEC §4.3, pure: no store, no clock (times are passed
 * in). Expiry does the time-based work: a temporary lockout record and the
 * pinned failure count expire together when the lockout ends, and the
 * failure count slides with `failureResetMs`, so reading the store at `now`
 * already yields the state at `now`.
 */

/** A method as the rules see it: the operator's state with a running lockout folded in. */
export interface MethodView {
  readonly state: MethodState;
  /** Who blocked it, while BLOCKED. */
  readonly blockedBy?: ChangedBy;
  /** When a temporary lockout ends, while one runs. */
  readonly blockedUntil?: number;
  /** Counted failures, never above the limit. */
  readonly failedAttempts: number;
  readonly remainingAttempts: number;
}

/** `max(0, maxFailedAttempts - failedAttempts)`. */
export function remainingAttempts(policy: ResolvedLockoutPolicy, failedAttempts: number): number {
  return Math.max(0, policy.maxFailedAttempts - failedAttempts);
}

/**
 * The effective state of a method from its records (absent = never seen =
 * ACTIVE) and its failure counter. An operator's BLOCKED or DEACTIVATED wins;
 * otherwise a live lockout record means BLOCKED by the lockout.
 */
export function methodView(
  method: MethodRecord | null,
  lockout: LockoutRecord | null,
  failures: number,
  policy: ResolvedLockoutPolicy,
): MethodView {
  // A count above the limit can only come from a limit lowered since; never show more than the limit.
  const failedAttempts = Math.min(failures, policy.maxFailedAttempts);
  const counts = { failedAttempts, remainingAttempts: remainingAttempts(policy, failedAttempts) };
  const state = method?.state ?? 'ACTIVE';
  if (state === 'BLOCKED') return { state, blockedBy: 'operator', ...counts };
  if (state === 'DEACTIVATED' || lockout === null) return { state, ...counts };
  return lockout.blockedUntil === undefined
    ? { state: 'BLOCKED', blockedBy: 'lockout', ...counts }
    : { state: 'BLOCKED', blockedBy: 'lockout', blockedUntil: lockout.blockedUntil, ...counts };
}

/** How to count one failed attempt. */
export type FailurePlan =
  /**
   * The failure stays below the limit: add 1 with `max = limit - 1`, so
   * concurrent failures never pass it, sliding the count's expiry when
   * `failureResetMs` is set.
   */
  | { readonly kind: 'count'; readonly max: number; readonly expiresAt?: number }
  /**
   * The failure reaches the limit: only if at least `limit - 1` failures are
   * counted, pin the count at `limit` (expiring with the lockout, if
   * temporary) and write the lockout record — all in the same commit.
   */
  | {
      readonly kind: 'block';
      readonly atLeast: number;
      readonly limit: number;
      readonly lockout: LockoutRecord;
    };

/** Decides how the next failure is counted, given the count read before it. */
export function planFailure(policy: ResolvedLockoutPolicy, failuresSoFar: number, now: number): FailurePlan {
  const limit = policy.maxFailedAttempts;
  if (failuresSoFar + 1 < limit) {
    return policy.failureResetMs === undefined
      ? { kind: 'count', max: limit - 1 }
      : { kind: 'count', max: limit - 1, expiresAt: now + policy.failureResetMs };
  }
  const lockout: LockoutRecord =
    policy.lockoutMs === undefined ? { blockedAt: now } : { blockedAt: now, blockedUntil: now + policy.lockoutMs };
  return { kind: 'block', atLeast: limit - 1, limit, lockout };
}
