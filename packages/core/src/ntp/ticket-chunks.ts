import type { Fields, IndexEntry, Json } from '../store.js';
import { padNumber } from '../layout.js';
import { USER_ID_CHARS, USER_ID_PREFIX } from '../secrets.js';

/*
 * How the tickets of bulk batches are listed, without an index entry per
 * ticket (pure rules; bulk-issue.ts writes, admin.ts reads).
 *
 * A finished batch has one entry in the instance's `bulk` index, sorted by
 * the position of its first ticket among all bulk tickets of the instance
 * (positions are dense: a batch takes the next `count` of them in the commit
 * that finishes it, against the instance record's `bulkTickets`). Its
 * tickets' user ids, in call order, are kept in chunk records of
 * {@link TICKETS_PER_CHUNK}, each one string of the ids' base58 parts. So
 * listing position p finds its batch by the sort key, its chunk by
 * arithmetic, and a ticket costs its listing about 28 bytes at rest instead
 * of an index entry (a sorted-set member and a hash field on Redis, two
 * B-tree rows on SQLite: 160–270 bytes).
 */

/** User ids per chunk record: a chunk is about 28 KiB, and a page of tickets reads one or two. */
export const TICKETS_PER_CHUNK = 1024;

/** A finished batch as its listing entry holds it. */
export interface ListedBatch {
  readonly id: number;
  /** Position of its first ticket among the instance's bulk tickets. */
  readonly start: number;
  readonly count: number;
  /** Its tickets' issue time (when the batch was opened): kept here once, not in each ticket. */
  readonly issuedAt: number;
}

/** The chunk records a batch of `count` tickets is listed by. */
export function chunkCount(count: number): number {
  return Math.ceil(count / TICKETS_PER_CHUNK);
}

/** The stored form of one chunk: the user ids' base58 parts, concatenated. */
export function chunkToFields(userIds: readonly string[]): Fields {
  let ids = '';
  for (const userId of userIds) ids += userId.slice(USER_ID_PREFIX.length);
  return { ids };
}

/** The user ids of a chunk record (none for a malformed one). */
export function chunkUserIds(fields: Fields | undefined): string[] {
  const ids = fields?.['ids'];
  if (typeof ids !== 'string') return [];
  const out: string[] = [];
  for (let i = 0; i + USER_ID_CHARS <= ids.length; i += USER_ID_CHARS) out.push(USER_ID_PREFIX + ids.slice(i, i + USER_ID_CHARS));
  return out;
}

/** The `bulk` index entry of a batch. */
export function batchEntry(batch: ListedBatch): { readonly member: string; readonly sortKey: string; readonly value: Json } {
  return { member: String(batch.id), sortKey: padNumber(batch.start), value: { count: batch.count, issuedAt: batch.issuedAt } };
}

/** A batch from its `bulk` index entry. */
export function batchFromEntry(entry: IndexEntry): ListedBatch {
  const value = entry.value !== null && typeof entry.value === 'object' && !Array.isArray(entry.value) ? (entry.value as Fields) : {};
  const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);
  return { id: Number(entry.member), start: Number(entry.sortKey), count: num(value['count']), issuedAt: num(value['issuedAt']) };
}
