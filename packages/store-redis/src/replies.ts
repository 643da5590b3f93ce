import { keyedResult, type CommitResult, type Fields, type IndexEntry, type ListResult, type ReadResult, type ScanResult, type StoredRecord } from '@ntpass/core';
import { keyOfCounterField, keyOfRecordField } from './fields.js';
import { decodeEntry } from './index-entry.js';

/*
 * Turns the scripts' replies into contract values. A reply of an unexpected
 * shape means a different script answered (or a proxy mangled it): that is
 * an infrastructure failure, thrown as such.
 */

const malformed = (what: string): never => {
  throw new Error(`redisStore: malformed reply from Redis (${what})`);
};

const array = (value: unknown, what: string): unknown[] => (Array.isArray(value) ? value : malformed(what));

const number = (value: unknown, what: string): number => (typeof value === 'number' ? value : malformed(what));

const string = (value: unknown, what: string): string => (typeof value === 'string' ? value : malformed(what));

/** A record from its stored array `[version, expiresAt|null, name, valueJson, ...]`. */
function storedRecord(stored: unknown): StoredRecord {
  const flat = array(stored, 'record');
  // Rebuilt as JSON text: a field named __proto__ stays an own field.
  let text = '{';
  for (let i = 2; i < flat.length; i += 2) text += `${i === 2 ? '' : ','}${JSON.stringify(string(flat[i], 'field name'))}:${string(flat[i + 1], 'field value')}`;
  const value = JSON.parse(`${text}}`) as Fields;
  const version = number(flat[0], 'version');
  const expiresAt = flat[1];
  return expiresAt === null || expiresAt === undefined ? { value, version } : { value, version, expiresAt: number(expiresAt, 'expiresAt') };
}

export function readReply(reply: unknown): ReadResult {
  const [records, counters] = array(reply, 'read');
  return {
    records: array(records, 'read records').map((r) => (r === null ? null : storedRecord(r))),
    counters: array(counters, 'read counters').map((c) => number(c, 'counter')),
  };
}

/** A commit script's reply `[1, …]` says it applied; `[0, at, index]` that it refused (and wrote nothing). */
export const commitApplied = (reply: unknown): boolean => Array.isArray(reply) && reply[0] === 1;

export function commitReply(reply: unknown): CommitResult {
  const flat = array(reply, 'commit');
  if (flat[0] === 1) {
    // {1, n, counterKey, value, ... (n pairs), recordKey, version, ...}
    const end = 2 + 2 * number(flat[1], 'commit counters');
    const counters = keyedResult<number>();
    const versions = keyedResult<number>();
    for (let i = 2; i < flat.length; i += 2) {
      const field = string(flat[i], 'commit key');
      if (i < end) counters[keyOfCounterField(field)] = number(flat[i + 1], 'commit value');
      else versions[keyOfRecordField(field)] = number(flat[i + 1], 'commit value');
    }
    return { ok: true, counters, versions };
  }
  const [, a, b] = flat;
  const at = a === 'check' || a === 'op' ? a : malformed('commit refusal');
  return { ok: false, at, index: number(b, 'commit refusal index') };
}

/**
 * The reply of a prepared shape's script (see lua/compile-shape.ts): applied,
 * `{1, counter values..., record versions...}` positionally, the slots in
 * `shape`'s order and the keys by slot from the commit; refused, as
 * {@link commitReply}.
 */
export function preparedCommitReply(
  reply: unknown,
  shape: { readonly counters: readonly number[]; readonly records: readonly number[] },
  keys: { readonly counters: readonly string[]; readonly records: readonly string[] },
): CommitResult {
  const flat = array(reply, 'commit');
  if (flat[0] !== 1) return commitReply(reply);
  const nc = shape.counters.length;
  if (flat.length !== 1 + nc + shape.records.length) malformed('prepared commit');
  const counters = keyedResult<number>();
  const versions = keyedResult<number>();
  for (let i = 0; i < nc; i++) counters[keys.counters[shape.counters[i]!]!] = number(flat[1 + i], 'commit value');
  for (let i = 0; i < shape.records.length; i++) versions[keys.records[shape.records[i]!]!] = number(flat[1 + nc + i], 'commit value');
  return { ok: true, counters, versions };
}

export function listReply(reply: unknown): ListResult {
  const flat = array(reply, 'list');
  const items: IndexEntry[] = [];
  for (let i = 1; i < flat.length; i += 2) {
    const stored = flat[i + 1];
    items.push(decodeEntry(string(flat[i], 'index entry'), stored === null ? null : string(stored, 'index value')));
  }
  return { items, total: number(flat[0], 'index total') };
}

export function scanReply(reply: unknown): ScanResult {
  const flat = array(reply, 'scan');
  const cursor = string(flat[0], 'scan cursor');
  const records: { key: string; record: StoredRecord }[] = [];
  for (let i = 1; i < flat.length; i += 2) records.push({ key: keyOfRecordField(string(flat[i], 'scan key')), record: storedRecord(flat[i + 1]) });
  return { records, cursor: cursor === '0' ? null : cursor };
}
