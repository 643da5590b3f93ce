import type { EngineContext } from '../context.js';
import { NtpassError } from '../errors.js';
import type { Check, CommitResult, Op } from '../store.js';
import { MAX_COMMIT_ATTEMPTS } from './limits.js';
import type { MethodTarget } from './target.js';

/** Returned by an attempt whose guarded commit lost a race: read again and retry. */
export const RETRY: unique symbol = Symbol('retry');

/**
 * Runs read → decide → guarded commit attempts until one is not refused by a
 * concurrent change. Rule errors thrown by an attempt propagate at once; after
 * {@link MAX_COMMIT_ATTEMPTS} lost races the call fails with `CONFLICT` and,
 * like every refused commit, has changed nothing.
 */
export async function retrying<T>(
  target: MethodTarget,
  subject: string,
  attempt: () => Promise<T | typeof RETRY>,
): Promise<T> {
  for (let i = 0; i < MAX_COMMIT_ATTEMPTS; i++) {
    const outcome = await attempt();
    if (outcome !== RETRY) return outcome;
  }
  throw new NtpassError('CONFLICT', `${target.operation}: ${subject} kept changing concurrently; try again`);
}

/** One atomic, guarded change of the user's partition. */
export function commitGuarded(
  ctx: EngineContext,
  target: MethodTarget,
  now: number,
  checks: readonly Check[],
  ops: readonly Op[],
): Promise<CommitResult> {
  return ctx.store.commit(target.operation, {
    partition: target.partition,
    now,
    checks,
    ops,
  });
}
