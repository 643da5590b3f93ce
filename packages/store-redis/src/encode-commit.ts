import type { Bound, Check, Commit, Op } from '@ntpass/core';
import { canonicalJson, flatFields } from './canonical-json.js';
import { encodeSortKey } from './index-entry.js';

/*
 * A commit travels to the commit script as one JSON argument,
 * `[checks, ops]`, with positional tuples the script decodes with cjson.
 * Record values are pre-encoded as canonical JSON texts (strings inside the
 * payload), so the script never encodes a number itself.
 */

type Tuple = readonly (string | number | boolean | readonly unknown[])[];

/** A bound as the script reads it: numbers, and `[recordKey, fieldNameJson]` references. */
function encodeBound(bound: Bound | undefined): (number | [string, string])[] {
  if (bound === undefined) return [];
  const parts = Array.isArray(bound) ? bound : [bound];
  return (parts as readonly (number | { key: string; field: string })[]).map((b) =>
    typeof b === 'number' ? b : [b.key, JSON.stringify(b.field)],
  );
}

function encodeCheck(check: Check, i: number): Tuple {
  if (check.type === 'version') return ['v', check.key, check.version];
  return ['f', check.key, flatFields(check.equals, `commit: checks[${i}].equals`)];
}

function encodeOp(op: Op, i: number): Tuple {
  const at = `commit: ops[${i}]`;
  switch (op.type) {
    case 'put':
      return ['p', op.key, flatFields(op.value, `${at}.value`), op.expiresAt ?? false];
    case 'patch':
      return ['u', op.key, flatFields(op.set ?? {}, `${at}.set`), (op.unset ?? []).map((f) => JSON.stringify(f))];
    case 'delete':
      return ['d', op.key];
    case 'add':
      return ['a', op.key, op.by, encodeBound(op.min), encodeBound(op.max), op.expiresAt ?? false, op.refreshExpiry === true];
    case 'resetCounter':
      return ['z', op.key];
    case 'indexPut': {
      const value = op.value === undefined || op.value === null ? '' : canonicalJson(op.value, `${at}.value`);
      return ['i', op.index, op.member, encodeSortKey(op.sortKey), value];
    }
    case 'indexDelete':
      return ['x', op.index, op.member];
  }
}

/** The commit script's payload for an already validated commit. */
export function encodeCommit(commit: Commit): string {
  return JSON.stringify([(commit.checks ?? []).map(encodeCheck), commit.ops.map(encodeOp)]);
}
