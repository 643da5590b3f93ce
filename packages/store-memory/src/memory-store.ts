import { defineStore, type CounterRow, type IndexEntry, type RecordRow, type RowDriver, type Store } from '@ntpass/core';
import { compareEntries, copyJson } from './json.js';
import { createExpiryQueue } from './expiry-queue.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most checks + ops in one commit.
   * @default 10000
   */
  readonly maxOpsPerCommit?: number;
}

/** What a {@link memoryStore} holds right now, expired-but-unreclaimed items included. */
export interface MemoryStoreStats {
  /** Partitions that hold anything. */
  readonly partitions: number;
  /** Records, counters and index entries, over all partitions. */
  readonly items: number;
}

/** A {@link Store} in process memory, with a way to see its size. */
export interface MemoryStore extends Store {
  /** Counts what the store holds (O(partitions)); for tests and monitoring. */
  stats(): MemoryStoreStats;
}

interface MemIndex {
  /** Sorted by (sortKey, member), byte order, so a page costs O(log n + count). */
  readonly entries: IndexEntry[];
  readonly byMember: Map<string, IndexEntry>;
}

interface MemPartition {
  readonly name: string;
  readonly records: Map<string, RecordRow>;
  readonly counters: Map<string, CounterRow>;
  readonly indexes: Map<string, MemIndex>;
  /** Record keys in sorted order for scans; rebuilt lazily after an insert (deleted keys are skipped). */
  scanKeys: string[] | null;
}

/** Expired items reclaimed per call at most: a stall stays short, and 20 000 lapsed windows go in five calls. */
const RECLAIM_PER_CALL = 4096;

/**
 * An in-process {@link Store}: for tests and single-process apps. The
 * contract's semantics are core's (`defineStore`); this file only keeps rows
 * in maps. Every call runs synchronously, so concurrent async callers see
 * each as atomic. Expired records and counters are reclaimed from an expiry
 * queue a bounded amount per call, and a partition left empty is forgotten.
 * Nothing survives the process.
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const partitions = new Map<string, MemPartition>();
  // One version sequence for the whole store: it survives a reclaimed partition.
  let lastVersion = 0;
  const expiry = createExpiryQueue<MemPartition>();

  const forgetIfEmpty = (p: MemPartition): boolean => {
    if (p.records.size > 0 || p.counters.size > 0 || p.indexes.size > 0) return false;
    if (partitions.get(p.name) === p) partitions.delete(p.name);
    return true;
  };

  const driver: RowDriver<MemPartition> = {
    maxOpsPerCommit: options.maxOpsPerCommit ?? 10_000,
    atomic: (_kind, fn) => fn(),
    partition(name, create) {
      let p = partitions.get(name);
      if (p === undefined && create) {
        p = { name, records: new Map(), counters: new Map(), indexes: new Map(), scanKeys: null };
        partitions.set(name, p);
      }
      return p;
    },
    record: (p, key) => p.records.get(key),
    counter: (p, key) => p.counters.get(key),
    hasEntry: (p, index, member) => p.indexes.get(index)?.byMember.has(member) ?? false,
    total: (p, index) => p.indexes.get(index)?.entries.length ?? 0,
    lastVersion: () => lastVersion,
    writeRecord(p, key, row) {
      if (row === null) {
        p.records.delete(key);
        return;
      }
      // The value may be the caller's: keep a frozen copy, which reads can then hand out as is.
      const kept: RecordRow = { value: copyJson(row.value) as RecordRow['value'], version: row.version, expiresAt: row.expiresAt };
      if (!p.records.has(key)) p.scanKeys = null;
      p.records.set(key, kept);
      if (kept.expiresAt !== null) expiry.push(kept.expiresAt, p, key, kept);
    },
    writeCounter(p, key, row) {
      if (row === null) {
        p.counters.delete(key);
        return;
      }
      const current = p.counters.get(key);
      // Same window: update in place, so the hot path allocates nothing here and
      // the expiry queue keeps one entry per window, not one per add.
      if (current !== undefined && current.expiresAt === row.expiresAt) {
        (current as { value: number }).value = row.value;
        return;
      }
      p.counters.set(key, row);
      if (row.expiresAt !== null) expiry.push(row.expiresAt, p, key, row);
    },
    writeEntry(p, index, member, entry) {
      if (entry === null) indexDelete(p, index, member);
      else indexPut(p, index, { member, sortKey: entry.sortKey, value: copyJson(entry.value) });
    },
    // The total of a memory index is its length, maintained by writeEntry.
    writeTotal: () => undefined,
    writeLastVersion: (_p, version) => {
      lastVersion = version;
    },
    entries: (p, index, offset, count) => p.indexes.get(index)?.entries.slice(offset, offset + count) ?? [],
    records(p, prefix, after, limit) {
      const keys = (p.scanKeys ??= [...p.records.keys()].sort());
      let i = lowerBound(keys, prefix);
      if (after !== undefined) i = Math.max(i, upperBound(keys, after));
      const out: { key: string; row: RecordRow }[] = [];
      for (; i < keys.length && out.length < limit; i++) {
        const key = keys[i]!;
        const row = p.records.get(key);
        if (row !== undefined) out.push({ key, row });
        else if (!key.startsWith(prefix)) break;
      }
      return out;
    },
    dropItems(p, limit) {
      let budget = limit;
      budget = dropFromMap(p.records, budget);
      budget = dropFromMap(p.counters, budget);
      for (const [name, index] of p.indexes) {
        if (budget <= 0) break;
        const removed = index.entries.splice(0, budget);
        for (const e of removed) index.byMember.delete(e.member);
        budget -= removed.length;
        if (index.entries.length === 0) p.indexes.delete(name);
      }
      p.scanKeys = null;
      return limit - budget;
    },
    forgetIfEmpty,
    reclaim(horizon) {
      expiry.popDue(horizon, RECLAIM_PER_CALL, (p, key, row) => {
        // Only the very row queued: a rewritten or deleted item has its own fate.
        if (p.records.get(key) === row) p.records.delete(key);
        else if (p.counters.get(key) === row) p.counters.delete(key);
        else return;
        forgetIfEmpty(p);
      });
    },
    close: () => undefined,
  };

  const store = defineStore(driver, { name: 'memoryStore' });
  return {
    ...store,
    stats() {
      let items = 0;
      for (const p of partitions.values()) {
        items += p.records.size + p.counters.size;
        for (const index of p.indexes.values()) items += index.entries.length;
      }
      return { partitions: partitions.size, items };
    },
  };
}

function indexPut(p: MemPartition, name: string, entry: IndexEntry): void {
  let index = p.indexes.get(name);
  if (!index) p.indexes.set(name, (index = { entries: [], byMember: new Map() }));
  const existing = index.byMember.get(entry.member);
  if (existing) index.entries.splice(position(index.entries, existing), 1);
  index.entries.splice(position(index.entries, entry), 0, entry);
  index.byMember.set(entry.member, entry);
}

function indexDelete(p: MemPartition, name: string, member: string): void {
  const index = p.indexes.get(name);
  const existing = index?.byMember.get(member);
  if (!index || !existing) return;
  index.entries.splice(position(index.entries, existing), 1);
  index.byMember.delete(member);
  if (index.entries.length === 0) p.indexes.delete(name);
}

/** Where `entry` is, or would go, in the sorted array. */
function position(entries: readonly IndexEntry[], entry: IndexEntry): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(entries[mid]!, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dropFromMap(map: Map<string, unknown>, budget: number): number {
  for (const key of map.keys()) {
    if (budget <= 0) break;
    map.delete(key);
    budget -= 1;
  }
  return budget;
}

function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
