import type { IndexEntry, Json } from '@ntpass/core';

/*
 * An index entry is a sorted-set member `escape(sortKey) \0\0 member` with
 * score 0, so Redis orders members by bytes exactly as (sortKey, member):
 * escaping each NUL of the sort key as `\0\x01` keeps byte order, and the
 * `\0\0` terminator sorts below any continuation of a longer sort key. The
 * first `\0\0` in an encoded entry is always the terminator.
 */

const TERMINATOR = '\0\0';

/** The order-preserving prefix of an entry: the escaped sort key and its terminator. */
export function encodeSortKey(sortKey: string): string {
  return sortKey.replaceAll('\0', '\0\x01') + TERMINATOR;
}

/**
 * Rebuilds an entry from its sorted-set member and its value-hash field
 * (`escape(sortKey) \0\0 valueJson`, an empty JSON text meaning no value).
 */
export function decodeEntry(setMember: string, stored: string | null): IndexEntry {
  const end = setMember.indexOf(TERMINATOR);
  if (end < 0) throw new Error(`redisStore.list: malformed index entry ${JSON.stringify(setMember)}`);
  const sortKey = setMember.slice(0, end).replaceAll('\0\x01', '\0');
  const member = setMember.slice(end + TERMINATOR.length);
  const valueText = stored === null ? '' : stored.slice(end + TERMINATOR.length);
  const value = valueText === '' ? null : (JSON.parse(valueText) as Json);
  return { member, sortKey, value };
}
