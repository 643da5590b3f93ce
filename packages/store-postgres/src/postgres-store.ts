import {
  StoreRequestError,
  checkCommitRequest,
  checkDropRequest,
  checkListRequest,
  checkReadRequest,
  checkScanRequest,
  keyedResult,
  type Commit,
  type CommitResult,
  type DropRequest,
  type Fields,
  type Json,
  type ListRequest,
  type ListResult,
  type ReadRequest,
  type ReadResult,
  type ScanRequest,
  type ScanResult,
  type Store,
  type StoredRecord,
} from '@ntpass/core';
import type { QueryConfig, QueryResultRow } from 'pg';
import { inFlight } from './in-flight.js';
import { lockPlan } from './lock-plan.js';
import { migrate } from './migrate.js';
import { resolveOptions, type PostgresStoreOptions } from './options.js';
import { statements } from './schema-sql.js';
import { checkCommitValues, checkReadValues, checkTexts } from './values.js';

/** Expired rows are reclaimed after every this many commits of this store... */
const SWEEP_EVERY_COMMITS = 256;
/** ...at most this many rows per table per commit since the last sweep: more than commits create, yet bounded. */
const SWEEP_ROWS_PER_COMMIT = 4;
/** A commitBatch is sent in transactions of at most this many partitions (each holds their locks)... */
const BATCH_PARTITIONS = 256;
/** ...and at most this many checks + ops. */
const BATCH_OPS = 20_000;
/** SQLSTATE the commit function raises when an op refuses; its message is the op's index. */
const OP_REFUSED = 'NTP01';

/** What the commit function returns: a refused check, a refused op (batch only), or the applied result as parallel arrays. */
type CommitReply =
  | { readonly k: number }
  | { readonly o: number }
  | { readonly ck: readonly string[]; readonly cv: readonly number[]; readonly vk: readonly string[]; readonly vv: readonly number[] };

