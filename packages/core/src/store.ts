/**
 * # The Store contract
 *
 * This is the one file an adapter author reads. The engine (`@ntpass/core`)
 * holds every rule; a store only keeps data and applies guarded, atomic
 * commits. A store never interprets a value: it has no idea what a ticket, a
 * window or a BLOCKED state is.
 *
 * ## Data model
 * Data lives in **partitions**. A partition is named by an opaque string that
 * the engine builds (see {@link partitionName}); it contains only the
 * characters `A–Z a–z 0–9 - _ . ! ~ * ' ( ) % :`, never `{` or `}`, so a Redis
 * adapter can use it inside a hash tag as is. Every call of this contract
 * touches exactly one partition — a commit cannot name keys of two — so each
 * call maps onto one Lua script in one Cluster slot, one SQL transaction, or
 * one synchronous block of code. Work that spans partitions is done by the
 * engine as several calls, written so that a crash between them leaves only
 * leftovers no read trusts.
 *
 * A partition holds three kinds of thing, each in its own namespace of keys
 * (a key is any non-empty string of at most 512 characters):
 * - **records**: a JSON object ({@link Fields}) with a **version** — a positive
 *   integer that grows with every write of that record and is never reused,
 *   not even after the record is deleted and written again (keep one
 *   monotonic sequence per partition and stamp every write with its next
 *   value). An absent record has version 0. A record may carry `expiresAt`.
 * - **counters**: an integer, 0 when absent, changed only by bounded adds. A
 *   counter may carry `expiresAt`.
 * - **indexes**: named ordered sets of members, each with a sort key and an
 *   optional JSON value; the set's size is maintained, never counted by scan.
 *
 * ## Time and expiry
 * Every call carries `now` (epoch ms) from the engine's clock, and stores must
 * judge expiry by it, not by their own clock: a record or counter whose
 * `expiresAt <= now` is absent to every read, check and op of that call, even
 * if the store has not reclaimed it yet. Reclaiming it later (Redis `PEXPIREAT`,
 * a sweep) is the store's business.
 *
 * Expired items must also be **reclaimed** without any later call touching
 * them (a TTL, an amortized sweep): a partition whose items have all expired
 * leaves nothing behind, so short-lived state (a client's throttle window, a
 * lapsed reservation) costs nothing once it ends.
 *
 * ## At most once
 * A store sends each commit to its backend **at most once**. If it cannot
 * tell whether a commit was applied — the connection closed after the commit
 * was written, a reply timed out — it throws, and never sends the commit
 * again (nor lets its driver re-send it: ioredis re-sends unanswered commands
 * after a reconnect unless prevented). The engine reports that as
 * `STORE_UNAVAILABLE`: the outcome is unknown, but no change is ever applied
 * twice, and knowing that costs no memory per operation. Re-sending is safe
 * only for a reply that proves the commit did not run (a Redis `MOVED`,
 * `NOSCRIPT`, a lock timeout before the transaction began).
 *
 * ## Errors
 * A store throws only for infrastructure failures (connection lost, disk
 * full, timeout) and for malformed requests ({@link StoreRequestError}). The
 * engine turns the former into `STORE_UNAVAILABLE`. A refused commit is not an
 * error: it is a {@link CommitRefused} value.
 *
 * Use `runStoreConformance` from `@ntpass/testkit` to check an adapter.
 *
 * @packageDocumentation
 */

/** Any JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A record's content: a JSON object. */
export type Fields = { readonly [field: string]: Json };

/** A record as read: its fields, its version (>= 1) and its expiry if it has one. */
export interface StoredRecord {
  readonly value: Fields;
  readonly version: number;
  readonly expiresAt?: number;
}

/** What the store declares about itself. */
export interface StoreLimits {
  /**
   * The most `checks.length + ops.length` one commit may have. The engine
   * splits bulk work (issuing 100 000 tickets, purging an instance) into
   * commits of at most this size, so no single commit stalls the store.
   * Must be at least 64.
   */
  readonly maxOpsPerCommit: number;
}

// ---------------------------------------------------------------------------
// Reads

/** Read several records and counters of one partition in one round trip. */
export interface ReadRequest {
  readonly partition: string;
  /** Record keys; the result's `records` is aligned with this array. */
  readonly records?: readonly string[];
  /** Counter keys; the result's `counters` is aligned with this array. */
  readonly counters?: readonly string[];
  /** The engine's current time, for expiry. */
  readonly now: number;
}

