import type { RedisOptions } from 'ioredis';

/**
 * Connection options under which ioredis sends each command at most once:
 * nothing is queued while disconnected (a command is written to an open
 * connection or refused at once), a command in flight when the connection
 * closes is rejected at once (`maxRetriesPerRequest: 0`) and never re-sent
 * (`autoResendUnfulfilledCommands: false`), and a closed connection is not
 * reopened (the store opens a new one on its next call, so nothing carries
 * over). These override whatever the host's client carries.
 */
export const AT_MOST_ONCE: Partial<RedisOptions> = {
  autoResendUnfulfilledCommands: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
  reconnectOnError: () => false,
  enableAutoPipelining: false,
  readOnly: false,
  lazyConnect: true,
  // The store bounds every call with its own deadline.
  commandTimeout: undefined,
};
