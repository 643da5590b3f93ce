import type { Cluster, Redis } from 'ioredis';

/*
 * The store's own connections follow the host's client: when the host ends
 * it (quit, disconnect, or its retry strategy gave up), they close too, so a
 * host that never calls `store.close()` is not kept alive by them. One
 * listener per client, however many stores share it.
 */

const followers = new WeakMap<Redis | Cluster, Set<() => void>>();

/** Calls `close` when `client` ends; returns a function that stops following. */
export function closeWithClient(client: Redis | Cluster, close: () => void): () => void {
  let set = followers.get(client);
  if (set === undefined) {
    const created = new Set<() => void>();
    set = created;
    followers.set(client, created);
    client.on('end', () => {
      for (const f of [...created]) f();
      created.clear();
    });
  }
  set.add(close);
  const own = set;
  return () => own.delete(close);
}