/** The answer to a {@link ReadRequest}, aligned with its arrays. */
export interface ReadResult {
  /** `null` for an absent (or expired) record. */
  readonly records: readonly (StoredRecord | null)[];
  /** 0 for an absent (or expired) counter. */
  readonly counters: readonly number[];
}

// ---------------------------------------------------------------------------
// Commits

/**
 * A guard evaluated inside the commit, before any op. If any check fails,
 * nothing of the commit is applied and the result names the first failing
 * check.
 */
export type Check =
  /** The record's version equals `version` (0 = the record is absent or expired). */
  | { readonly type: 'version'; readonly key: string; readonly version: number }
  /**
   * The record exists and each listed field deep-equals the given JSON value.
   * An expected `null` matches a field that is absent or `null`. Object keys
   * compare regardless of order; arrays by position.
   */
  | { readonly type: 'fields'; readonly key: string; readonly equals: Fields };

/**
 * A limit for a bounded counter: a number, or a number stored in a field of a
 * record of the same partition, read inside the commit as it stands at that op
 * (writes by earlier ops of the same commit are visible). A reference to an
 * absent record, or to a field that is absent, `null` or not a number, sets
 * no limit. A list means the tightest (min for `max`, max for `min`) of its
 * members.
 */
export type Bound = number | FieldRef | readonly (number | FieldRef)[];

/** A number stored in `field` of record `key` in the commit's partition. */
export interface FieldRef {
  readonly key: string;
  readonly field: string;
}

/**
 * One write of a commit. Ops apply in order, all or none: each op sees the
 * effects of the ops before it in the same commit, and a refusal at any op
 * leaves the partition exactly as it was (a Lua adapter evaluates every op
 * into a staging table before writing anything).
 */
export type Op =
  /** Creates or replaces a record. The record gets a new version. */
  | { readonly type: 'put'; readonly key: string; readonly value: Fields; readonly expiresAt?: number }
  /**
   * Changes some fields of an existing record: `set` fields are written,
   * `unset` fields removed, others kept; the record gets a new version and
   * keeps its expiry. If the record is absent the commit is refused at this op.
   */
  | { readonly type: 'patch'; readonly key: string; readonly set?: Fields; readonly unset?: readonly string[] }
  /** Removes a record if present (no refusal if absent). */
  | { readonly type: 'delete'; readonly key: string }
  /**
   * Bounded counter: adds `by` (any safe integer, may be negative or 0) only
   * if the result stays within `[min, max]` (each optional, see {@link Bound});
   * otherwise the commit is refused at this op. A counter that is absent or
   * expired starts from 0 and, if `expiresAt` is given, gets that expiry (a
   * fixed window). An existing counter keeps its expiry unless
   * `refreshExpiry` is true (a sliding window). The value after the commit is
   * returned in {@link CommitApplied.counters}.
   */
  | {
      readonly type: 'add';
      readonly key: string;
      readonly by: number;
      readonly min?: Bound;
      readonly max?: Bound;
      readonly expiresAt?: number;
      readonly refreshExpiry?: boolean;
    }
  /** Removes a counter (it reads 0 again). */
  | { readonly type: 'resetCounter'; readonly key: string }
  /**
   * Adds `member` to the ordered set `index`, or replaces its sort key and
   * value if present. The set's total grows by one only for a new member.
   */
  | {
      readonly type: 'indexPut';
      readonly index: string;
      readonly member: string;
      readonly sortKey: string;
      readonly value?: Json;
    }
  /** Removes `member` from `index` if present; the total shrinks by one if it was. */
  | { readonly type: 'indexDelete'; readonly index: string; readonly member: string };

/** An atomic, guarded change of one partition. */
export interface Commit {
  readonly partition: string;
  /** The engine's current time, for expiry. */
  readonly now: number;
  readonly checks?: readonly Check[];
  readonly ops: readonly Op[];
}

/** A commit that was applied. */
export interface CommitApplied {
  readonly ok: true;
  /** The value after the commit of every counter the commit added to (and 0 for reset ones). */
  readonly counters: Readonly<Record<string, number>>;
  /** The new version of every record the commit put or patched. */
  readonly versions: Readonly<Record<string, number>>;
}

/** A commit that was refused: nothing of it was applied. */
export interface CommitRefused {
  readonly ok: false;
  /** Whether a check or an op refused. */
  readonly at: 'check' | 'op';
  /** The index into `checks` or `ops` of the first one that refused. */
  readonly index: number;
}

