/**
 * Items with an expiry, earliest first (a binary min-heap), so the store can
 * reclaim what lapsed without any later call touching it. An entry names the
 * exact row object it was queued for; the caller checks that the row is still
 * the stored one before deleting, so a rewritten item is never reclaimed early.
 */
export interface ExpiryQueue<P> {
  push(at: number, partition: P, key: string, row: object): void;
  /** Calls `reclaim` for up to `limit` entries due by `horizon` (at <= horizon), removing them. */
  popDue(horizon: number, limit: number, reclaim: (partition: P, key: string, row: object) => void): void;
  readonly size: number;
}

interface Entry<P> {
  readonly at: number;
  readonly partition: P;
  readonly key: string;
  readonly row: object;
}

export function createExpiryQueue<P>(): ExpiryQueue<P> {
  const heap: Entry<P>[] = [];
  const up = (i: number): void => {
    const e = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= e.at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = e;
  };
  const down = (i: number): void => {
    const n = heap.length;
    const e = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1]!.at < heap[child]!.at) child += 1;
      if (heap[child]!.at >= e.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = e;
  };
  return {
    push(at, partition, key, row) {
      heap.push({ at, partition, key, row });
      up(heap.length - 1);
    },
    popDue(horizon, limit, reclaim) {
      for (let n = 0; n < limit && heap.length > 0 && heap[0]!.at <= horizon; n++) {
        const top = heap[0]!;
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
        reclaim(top.partition, top.key, top.row);
      }
    },
    get size() {
      return heap.length;
    },
  };
}
