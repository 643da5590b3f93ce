import type { NtpassError } from './errors.js';

/** Returned by an attempt whose guarded commit lost a race: read again and retry. */
export const RETRY: unique symbol = Symbol('retry');

/** Attempts of one guarded commit before a lost race becomes `CONFLICT`. */
export const MAX_COMMIT_ATTEMPTS = 10;

/**
 * The commit-and-retry loop of both domains: runs read → decide → guarded
 * commit attempts until one is not refused by a concurrent change. Rule
 * errors thrown by an attempt propagate at once; after
 * {@link MAX_COMMIT_ATTEMPTS} lost races the call throws `conflict()` and,
 * like every refused commit, has changed nothing.
 */
export async function retrying<T>(conflict: () => NtpassError, attempt: () => Promise<T | typeof RETRY>): Promise<T> {
  for (let i = 0; i < MAX_COMMIT_ATTEMPTS; i++) {
    const outcome = await attempt();
    if (outcome !== RETRY) return outcome;
  }
  throw conflict();
}
