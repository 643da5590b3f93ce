import {
  fieldsMatch,
  COMMIT_ID_RETENTION_MS,
  type Bound,
  type Check,
  type Commit,
  type CommitApplied,
  type CommitRefused,
  type CommitResult,
  type Fields,
  type Json,
  keyedResult,
} from '@ntpass/core';
import type { Database } from 'better-sqlite3';
import type { Statements } from './statements.js';

/** A live record as seen inside a commit; its JSON is parsed only if a field is needed. */
interface LiveRecord {
  readonly version: number;
  value(): Fields;
}

const liveRecord = (version: number, read: () => Fields): LiveRecord => {
  let parsed: Fields | undefined;
  return { version, value: () => (parsed ??= read()) };
};

// A refusal at an op is thrown so that better-sqlite3 rolls the transaction
// (or, inside a batch, its savepoint) back; it is caught right outside.
const REFUSAL = Symbol('ntpass.sqlite.refusal');
interface Refusal {
  readonly [REFUSAL]: CommitRefused;
}
const isRefusal = (e: unknown): e is Refusal => typeof e === 'object' && e !== null && REFUSAL in e;
const refuseOp = (index: number): Refusal => ({ [REFUSAL]: { ok: false, at: 'op', index } });

/**
 * Builds the commit function: each commit is one `BEGIN IMMEDIATE`
 * transaction, so the write lock is taken before the first read and the
 * checks, bounds and writes of concurrent commits from any process serialize.
 * (A deferred transaction that reads and then writes fails with SQLITE_BUSY
 * across processes whatever the busy timeout, because its snapshot went stale.)
 * Ops write straight into the transaction and later ops read those writes; a
 * refusal rolls everything back. Requests must be validated before.
 */
export function createCommitter(db: Database, st: Statements) {
  const apply = (commit: Commit): CommitResult => {
    const { partition, now } = commit;
    if (commit.commitId !== undefined) {
      const seen = st.getApplied.get(partition, commit.commitId);
      if (seen && seen.applied_at + COMMIT_ID_RETENTION_MS > now) return JSON.parse(seen.result) as CommitApplied;
    }
    // Records read or written so far in this commit (null = absent), so a
    // record is parsed at most once and later ops see earlier writes.
    const seenRecords = new Map<string, LiveRecord | null>();
    const record = (key: string): LiveRecord | null => {
      const cached = seenRecords.get(key);
      if (cached !== undefined) return cached;
      const row = st.getRecord.get(partition, key, now);
      const found = row ? liveRecord(row.version, () => JSON.parse(row.value) as Fields) : null;
      seenRecords.set(key, found);
      return found;
    };

    const checks = commit.checks ?? [];
    for (let i = 0; i < checks.length; i++) {
      if (!checkPasses(record, checks[i] as Check)) return { ok: false, at: 'check', index: i };
    }

    // The partition's version sequence, read only by a commit that writes a record.
    let seq: number | undefined;
    const nextVersion = (): number => (seq = (seq ?? st.getSeq.get(partition) ?? 0) + 1);
    const counters = keyedResult<number>();
    const versions = keyedResult<number>();
    commit.ops.forEach((op, i) => {
      switch (op.type) {
        case 'put': {
          const version = nextVersion();
          st.putRecord.run(partition, op.key, JSON.stringify(op.value), version, op.expiresAt ?? null);
          const live = op.expiresAt === undefined || op.expiresAt > now;
          seenRecords.set(op.key, live ? liveRecord(version, () => op.value) : null);
          versions[op.key] = version;
          break;
        }
        case 'patch': {
          const current = record(op.key);
          if (!current) throw refuseOp(i);
          // A Map, not object assignment: a field named "__proto__" stays a field.
          const next = new Map<string, Json>(Object.entries(current.value()));
          for (const [field, v] of Object.entries(op.set ?? {})) next.set(field, v);
          for (const field of op.unset ?? []) next.delete(field);
          const value = Object.fromEntries(next) as Fields;
          const version = nextVersion();
          st.patchRecord.run(JSON.stringify(value), version, partition, op.key);
          seenRecords.set(op.key, liveRecord(version, () => value));
          versions[op.key] = version;
          break;
        }
        case 'delete':
          st.deleteRecord.run(partition, op.key);
          seenRecords.set(op.key, null);
          break;
        case 'add': {
          const current = st.getCounter.get(partition, op.key, now);
          const value = (current?.value ?? 0) + op.by;
          const max = resolveBound(record, op.max, Math.min);
          const min = resolveBound(record, op.min, Math.max);
          if ((max !== undefined && value > max) || (min !== undefined && value < min)) throw refuseOp(i);
          const expiresAt = current && !op.refreshExpiry ? current.expires_at : (op.expiresAt ?? current?.expires_at ?? null);
          st.putCounter.run(partition, op.key, value, expiresAt);
          counters[op.key] = value;
          break;
        }
        case 'resetCounter':
          st.deleteCounter.run(partition, op.key);
          counters[op.key] = 0;
          break;
        case 'indexPut': {
          const value = JSON.stringify(op.value ?? null);
          if (st.getEntrySortKey.get(partition, op.index, op.member) === undefined) {
            st.insertEntry.run(partition, op.index, op.member, op.sortKey, value);
            st.addToTotal.run(partition, op.index, 1);
          } else st.updateEntry.run(op.sortKey, value, partition, op.index, op.member);
          break;
        }
        case 'indexDelete':
          if (st.deleteEntry.run(partition, op.index, op.member).changes > 0) {
            st.addToTotal.run(partition, op.index, -1);
            st.dropEmptyTotal.run(partition, op.index);
          }
          break;
      }
    });
    if (seq !== undefined) st.putSeq.run(partition, seq);
    const result: CommitApplied = { ok: true, counters, versions };
    if (commit.commitId !== undefined) st.putApplied.run(partition, commit.commitId, JSON.stringify(result), now);
    return result;
  };

  const transaction = db.transaction(apply);
  const commitOne = (commit: Commit): CommitResult => {
    try {
      // Inside commitBatch's transaction this is a savepoint: a refusal undoes only its own commit.
      return transaction.immediate(commit);
    } catch (e) {
      if (isRefusal(e)) return e[REFUSAL];
      throw e;
    }
  };
  // One transaction (one fsync, one lock) for the whole batch; each commit is its own savepoint.
  const batch = db.transaction((commits: readonly Commit[]) => commits.map(commitOne));
  return {
    commit: commitOne,
    commitBatch: (commits: readonly Commit[]): CommitResult[] => batch.immediate(commits),
  };
}

function checkPasses(record: (key: string) => LiveRecord | null, check: Check): boolean {
  const r = record(check.key);
  if (check.type === 'version') return (r?.version ?? 0) === check.version;
  if (!r) return false;
  return fieldsMatch(r.value(), check.equals);
}

/** The tightest of a bound's parts that name a number; undefined when none does. */
function resolveBound(
  record: (key: string) => LiveRecord | null,
  bound: Bound | undefined,
  tightest: (a: number, b: number) => number,
): number | undefined {
  if (bound === undefined) return undefined;
  const parts = Array.isArray(bound) ? bound : [bound];
  let out: number | undefined;
  for (const part of parts as readonly (number | { key: string; field: string })[]) {
    let n: number | undefined;
    if (typeof part === 'number') n = part;
    else {
      const value = record(part.key)?.value();
      const f = value && Object.hasOwn(value, part.field) ? value[part.field] : undefined;
      n = typeof f === 'number' ? f : undefined;
    }
    if (n !== undefined) out = out === undefined ? n : tightest(out, n);
  }
  return out;
}
