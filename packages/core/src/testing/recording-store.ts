import type { Commit, Fields, IndexEntry, Json, Store } from '../store.js';

/** One call a {@link RecordingStore} passed on. */
export interface StoreCall {
  readonly method: 'read' | 'commit' | 'commitBatch' | 'list' | 'scan' | 'dropPartition';
  /** The partitions it touched (several for `commitBatch`). */
  readonly partitions: readonly string[];
}

/** Everything a store holds in the partitions a {@link RecordingStore} has seen, read back through the Store API. */
export interface StoreSnapshot {
  readonly [partition: string]: {
    readonly records: { readonly [key: string]: { readonly value: Fields; readonly version: number } };
    readonly counters: { readonly [key: string]: number };
    readonly indexes: { readonly [index: string]: { readonly items: readonly IndexEntry[]; readonly total: number } };
  };
}

/**
 * A {@link Store} that passes every call to `inner` and remembers what it saw:
 * the calls (to count round trips) and every partition, counter and index
 * named in a commit (so a test can read the whole state back). Not a mock: the
 * inner store does all the work.
 */
export interface RecordingStore extends Store {
  /** Every call so far, in order. */
  readonly calls: readonly StoreCall[];
  /** Forgets the calls (not the partitions). */
  clearCalls(): void;
  /** Reads back every record, counter and index of every partition seen, with `scan`, `read` and `list`. */
  snapshot(now: number): Promise<StoreSnapshot>;
}

interface Seen {
  readonly counters: Set<string>;
  readonly indexes: Set<string>;
}

export function recordingStore(inner: Store): RecordingStore {
  const calls: StoreCall[] = [];
  const seen = new Map<string, Seen>();
  const see = (partition: string): Seen => {
    let s = seen.get(partition);
    if (!s) seen.set(partition, (s = { counters: new Set(), indexes: new Set() }));
    return s;
  };
  const noteCommit = (commit: Commit): void => {
    const s = see(commit.partition);
    for (const op of commit.ops) {
      if (op.type === 'add' || op.type === 'resetCounter') s.counters.add(op.key);
      if (op.type === 'indexPut' || op.type === 'indexDelete') s.indexes.add(op.index);
    }
  };
  return {
    limits: inner.limits,
    calls,
    clearCalls: () => {
      calls.length = 0;
    },
    read(request) {
      calls.push({ method: 'read', partitions: [request.partition] });
      see(request.partition);
      return inner.read(request);
    },
    commit(commit) {
      calls.push({ method: 'commit', partitions: [commit.partition] });
      noteCommit(commit);
      return inner.commit(commit);
    },
    commitBatch(commits) {
      calls.push({ method: 'commitBatch', partitions: commits.map((c) => c.partition) });
      commits.forEach(noteCommit);
      return inner.commitBatch(commits);
    },
    list(request) {
      calls.push({ method: 'list', partitions: [request.partition] });
      see(request.partition).indexes.add(request.index);
      return inner.list(request);
    },
    scan(request) {
      calls.push({ method: 'scan', partitions: [request.partition] });
      return inner.scan(request);
    },
    dropPartition(request) {
      calls.push({ method: 'dropPartition', partitions: [request.partition] });
      return inner.dropPartition(request);
    },
    close: () => inner.close(),
    async snapshot(now) {
      const out: Record<string, StoreSnapshot[string]> = {};
      for (const [partition, s] of [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const records: Record<string, { value: Fields; version: number }> = {};
        let cursor: string | undefined;
        do {
          const page = await inner.scan({ partition, limit: 1000, now, ...(cursor === undefined ? {} : { cursor }) });
          for (const r of page.records) records[r.key] = { value: r.record.value, version: r.record.version };
          cursor = page.cursor ?? undefined;
        } while (cursor !== undefined);
        const counterKeys = [...s.counters].sort();
        const { counters: values } = await inner.read({ partition, counters: counterKeys, now });
        const counters: Record<string, number> = {};
        counterKeys.forEach((k, i) => {
          if ((values[i] ?? 0) !== 0) counters[k] = values[i] ?? 0;
        });
        const indexes: Record<string, { items: IndexEntry[]; total: number }> = {};
        for (const index of [...s.indexes].sort()) {
          const items: IndexEntry[] = [];
          let total = 0;
          for (let offset = 0; ; offset += 1000) {
            const page = await inner.list({ partition, index, offset, count: 1000 });
            items.push(...page.items);
            total = page.total;
            if (page.items.length < 1000) break;
          }
          if (total > 0) indexes[index] = { items, total };
        }
        if (Object.keys(records).length + Object.keys(counters).length + Object.keys(indexes).length > 0) {
          out[partition] = { records, counters, indexes };
        }
      }
      return out;
    },
  };
}

/** Every string inside a snapshot (partition names, keys, values), for "never stored in plaintext" checks. */
export function snapshotStrings(snapshot: StoreSnapshot): string[] {
  const out: string[] = [];
  const walk = (value: Json | undefined): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => walk(v as Json));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        out.push(k);
        walk(v);
      }
    }
  };
  for (const [partition, content] of Object.entries(snapshot)) {
    out.push(partition);
    walk(content as unknown as Json);
  }
  return out;
}
