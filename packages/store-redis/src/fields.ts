/*
 * A partition's records and counters share one hash (`<base>:h`), so a
 * commit loads all its keys with one HMGET and writes them with one HSET.
 * Their fields stay apart: a counter `k` is the field `\0c<k>`; a record `k`
 * is the field `k` itself, or `\0r<k>` when `k` starts with NUL (so no record
 * field starts with `\0c`); the field `''` is the partition's meta.
 */

export const counterField = (key: string): string => `\u0000c${key}`;

export const recordField = (key: string): string => (key.charCodeAt(0) === 0 ? `\u0000r${key}` : key);

/** The counter or record key of a field in a script's reply. */
export const keyOfCounterField = (field: string): string => field.slice(2);

export const keyOfRecordField = (field: string): string => (field.charCodeAt(0) === 0 ? field.slice(2) : field);