export type CommitResult = CommitApplied | CommitRefused;


// ---------------------------------------------------------------------------
// Indexes, enumeration, deletion

/** Page through an index in (sortKey, member) order, compared as byte strings. */
export interface ListRequest {
  readonly partition: string;
  readonly index: string;
  readonly offset: number;
  /** At least 1. */
  readonly count: number;
}

/** One member of an index. */
export interface IndexEntry {
  readonly member: string;
  readonly sortKey: string;
  /** `null` when the entry was written without a value. */
  readonly value: Json;
}

export interface ListResult {
  readonly items: readonly IndexEntry[];
  /** The maintained size of the whole index (0 if it does not exist). */
  readonly total: number;
}

/**
 * Enumerate a partition's records in bounded pages. Start without `cursor`;
 * continue with the returned `cursor` until it is `null`. The order and the
 * cursor's form are the store's own (key order, a Redis `HSCAN` cursor); the
 * guarantee is that every record live for the whole scan is returned at least
 * once (a record may repeat), and records written or deleted during the scan
 * may or may not appear. Deleting returned records between pages is allowed.
 */
export interface ScanRequest {
  readonly partition: string;
  /** Only records whose key starts with this prefix. */
  readonly prefix?: string;
  /** Where to resume: the previous page's `cursor`. */
  readonly cursor?: string;
  /** About this many records (1..10 000); a store may return somewhat fewer or more. */
  readonly limit: number;
  readonly now: number;
}

export interface ScanResult {
  readonly records: readonly { readonly key: string; readonly record: StoredRecord }[];
  /** Pass as `cursor` for the next page; `null` when the scan is complete. */
  readonly cursor: string | null;
}

/** Delete up to `limit` items (records, counters, index entries) of a partition. */
export interface DropRequest {
  readonly partition: string;
  /** 1..10 000. */
  readonly limit: number;
}

// ---------------------------------------------------------------------------
// The contract

/**
 * A storage backend. Every method is required and async, and each touches one
 * partition. Methods may throw only for infrastructure failures or malformed
 * requests; every rule outcome is a value.
 */
export interface Store {
  /** What the store supports; read once by the engine. */
  readonly limits: StoreLimits;

  /**
   * Reads records (with versions) and counters of one partition in one round
   * trip, as one consistent snapshot.
   */
  read(request: ReadRequest): Promise<ReadResult>;

  /**
   * Applies a commit atomically: all checks are evaluated, then all ops in
   * order; if any check fails or any op refuses (a bound, a patch of an absent
   * record), nothing is applied. Concurrent commits on one partition behave as
   * if run one after another. A successful result is durable to the store's
   * stated level before it is returned.
   */
  commit(commit: Commit): Promise<CommitResult>;

  /**
   * Applies several independent commits, possibly on different partitions, in
   * as few round trips as the store can (one pipeline, one transaction). Each
   * commit is atomic on its own and succeeds or is refused on its own; results
   * are aligned with the input. Used for bulk work; a store may simply call
   * {@link Store.commit} for each.
   */
  commitBatch(commits: readonly Commit[]): Promise<CommitResult[]>;

  /**
   * One page of an index. Must cost O(log n + count) or an index range scan —
   * never a scan of the whole set — and `total` must be maintained, not counted.
   */
  list(request: ListRequest): Promise<ListResult>;

  /** One page of a partition's records (see {@link ScanRequest}). */
  scan(request: ScanRequest): Promise<ScanResult>;

  /**
   * Deletes up to `limit` items of a partition and reports whether it is now
   * empty. Called repeatedly to purge a large partition without blocking the
   * store; the engine never reuses the name of a dropped partition.
   */
  dropPartition(request: DropRequest): Promise<{ readonly done: boolean }>;

  /**
   * Releases what the store itself opened (a file it was given by name).
   * Connections the host passed in stay open; the host closes them.
   */
  close(): Promise<void>;
}

/**
 * Thrown by a store for a request that breaks this contract (an empty key, an
 * unknown op, too many ops, a non-integer `by`). It is a bug in the caller, not
 * an infrastructure failure.
 */
export class StoreRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreRequestError';
  }
}

/**
 * Builds a partition name from its parts. Each part is percent-encoded, so any
 * id (with `:`, `{`, `}`, `%` or non-ASCII) yields a distinct name made only of
 * the safe characters listed above.
 */
export function partitionName(...parts: readonly string[]): string {
  return parts.map(encodeURIComponent).join(':');
}
