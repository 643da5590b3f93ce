import {
  COMMIT_ID_RETENTION_MS,
  fieldsMatch,
  checkCommitRequest as checkCommit,
  checkDropRequest as checkDrop,
  checkListRequest as checkList,
  checkReadRequest as checkRead,
  checkScanRequest as checkScan,
  type Bound,
  type Check,
  type Commit,
  type CommitApplied,
  type CommitResult,
  type DropRequest,
  type Fields,
  type IndexEntry,
  type Json,
  type ListRequest,
  type ListResult,
  type ReadRequest,
  type ReadResult,
  type ScanRequest,
  type ScanResult,
  type Store,
  type StoredRecord,
  keyedResult,
} from '@ntpass/core';
import { compareEntries, freezeJson } from './json.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most checks + ops in one commit.
   * @default 10000
   */
  readonly maxOpsPerCommit?: number;
}

interface MemRecord {
  value: Fields;
  version: number;
  expiresAt: number | undefined;
}

interface MemCounter {
  value: number;
  expiresAt: number | undefined;
}

interface MemIndex {
  /** Sorted by (sortKey, member), byte order. */
  entries: IndexEntry[];
  byMember: Map<string, IndexEntry>;
}

interface MemPartition {
  /** Last version handed out; versions are never reused in a partition. */
  seq: number;
  records: Map<string, MemRecord>;
  counters: Map<string, MemCounter>;
  /** Each index is kept sorted by (sortKey, member) so a page costs O(log n + count). */
  indexes: Map<string, MemIndex>;
  /** Applied commit ids, oldest first, each with its result in compact form (see {@link remember}). */
  applied: Map<string, AppliedEntry>;
  /** Record keys in sorted order for scans; rebuilt lazily after inserts. */
  scanKeys: string[] | null;
}

const live = (expiresAt: number | undefined, now: number): boolean => expiresAt === undefined || expiresAt > now;

