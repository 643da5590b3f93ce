import type { Redis } from 'ioredis';
import { withTimeout } from '../with-timeout.js';

/** `waitForReplicas` of {@link redisStore}. */
export interface WaitForReplicas {
  /** How many replicas must acknowledge a commit before it is reported applied. */
  readonly count: number;
  /** How long Redis waits for them (`WAIT`'s timeout). */
  readonly timeoutMs: number;
}

/** Replicas the master at the other end of `conn` has connected now, per `ROLE`; undefined if it cannot tell. */
async function connectedReplicas(conn: Redis, ms: number): Promise<number | undefined> {
  try {
    const role = (await withTimeout(conn.call('ROLE'), ms, 'ROLE', () => conn.status)) as unknown[];
    return role[0] === 'master' && Array.isArray(role[2]) ? role[2].length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends `WAIT count timeoutMs` on the connection that just ran a write, which
 * waits for every write that connection sent so far. Fewer acknowledgements
 * than asked, or no answer, is an error: the write is applied on this master
 * but may vanish in a failover, so its outcome is unknown.
 */
export async function waitForReplicas(conn: Redis, wait: WaitForReplicas, operation: string, slackMs: number): Promise<void> {
  const where = `${conn.options.host}:${conn.options.port}`;
  let acks: unknown;
  try {
    acks = await withTimeout(conn.call('WAIT', wait.count, wait.timeoutMs), wait.timeoutMs + slackMs, operation, () => conn.status);
  } catch (e) {
    throw new Error(`${operation}: applied on the master ${where} but its replicas' acknowledgement (waitForReplicas) failed: ${(e as Error).message}; outcome unknown`, { cause: e });
  }
  if (typeof acks === 'number' && acks >= wait.count) return;
  const connected = await connectedReplicas(conn, slackMs);
  const why =
    connected !== undefined && connected < wait.count
      ? `the master has ${connected} connected replica(s), fewer than waitForReplicas.count`
      : 'the replicas lag or are unreachable';
  throw new Error(
    `${operation}: only ${String(acks)} of ${wait.count} replicas acknowledged the write on ${where} within ${wait.timeoutMs} ms (waitForReplicas): ${why}; outcome unknown`,
  );
}
