/**
 * Rejects when `work` has not settled within `ms`, naming the operation and
 * the client's connection status. ioredis keeps commands while it
 * reconnects (its offline queue); without this a call could wait for minutes.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, operation: string, status: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${operation}: no reply from Redis within ${ms} ms (client status "${status()}")`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
