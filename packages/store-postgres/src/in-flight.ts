/**
 * This store's commits that are still on their way, by partition, so that a
 * read, list or scan waits for the commits issued before it on its partition
 * (read-your-writes in issue order, as one Redis connection or one SQLite
 * handle gives). Without it a commit on one pooled connection and a read
 * issued after it on another may reach the server in either order — e.g. the
 * engine's not-awaited `redeemedTickets` count. Commits never wait for each
 * other: they are independent, and the server orders them by partition lock.
 */
export interface InFlight {
  /** Registers `sent` as in flight on these partitions until it settles; returns it. */
  track<T>(partitions: readonly string[], sent: Promise<T>): Promise<T>;
  /** Resolves once every commit in flight on `partition` when called has settled; undefined when there is none. */
  settled(partition: string): Promise<void> | undefined;
}

export function inFlight(): InFlight {
  const byPartition = new Map<string, Set<Promise<unknown>>>();
  return {
    track(partitions, sent) {
      const done = sent.then(
        () => undefined,
        () => undefined,
      );
      for (const p of partitions) {
        let set = byPartition.get(p);
        if (set === undefined) byPartition.set(p, (set = new Set()));
        set.add(done);
      }
      void done.then(() => {
        for (const p of partitions) {
          const set = byPartition.get(p);
          if (set !== undefined && set.delete(done) && set.size === 0) byPartition.delete(p);
        }
      });
      return sent;
    },
    settled(partition) {
      const set = byPartition.get(partition);
      return set === undefined ? undefined : Promise.all([...set]).then(() => undefined);
    },
  };
}
