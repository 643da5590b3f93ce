import type { Redis } from 'ioredis';

/**
 * One connection to one endpoint, opened on first use. Once it has ended
 * (closed, or failed to connect) the next `get()` opens a fresh one, but not
 * sooner than {@link REOPEN_DELAY_MS} after the last one was opened, so a
 * dead endpoint is not hammered.
 */
export interface ConnectionSlot {
  /** The current connection, opening one if there is none or it ended. */
  get(): Redis;
  /** Closes the connection for good. */
  close(): void;
}

export const REOPEN_DELAY_MS = 100;

const noop = () => undefined;

export function connectionSlot(open: () => Redis): ConnectionSlot {
  let current: Redis | undefined;
  let openedAt = 0;
  let closed = false;
  return {
    get() {
      if (closed) throw new Error('redisStore: closed (by store.close(), or because its client ended)');
      if (current !== undefined && (current.status !== 'end' || Date.now() - openedAt < REOPEN_DELAY_MS)) return current;
      const conn = open();
      // Errors surface through the commands; without a listener ioredis logs them.
      conn.on('error', noop);
      conn.connect().catch(noop);
      current = conn;
      openedAt = Date.now();
      return conn;
    },
    close() {
      closed = true;
      current?.disconnect();
      current = undefined;
    },
  };
}