/**
 * An in-process {@link Store}: for tests and single-process apps. Every commit
 * runs synchronously inside one call, so concurrent async callers see each
 * commit as atomic. Nothing survives the process.
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store {
  const maxOpsPerCommit = options.maxOpsPerCommit ?? 10_000;
  const partitions = new Map<string, MemPartition>();

  const partitionOf = (name: string): MemPartition => {
    let p = partitions.get(name);
    if (!p) {
      p = { seq: 0, records: new Map(), counters: new Map(), indexes: new Map(), applied: new Map(), scanKeys: null };
      partitions.set(name, p);
    }
    return p;
  };

  const getRecord = (p: MemPartition | undefined, key: string, now: number): MemRecord | undefined => {
    const r = p?.records.get(key);
    return r && live(r.expiresAt, now) ? r : undefined;
  };

  const getCounter = (p: MemPartition | undefined, key: string, now: number): number => {
    const c = p?.counters.get(key);
    return c && live(c.expiresAt, now) ? c.value : 0;
  };

  const resolveBound = (
    lookup: (key: string) => MemRecord | undefined,
    bound: Bound | undefined,
    tightest: (a: number, b: number) => number,
  ) => {
    if (bound === undefined) return undefined;
    const parts = Array.isArray(bound) ? bound : [bound];
    let out: number | undefined;
    for (const part of parts as readonly (number | { key: string; field: string })[]) {
      let n: number | undefined;
      if (typeof part === 'number') n = part;
      else {
        const f = lookup(part.key)?.value[part.field];
        n = typeof f === 'number' ? f : undefined;
      }
      if (n !== undefined) out = out === undefined ? n : tightest(out, n);
    }
    return out;
  };

  const checkPasses = (p: MemPartition, check: Check, now: number): boolean => {
    const r = getRecord(p, check.key, now);
    if (check.type === 'version') return (r?.version ?? 0) === check.version;
    return r !== undefined && fieldsMatch(r.value, check.equals);
  };

  const applyCommit = (commit: Commit): CommitResult => {
    checkCommit(commit, maxOpsPerCommit);
    const { now } = commit;
    const p = partitionOf(commit.partition);
    if (commit.commitId !== undefined) {
      const seen = p.applied.get(commit.commitId);
      if (seen && (seen[0] as number) + COMMIT_ID_RETENTION_MS > now) return replayed(seen);
    }
    const checks = commit.checks ?? [];
    for (let i = 0; i < checks.length; i++) {
      if (!checkPasses(p, checks[i] as Check, now)) return { ok: false, at: 'check', index: i };
    }
    // Stage every write first, so a refusal at op n leaves nothing of ops 0..n-1.
    const records = new Map<string, MemRecord | null>();
    const counters = new Map<string, MemCounter | null>();
    const indexOps: (() => void)[] = [];
    const readStagedRecord = (key: string) => (records.has(key) ? (records.get(key) ?? undefined) : getRecord(p, key, now));
    const readStagedCounter = (key: string) => {
      if (counters.has(key)) return counters.get(key) ?? undefined;
      const c = p.counters.get(key);
      return c && live(c.expiresAt, now) ? c : undefined;
    };
    let seq = p.seq;
    const countersOut = keyedResult<number>();
    const versionsOut = keyedResult<number>();
    for (let i = 0; i < commit.ops.length; i++) {
      const op = commit.ops[i]!;
      switch (op.type) {
        case 'put': {
          seq += 1;
          records.set(op.key, { value: freezeJson(op.value) as Fields, version: seq, expiresAt: op.expiresAt });
          versionsOut[op.key] = seq;
          break;
        }
        case 'patch': {
          const current = readStagedRecord(op.key);
          if (!current) return { ok: false, at: 'op', index: i };
          const next: Record<string, Json> = { ...current.value };
          for (const [f, v] of Object.entries(op.set ?? {})) next[f] = v;
          for (const f of op.unset ?? []) delete next[f];
          seq += 1;
          records.set(op.key, { value: freezeJson(next) as Fields, version: seq, expiresAt: current.expiresAt });
          versionsOut[op.key] = seq;
          break;
        }
        case 'delete':
          records.set(op.key, null);
          break;
        case 'add': {
          const current = readStagedCounter(op.key);
          const value = (current?.value ?? 0) + op.by;
          // Bounds may refer to records written earlier in this commit: read the staged view.
          const max = resolveBound(readStagedRecord, op.max, Math.min);
          const min = resolveBound(readStagedRecord, op.min, Math.max);
          if ((max !== undefined && value > max) || (min !== undefined && value < min)) {
            return { ok: false, at: 'op', index: i };
          }
          const expiresAt = current && !op.refreshExpiry ? current.expiresAt : (op.expiresAt ?? current?.expiresAt);
          counters.set(op.key, { value, expiresAt });
          countersOut[op.key] = value;
          break;
        }
        case 'resetCounter':
          counters.set(op.key, null);
          countersOut[op.key] = 0;
          break;
        case 'indexPut':
          indexOps.push(() => indexPut(p, op.index, { member: op.member, sortKey: op.sortKey, value: freezeJson(op.value ?? null) }));
          break;
        case 'indexDelete':
          indexOps.push(() => indexDelete(p, op.index, op.member));
          break;
      }
    }
    // Nothing refused: apply.
    p.seq = seq;
    for (const [key, r] of records) {
      if (r === null) p.records.delete(key);
      else {
        if (!p.records.has(key)) p.scanKeys = null;
        p.records.set(key, r);
      }
    }
    for (const [key, c] of counters) {
      if (c === null) p.counters.delete(key);
      else p.counters.set(key, c);
    }
    for (const apply of indexOps) apply();
    const result: CommitApplied = { ok: true, counters: countersOut, versions: versionsOut };
    if (commit.commitId !== undefined) remember(p, commit.commitId, result, now);
    return result;
  };

  const read = (request: ReadRequest): ReadResult => {
    checkRead(request);
    const p = partitions.get(request.partition);
    return {
      records: (request.records ?? []).map((key): StoredRecord | null => {
        const r = getRecord(p, key, request.now);
        if (!r) return null;
        return r.expiresAt === undefined
          ? { value: r.value, version: r.version }
          : { value: r.value, version: r.version, expiresAt: r.expiresAt };
      }),
      counters: (request.counters ?? []).map((key) => getCounter(p, key, request.now)),
    };
  };

  const list = (request: ListRequest): ListResult => {
    checkList(request);
    const entries = partitions.get(request.partition)?.indexes.get(request.index)?.entries ?? [];
    return { items: entries.slice(request.offset, request.offset + request.count), total: entries.length };
  };

  const scan = (request: ScanRequest): ScanResult => {
    checkScan(request);
    const p = partitions.get(request.partition);
    if (!p) return { records: [], cursor: null };
    if (!p.scanKeys) p.scanKeys = [...p.records.keys()].sort();
    const keys = p.scanKeys;
    const prefix = request.prefix ?? '';
    // The cursor is the last key returned: binary-search past it.
    let i = request.cursor === undefined ? lowerBound(keys, prefix) : upperBound(keys, request.cursor);
    const out: { key: string; record: StoredRecord }[] = [];
    for (; i < keys.length && out.length < request.limit; i++) {
      const key = keys[i]!;
      if (!key.startsWith(prefix)) break;
      const r = getRecord(p, key, request.now);
      if (r) out.push({ key, record: { value: r.value, version: r.version } });
    }
    const exhausted = out.length < request.limit;
    return { records: out, cursor: exhausted ? null : out[out.length - 1]!.key };
  };

  const dropPartition = (request: DropRequest): { done: boolean } => {
    checkDrop(request);
    const p = partitions.get(request.partition);
    if (!p) return { done: true };
    let budget = request.limit;
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
    const done = p.records.size === 0 && p.counters.size === 0 && p.indexes.size === 0;
    if (done) partitions.delete(request.partition);
    return { done };
  };

  // Each method runs synchronously and hands back a settled promise: atomic
  // under any number of concurrent async callers, yet still truly async.
  const async = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): Promise<R> => {
    try {
      return Promise.resolve(fn(...args));
    } catch (e) {
      return Promise.reject(e);
    }
  };

  return {
    limits: { maxOpsPerCommit },
    read: async(read),
    commit: async(applyCommit),
    commitBatch: async((commits: readonly Commit[]) => commits.map(applyCommit)),
    list: async(list),
    scan: async(scan),
    dropPartition: async(dropPartition),
    close: async(() => undefined),
  };
}

/**
 * `[appliedAt, counterCount, counterKey, value, ..., recordKey, version, ...]`.
 * A hot instance remembers every commit for 10 minutes; kept as the result
 * objects themselves this cost ~1 KB per commit (two dictionary-mode
 * objects), a flat array of exact size half of it.
 */
