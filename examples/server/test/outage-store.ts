import type { Store } from '@ntpass/core';

/** A store that works like `inner` until `fail()`, then refuses every call as a lost connection would. */
export function outageStore(inner: Store): Store & { fail(): void } {
  let down = false;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      down ? Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:6379')) : call(...args);
  return {
    limits: inner.limits,
    read: guard((request) => inner.read(request)),
    commit: guard((commit) => inner.commit(commit)),
    commitBatch: guard((commits) => inner.commitBatch(commits)),
    list: guard((request) => inner.list(request)),
    scan: guard((request) => inner.scan(request)),
    dropPartition: guard((request) => inner.dropPartition(request)),
    close: () => inner.close(),
    fail: () => {
      down = true;
    },
  };
}
