import { Redis } from 'ioredis';
import { storeUnavailable } from './cli-error.js';
import { redactUrl } from './store-target.js';

/** Reconnects tried after a connection drops mid-command, before the command fails (exit 3). */
const RECONNECTS = 3;

/**
 * Connects to Redis, failing within `timeoutMs` with a message that names the
 * server (password hidden) and the cause, instead of ioredis's default of
 * retrying forever. Once connected, a dropped connection is retried a few
 * times so one blip does not fail a long bulk issue.
 */
export async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  let ready = false;
  let lastError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: RECONNECTS,
    retryStrategy: (times) => (ready && times <= RECONNECTS ? Math.min(times * 200, 1000) : null),
  });
  // Without a listener ioredis prints every connection error; the failure is reported once, below.
  client.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await client.connect();
    ready = true;
    return client;
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? error;
    const why = (cause as NodeJS.ErrnoException).code ?? (cause instanceof Error ? cause.message : String(cause));
    throw storeUnavailable(`cannot connect to Redis at ${redactUrl(url)} (${why})`, cause);
  }
}

/** Closes a client the CLI opened: politely, then for sure. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
  await ended;
}