type AppliedEntry = (string | number)[];

function remember(p: MemPartition, commitId: string, result: CommitApplied, now: number): void {
  const counterKeys = Object.keys(result.counters);
  const versionKeys = Object.keys(result.versions);
  // Sized exactly: a growing array would keep spare capacity for 10 minutes.
  const entry: AppliedEntry = new Array<string | number>(2 + 2 * (counterKeys.length + versionKeys.length));
  entry[0] = now;
  entry[1] = counterKeys.length;
  let i = 2;
  for (const key of counterKeys) {
    entry[i++] = key;
    entry[i++] = result.counters[key]!;
  }
  for (const key of versionKeys) {
    entry[i++] = key;
    entry[i++] = result.versions[key]!;
  }
  p.applied.set(commitId, entry);
  // Prune from the oldest end (Map keeps insertion order) so memory stays bounded.
  if (p.applied.size > 1024) {
    for (const [id, seen] of p.applied) {
      if ((seen[0] as number) + COMMIT_ID_RETENTION_MS > now) break;
      p.applied.delete(id);
    }
  }
}

/** The result a remembered commit returned, rebuilt from its {@link AppliedEntry}. */
function replayed(entry: AppliedEntry): CommitApplied {
  const counters = keyedResult<number>();
  const versions = keyedResult<number>();
  const counterEnd = 2 + 2 * (entry[1] as number);
  for (let i = 2; i < entry.length; i += 2) (i < counterEnd ? counters : versions)[entry[i] as string] = entry[i + 1] as number;
  return { ok: true, counters, versions };
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
