import type { Instance } from './instance-rules.js';

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
  // A Map iterates in insertion order: re-inserting on use makes the first key
  // the least recently used. Re-inserting on every get cost ~6 % of a
  // redemption, so an entry is moved only once it has fallen behind half the
  // capacity's worth of insertions: a hot instance still never reaches the
  // front, and eviction stays close to least recently used.
  const entries = new Map<string, { readonly entry: CachedInstance; at: number }>();
  let insertions = 0;
  const insert = (partition: string, entry: CachedInstance): void => {
    entries.delete(partition);
    entries.set(partition, { entry, at: ++insertions });
  };
  return {
    get(partition) {
      const slot = entries.get(partition);
      if (slot === undefined) return undefined;
      if (insertions - slot.at >= capacity / 2) insert(partition, slot.entry);
      return slot.entry;
    },
    set(partition, entry) {
      const current = entries.get(partition);
      if (current && current.entry.version > entry.version) return;
      insert(partition, entry);
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
