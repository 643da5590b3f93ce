import type { Fields, IndexEntry } from '../store.js';

/**
 * # A row driver: everything a synchronous JavaScript store writes itself
 *
 * {@link defineStore} turns a `RowDriver` into a full {@link Store}: it runs
 * the request checks, judges expiry by each call's `now`, evaluates checks and
 * bounds, stamps versions, stages a commit's writes so that a refusal writes
 * nothing, maintains index totals and pages scans. A driver only fetches and
 * stores rows of one partition at a time, and is called **synchronously**, so
 * it fits engines with a synchronous API (an in-process map, better-sqlite3,
 * node:sqlite, bun:sqlite). An adapter for such an engine is a driver and a
 * one-line `defineStore(driver)`.
 *
 * Rules a driver keeps:
 * - Reads return rows **as stored**, expired or not: core judges expiry.
 * - Writes happen only inside {@link RowDriver.atomic} with `'write'`, and only
 *   after core has decided the commit applies: a driver never sees a refused
 *   commit's writes, so it needs no rollback of its own beyond what a thrown
 *   error inside `atomic` requires.
 * - Whatever the driver hands out (a record's fields, an index entry) core
 *   hands to the engine as is: return values no later write mutates.
 *
 * `P` is the driver's handle for a partition (an object, an interned integer id).
 */
export interface RowDriver<P> {
  /**
   * The most `checks.length + ops.length` of one commit (at least 64); see
   * `StoreLimits.maxOpsPerCommit`.
   */
  readonly maxOpsPerCommit: number;

  /**
   * Runs `fn` as one atomic, isolated unit and returns its result. `'write'`
   * units must serialize with every other write to the same data, from any
   * connection or process (SQLite: `BEGIN IMMEDIATE`); if `fn` throws, nothing
   * it wrote may remain. `'read'` units see one consistent snapshot.
   */
  atomic<R>(kind: 'read' | 'write', fn: () => R): R;

  /**
   * The handle of partition `name`, or `undefined` if it holds nothing and
   * `create` is false. With `create` (only inside a write unit) it is made.
   */
  partition(name: string, create: boolean): P | undefined;

  /**
   * Optional, for a driver whose calls cost more than a map lookup (SQL): the
   * partition's handle and the rows of the given record and counter keys, all
   * in one call (one statement), as {@link RowDriver.partition} (without
   * `create`), {@link RowDriver.record} and {@link RowDriver.counter} would
   * return them, aligned with the key arrays. Core calls it once per small
   * commit (at most 8 keys) instead of one call per row.
   */
  rows?(partition: string, records: readonly string[], counters: readonly string[]): FetchedRows<P>;
  /** The record `key` as stored, expired or not; `undefined` if absent. */
  record(p: P, key: string): RecordRow | undefined;
  /** The counter `key` as stored, expired or not; `undefined` if absent. */
  counter(p: P, key: string): CounterRow | undefined;
  /** Whether `member` is in index `index`. */
  hasEntry(p: P, index: string, member: string): boolean;
  /** The stored total of index `index` (0 if none). */
  total(p: P, index: string): number;
  /**
   * The last record version handed out. May be one sequence for the whole
   * store rather than per partition, and must never go back — not even when a
   * partition is dropped or reclaimed and later written again. `p` is
   * `undefined` when the partition does not exist yet.
   */
  lastVersion(p: P | undefined): number;

  /** Creates or replaces a record; `null` deletes it. */
  writeRecord(p: P, key: string, row: RecordRow | null): void;
  /** Creates or replaces a counter; `null` deletes it. */
  writeCounter(p: P, key: string, row: CounterRow | null): void;
  /** Creates or replaces an index entry; `null` deletes `member`. */
  writeEntry(p: P, index: string, member: string, entry: IndexEntry | null): void;
  /** Stores an index's total; 0 removes it. */
  writeTotal(p: P, index: string, total: number): void;
  /** Stores the last version handed out (see {@link RowDriver.lastVersion}). */
  writeLastVersion(p: P, version: number): void;

  /** Entries `offset .. offset + count - 1` of `index` in (sortKey, member) byte order, without scanning the set. */
  entries(p: P, index: string, offset: number, count: number): IndexEntry[];
  /**
   * Up to `limit` records from the first key that is `>= prefix` (and `> after`
   * when given), in one fixed key order in which keys sharing a prefix are
   * contiguous (byte order in SQL; core stops at the first key without the
   * prefix); expired ones included (core skips them).
   */
  records(p: P, prefix: string, after: string | undefined, limit: number): { readonly key: string; readonly row: RecordRow }[];
  /** Deletes up to `limit` items (records, counters, index entries with their totals); returns how many it deleted. */
  dropItems(p: P, limit: number): number;
  /**
   * If the partition holds nothing any more, forgets it (its handle, its name)
   * and returns true. Core calls it after a commit that deleted something and
   * after `dropItems`.
   */
  forgetIfEmpty(p: P): boolean;
  /**
   * Reclaims a bounded amount of what has expired by `horizon` (epoch ms),
   * and forgets partitions left empty, so short-lived state leaves nothing
   * behind with no later call touching it. Called after each call of the
   * store, outside any unit; amortize as you like. A throw is ignored.
   */
  reclaim(horizon: number): void;
  /** Releases what the driver opened. */
  close(): void;
}

/** A record as a driver stores it. */
export interface RecordRow {
  /** The fields, or their JSON text (parsed by core only when a field is needed). */
  readonly value: Fields | string;
  /** >= 1. */
  readonly version: number;
  /** Epoch ms, or `null` for never. */
  readonly expiresAt: number | null;
}

/** A counter as a driver stores it. */
export interface CounterRow {
  readonly value: number;
  /** Epoch ms, or `null` for never. */
  readonly expiresAt: number | null;
}

/** What {@link RowDriver.rows} returns: `p` is `undefined` for a partition that holds nothing. */
export interface FetchedRows<P> {
  readonly p: P | undefined;
  readonly records: readonly (RecordRow | undefined)[];
  readonly counters: readonly (CounterRow | undefined)[];
}
