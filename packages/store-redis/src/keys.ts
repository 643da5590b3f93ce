import { StoreRequestError } from '@ntpass/core';

/**
 * The Redis keys of one partition. Every key carries the hash tag
 * `{<partition>}`, so a partition lives in one Cluster slot and each script
 * runs on one node. The layout is documented in the package README; its
 * suffixes differ from the 0.1.0 layout's (`:r`, `:c`, `:n`, `:ix:`, `:iv:`,
 * `:a:`), which the store refuses (see layout-check.ts); layout 2 kept
 * counters in a hash `:k` of their own (refused by its marker).
 */
export interface PartitionKeys {
  /** `<prefix>{<partition>}`: the scripts derive index keys from it. */
  readonly base: string;
  /**
   * Hash of records and counters (fields as in fields.ts): a record is a
   * header + msgpack fields (see lua/prelude.ts), a counter `"<value>"` or
   * `"<value>:<expiresAt>"`, and the field `''` the partition's meta: msgpack
   * `[last version, live items without expiry, reclaim deadline|false, TTL set]`.
   */
  readonly records: string;
  /** Hash: index name → 1, for every index that has members. */
  readonly indexNames: string;
}

/** The keys of `partition`; `operation` names the call in a refusal. */
export function partitionKeys(prefix: string, partition: string, operation: string): PartitionKeys {
  if (partition.includes('{') || partition.includes('}')) {
    throw new StoreRequestError(`${operation}: partition must not contain { or } (it is the Redis hash tag)`);
  }
  const base = `${prefix}{${partition}}`;
  return { base, records: `${base}:h`, indexNames: `${base}:i` };
}

/** The sorted set of an index: members `escape(sortKey) \0\0 member`, all scored 0. */
export const indexSetKey = (base: string, index: string): string => `${base}:x:${index}`;

/** The hash of an index: member → `escape(sortKey) \0\0 valueJson`. */
export const indexValuesKey = (base: string, index: string): string => `${base}:y:${index}`;
