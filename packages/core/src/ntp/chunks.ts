/**
 * Ops handed to one `commitBatch` call by bulk work: enough that the call's
 * own cost (a round trip, a transaction) vanishes per op, few enough that a
 * synchronous store (memory, SQLite) gives the event loop back every few tens
 * of milliseconds.
 */
export const OPS_PER_CALL = 16_384;

/** Splits `items` into consecutive slices of at most `size` (>= 1). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += step) out.push(items.slice(i, i + step));
  return out;
}

/** Lets timers and I/O run between batches of background work that may never leave the microtask queue. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A yield for long runs of store calls: gives the event loop a turn once
 * `intervalMs` passed since the last one, so a synchronous store never holds
 * it much longer than one call, and fast calls do not each pay a timer turn.
 */
export function pacedYield(intervalMs = 8): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}

/**
 * Runs store calls with up to `depth` in flight, so the engine builds the
 * next call while the store (a Redis server, another process) applies the
 * one before. `next` starts one call (sending it and handling its results)
 * or returns `undefined` when none is ready; it is asked again after each
 * call ends, since handling results may queue more (a refused group sent
 * again). Rejects with the first failure once every call in flight has
 * settled, so nothing is still being written when the caller cleans up.
 */
export async function pipelined(next: () => Promise<void> | undefined, pause: () => Promise<void>, depth = 2): Promise<void> {
  const inFlight: Promise<void>[] = [];
  try {
    for (;;) {
      while (inFlight.length < depth) {
        const call = next();
        if (call === undefined) break;
        // Awaited below; marked handled now so a failure behind another one is never unhandled.
        call.catch(() => undefined);
        inFlight.push(call);
      }
      const oldest = inFlight.shift();
      if (oldest === undefined) return;
      await oldest;
      await pause();
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
}
