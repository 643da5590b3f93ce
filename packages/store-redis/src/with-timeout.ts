/**
 * Rejects when `work` has not settled within `ms`, naming the operation and
 * the connection's status. The command may still run after that (it was
 * written); the store never sends it again, so its outcome is unknown.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, operation: string, status: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${operation}: no reply from Redis within ${Math.max(0, Math.round(ms))} ms (connection status "${status()}"); outcome unknown`)),
      Math.max(0, ms),
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