/**
 * A {@link Store} in PostgreSQL (13 or newer) over a node-postgres `Pool` the
 * host owns. Every commit and every read is one query: a commit calls a
 * PL/pgSQL function installed by the store's migrations, which run on first
 * use (one transaction under an advisory lock). Nothing is re-sent: a commit
 * whose reply is lost fails, and the engine reports `STORE_UNAVAILABLE`.
 * Throws `NtpassError` `INVALID_ARGUMENT` for bad options; the first call
 * throws `STORE_UNAVAILABLE` naming the problem if the server cannot be used.
 *
 * ```ts
 * const store = postgresStore({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): Store {
  const { pool, schema, maxOpsPerCommit } = resolveOptions(options);
  const sql = statements(schema);
  const named = (name: string, text: string, values: unknown[]): QueryConfig => ({ name: `ntpass:${schema}:${name}`, text, values });
  let closed = false;
  const pending = inFlight();
  const afterPending = async (partition: string): Promise<void> => {
    const before = pending.settled(partition);
    if (before !== undefined) await before;
  };

  let ready: Promise<void> | undefined;
  let migrated = false;
  const query = async <R extends QueryResultRow>(config: QueryConfig) => {
    if (closed) throw new Error('postgresStore: the store is closed');
    if (!migrated) {
      // A failed migration is forgotten, so the next call tries again (the server may come back).
      await (ready ??= migrate(pool, schema).then(
        () => void (migrated = true),
        (e: unknown) => {
          ready = undefined;
          throw e;
        },
      ));
    }
    return pool.query<R>(config);
  };

  // Reclaims what every reader already treats as absent, never in a commit's
  // path. The horizon is the earlier of the engine's clock and the wall clock,
  // so a test clock set in the past never sees its live rows swept away.
  let commitsSinceSweep = 0;
  let sweeping = false;
  const countCommits = (n: number, now: number): void => {
    commitsSinceSweep += n;
    if (commitsSinceSweep < SWEEP_EVERY_COMMITS || sweeping || closed) return;
    const limit = Math.min(commitsSinceSweep * SWEEP_ROWS_PER_COMMIT, 100_000);
    commitsSinceSweep = 0;
    sweeping = true;
    pool
      .query(named('sweep', sql.sweep, [Math.min(now, Date.now()), limit]))
      // Best effort: the commits it follows have succeeded, and the next sweep retries.
      .catch(() => undefined)
      .finally(() => (sweeping = false));
  };

  const checkCommit = (c: Commit): void => {
    checkCommitRequest(c, maxOpsPerCommit);
    checkCommitValues(c);
  };

  const commit = async (c: Commit): Promise<CommitResult> => {
    checkCommit(c);
    let reply: CommitReply;
    try {
      const locks = lockPlan(c);
      const sent = query<{ r: CommitReply }>(
        named('commit', sql.commit, [
          c.partition,
          c.now,
          c.checks?.length ? JSON.stringify(c.checks) : null,
          JSON.stringify(c.ops),
          locks.keys,
          locks.exclusive,
        ]),
      );
      const res = await pending.track([c.partition], sent);
      reply = res.rows[0]!.r;
    } catch (e) {
      if ((e as { code?: unknown }).code === OP_REFUSED) return { ok: false, at: 'op', index: Number((e as Error).message) };
      throw e;
    }
    countCommits(1, c.now);
    return toResult(reply);
  };

  const commitChunk = async (commits: readonly Commit[]): Promise<CommitResult[]> => {
    const batch = commits.map((c) => [c.partition, c.now, c.checks?.length ? c.checks : null, c.ops, mayRefuseAtOp(c)]);
    const sent = query<{ r: CommitReply }>(named('commitBatch', sql.commitBatch, [JSON.stringify(batch)]));
    const res = await pending.track([...new Set(commits.map((c) => c.partition))], sent);
    return res.rows.map((row) => toResult(row.r));
  };

  return {
    limits: { maxOpsPerCommit },

    read: async (r: ReadRequest): Promise<ReadResult> => {
      checkReadRequest(r);
      checkReadValues(r);
      const keys = r.records ?? [];
      const counterKeys = r.counters ?? [];
      const records: (StoredRecord | null)[] = keys.map(() => null);
      const counters: number[] = counterKeys.map(() => 0);
      if (keys.length + counterKeys.length === 0) return { records, counters };
      await afterPending(r.partition);
      const res = await query<{ kind: number; ord: number; value: Fields | null; version: number; expires_at: number | null }>(
        named('read', sql.read, [r.partition, keys, counterKeys, r.now]),
      );
      for (const row of res.rows) {
        if (row.kind === 0) records[row.ord - 1] = toStoredRecord(row.value as Fields, row.version, row.expires_at);
        else counters[row.ord - 1] = row.version;
      }
      return { records, counters };
    },

    commit,

    commitBatch: async (commits: readonly Commit[]): Promise<CommitResult[]> => {
      if (!Array.isArray(commits)) throw new StoreRequestError('commitBatch: commits must be an array');
      commits.forEach(checkCommit);
      if (commits.length === 0) return [];
      if (commits.length === 1) return [await commit(commits[0] as Commit)];
      // Chunks run one after another: a later commit of a partition may depend on an earlier one.
      const results: CommitResult[] = [];
      for (const chunk of chunks(commits)) results.push(...(await commitChunk(chunk)));
      countCommits(commits.length, commits.reduce((min, c) => Math.min(min, c.now), Infinity));
      return results;
    },

    list: async (r: ListRequest): Promise<ListResult> => {
      checkListRequest(r);
      checkTexts({ 'list: partition': r.partition, 'list: index': r.index });
      await afterPending(r.partition);
      const res = await query<{ member: string | null; sort_key: string; value: Json; total: number | null }>(
        named('list', sql.list, [r.partition, r.index, r.count, r.offset]),
      );
      let total = 0;
      const items: ListResult['items'][number][] = [];
      for (const row of res.rows) {
        if (row.member === null) total = row.total ?? 0;
        else items.push({ member: row.member, sortKey: row.sort_key, value: row.value });
      }
      return { items, total };
    },

    scan: async (r: ScanRequest): Promise<ScanResult> => {
      checkScanRequest(r);
      checkTexts({ 'scan: partition': r.partition, 'scan: prefix': r.prefix, 'scan: cursor': r.cursor });
      await afterPending(r.partition);
      const prefix = r.prefix ?? '';
      // Resume after the cursor (the last key returned) unless it sorts before the prefix.
      const resume = r.cursor !== undefined && Buffer.compare(Buffer.from(r.cursor), Buffer.from(prefix)) >= 0;
      const res = await query<{ key: string; value: Fields; version: number; expires_at: number | null }>(
        resume
          ? named('scanAfter', sql.scanAfter, [r.partition, r.cursor, r.now, r.limit])
          : named('scanFrom', sql.scanFrom, [r.partition, prefix, r.now, r.limit]),
      );
      const records: ScanResult['records'][number][] = [];
      for (const row of res.rows) {
        // Keys with the prefix are contiguous in byte order: the first without it ends the scan.
        if (!row.key.startsWith(prefix)) return { records, cursor: null };
        records.push({ key: row.key, record: toStoredRecord(row.value, row.version, row.expires_at) });
      }
      return { records, cursor: res.rows.length < r.limit ? null : (records[records.length - 1]?.key ?? null) };
    },

    dropPartition: async (r: DropRequest): Promise<{ done: boolean }> => {
      checkDropRequest(r);
      checkTexts({ 'dropPartition: partition': r.partition });
      const res = await query<{ done: boolean }>(named('dropPartition', sql.dropPartition, [r.partition, r.limit]));
      return { done: res.rows[0]!.done };
    },

    // The pool is the host's: closing the store only stops it from using it.
    close: async () => {
      closed = true;
    },
  };
}

function toStoredRecord(value: Fields, version: number, expiresAt: number | null): StoredRecord {
  return expiresAt === null ? { value, version } : { value, version, expiresAt };
}

function toResult(reply: CommitReply): CommitResult {
  if ('k' in reply) return { ok: false, at: 'check', index: reply.k };
  if ('o' in reply) return { ok: false, at: 'op', index: reply.o };
  const counters = keyedResult<number>();
  const versions = keyedResult<number>();
  // In op order, so a key written twice ends with its last value.
  reply.ck.forEach((key, i) => (counters[key] = reply.cv[i] as number));
  reply.vk.forEach((key, i) => (versions[key] = reply.vv[i] as number));
  return { ok: true, counters, versions };
}

/** Whether an op of the commit can refuse (so its earlier ops need undoing): a patch, or a bounded add. */
function mayRefuseAtOp(c: Commit): boolean {
  return c.ops.some((op) => op.type === 'patch' || (op.type === 'add' && (op.min !== undefined || op.max !== undefined)));
}

/** Splits a batch, in order, into runs of at most BATCH_PARTITIONS partitions and BATCH_OPS checks + ops. */
function* chunks(commits: readonly Commit[]): Generator<readonly Commit[]> {
  let start = 0;
  let ops = 0;
  let partitions = new Set<string>();
  for (let i = 0; i < commits.length; i++) {
    const c = commits[i] as Commit;
    const size = c.ops.length + (c.checks?.length ?? 0);
    const newPartition = !partitions.has(c.partition);
    if (i > start && (ops + size > BATCH_OPS || (newPartition && partitions.size >= BATCH_PARTITIONS))) {
      yield commits.slice(start, i);
      start = i;
      ops = 0;
      partitions = new Set();
    }
    ops += size;
    partitions.add(c.partition);
  }
  yield commits.slice(start);
}
