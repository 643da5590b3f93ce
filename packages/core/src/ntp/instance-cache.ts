import type { Instance } from './instance.js';

/** An instance record as last seen, with the version that guards it. */
export interface CachedInstance {
  readonly instance: Instance;
  readonly version: number;
}

/**
 * A bounded, least-recently-used cache of instance records, keyed by
 * partition. It only ever saves a read: every commit that relies on a cached
 * record checks its version, so a stale entry costs one refused commit and a
 * read, never a wrong decision.
 */
export interface InstanceCache {
  get(partition: string): CachedInstance | undefined;
  /** Keeps `entry` unless a newer version is already cached. */
  set(partition: string, entry: CachedInstance): void;
  delete(partition: string): void;
}

/** @param capacity most instances kept. @default 4096 */
export function createInstanceCache(capacity = 4096): InstanceCache {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, CachedInstance>();
  return {
    get(partition) {
      const entry = entries.get(partition);
      if (entry) {
        entries.delete(partition);
        entries.set(partition, entry);
      }
      return entry;
    },
    set(partition, entry) {
      const current = entries.get(partition);
      if (current && current.version > entry.version) return;
      entries.delete(partition);
      entries.set(partition, entry);
      if (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    delete(partition) {
      entries.delete(partition);
    },
  };
}
