import type { Bound, Check, Commit, Fields, Op } from '@ntpass/core';
import { canonicalJson, flatFields } from './canonical-json.js';
import { counterField, recordField } from './fields.js';
import { encodeSortKey } from './index-entry.js';

/*
 * A commit travels to the commit script positionally, as flat ARGV strings
 * the script reads with a cursor, so it decodes no JSON:
 *
 *   now, grace, n, recordKey×n, m, counterKey×m, <checks...>, <ops...>
 *
 * The record and counter keys the commit touches come first, each once, so
 * the script loads them with one HMGET per hash (each `redis.call` costs
 * about as much as the rest of a small commit).
 *
 *   check version   v key version
 *   check fields    f key n (name valueJson)×n
 *   … all null      n key n name×n                  (every expected value null)
 *   put             p key expiresAt|'' n (name valueJson)×n
 *   patch           u key n (name valueJson)×n m name×m
 *   delete          d key
 *   add             a key by expiresAt|'' refresh(1|'') n (key|'' field|number)×n m (…)×m   (min bounds, then max)
 *   … plain         A key by                        (no bound, no expiry, no refresh)
 *   resetCounter    z key
 *   indexPut        i index member escape(sortKey)\0\0 valueJson|''
 *   indexDelete     x index member
 *
 * Values are canonical JSON per field (computed here), so a `fields` check is
 * a string comparison and no number passes through Lua's number formatting.
 */

export type Arg = string | number;

// Encoded `fields` objects, by identity: the engine reuses constant
// expectations ({ state: 'done' }, { ntpId }), and encoding them once is free.
const encodedFields = new WeakMap<Fields, string[]>();

function pushFields(out: Arg[], fields: Fields, path: string): void {
  let flat = encodedFields.get(fields);
  if (flat === undefined) {
    flat = flatFields(fields, path);
    // Only frozen objects cannot change under the cache.
    if (Object.isFrozen(fields)) encodedFields.set(fields, flat);
  }
  out.push(flat.length / 2);
  for (let i = 0; i < flat.length; i++) out.push(flat[i]!);
}

/** A bound as `(key, field)` pairs; a number is `('', n)` (record keys are never empty). */
function pushBound(out: Arg[], bound: Bound | undefined, records: Set<string>): void {
  if (bound === undefined) {
    out.push(0);
    return;
  }
  if (typeof bound === 'number') {
    out.push(1, '', bound);
    return;
  }
  const parts = (Array.isArray(bound) ? bound : [bound]) as readonly (number | { key: string; field: string })[];
  out.push(parts.length);
  for (const b of parts) {
    if (typeof b === 'number') out.push('', b);
    else {
      out.push(recordField(b.key), b.field);
      records.add(recordField(b.key));
    }
  }
}

function pushCheck(out: Arg[], check: Check, i: number): void {
  if (check.type === 'version') {
    out.push('v', recordField(check.key), check.version);
    return;
  }
  const { equals } = check;
  const names = Object.keys(equals);
  if (names.every((name) => equals[name] === null)) {
    out.push('n', recordField(check.key), names.length, ...names);
    return;
  }
  out.push('f', recordField(check.key));
  pushFields(out, equals, `commit: checks[${i}].equals`);
}

function pushOp(out: Arg[], op: Op, i: number, records: Set<string>, counters: Set<string>): void {
  // Counters and records share a hash: each key travels as its field (fields.ts).
  const key = op.type === 'add' || op.type === 'resetCounter' ? counterField(op.key) : op.type === 'indexPut' || op.type === 'indexDelete' ? '' : recordField(op.key);
  if (op.type === 'add' || op.type === 'resetCounter') counters.add(key);
  else if (op.type === 'put' || op.type === 'patch' || op.type === 'delete') records.add(key);
  switch (op.type) {
    case 'add':
      if (op.min === undefined && op.max === undefined && op.expiresAt === undefined && op.refreshExpiry !== true) {
        out.push('A', key, op.by);
        return;
      }
      out.push('a', key, op.by, op.expiresAt ?? '', op.refreshExpiry === true ? 1 : '');
      pushBound(out, op.min, records);
      pushBound(out, op.max, records);
      return;
    case 'put':
      out.push('p', key, op.expiresAt ?? '');
      pushFields(out, op.value, `commit: ops[${i}].value`);
      return;
    case 'patch': {
      out.push('u', key);
      pushFields(out, op.set ?? {}, `commit: ops[${i}].set`);
      const unset = op.unset ?? [];
      out.push(unset.length);
      for (const f of unset) out.push(f);
      return;
    }
    case 'delete':
      out.push('d', key);
      return;
    case 'resetCounter':
      out.push('z', key);
      return;
    case 'indexPut': {
      const value = op.value === undefined || op.value === null ? '' : canonicalJson(op.value, `commit: ops[${i}].value`);
      out.push('i', op.index, op.member, encodeSortKey(op.sortKey), value);
      return;
    }
    case 'indexDelete':
      out.push('x', op.index, op.member);
  }
}

/** The commit script's ARGV for an already validated commit. */
export function encodeCommit(commit: Commit, graceMs: number): Arg[] {
  const checks = commit.checks ?? [];
  const records = new Set<string>();
  const counters = new Set<string>();
  const body: Arg[] = [];
  for (let i = 0; i < checks.length; i++) {
    pushCheck(body, checks[i]!, i);
    records.add(recordField(checks[i]!.key));
  }
  const { ops } = commit;
  for (let i = 0; i < ops.length; i++) pushOp(body, ops[i]!, i, records, counters);
  return [commit.now, graceMs, records.size, ...records, counters.size, ...counters, ...body];
}
