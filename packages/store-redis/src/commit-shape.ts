import type { Bound, Commit, Fields, FieldRef } from '@ntpass/core';
import { canonicalJson, fieldJson, flatFields } from './canonical-json.js';
import type { Arg } from './encode-commit.js';
import { counterField, recordField } from './fields.js';
import { encodeSortKey } from './index-entry.js';

/*
 * A commit's **shape** is the commit without its values: the sequence of
 * check and op types, which record and counter each one names (as slots,
 * numbered by first appearance), the field names of `fields` checks, puts and
 * patches, which bounds are numbers and which FieldRefs (slot and field), and
 * whether an add has an expiry or refreshes it. Commits of one shape run one
 * script generated for it (lua/compile-shape.ts); their ARGV carries only the
 * values:
 *
 *   now, grace, recordField×slots, counterField×slots (fields.ts), then per check / op:
 *   version          version
 *   fields           valueJson per field expected other than null
 *   add              by, expiresAt (if it has one), each number bound (min parts, then max parts)
 *   put              expiresAt (if it has one), valueJson per field
 *   patch            valueJson per set field
 *   indexPut         index, member, escape(sortKey)\0\0, valueJson|''
 *   indexDelete      index, member
 *   delete, resetCounter: nothing
 *
 * The signature is a string naming the shape unambiguously (names length-prefixed
 * as `5:email`). lua/compile-shape.ts walks a commit in the same order.
 */

/** Most checks + ops and most distinct keys of a prepared shape; larger commits (bulk work) stay generic. */
export const MAX_SHAPE_STEPS = 24;
export const MAX_SHAPE_KEYS = 16;

export interface PreparedCommit {
  readonly signature: string;
  readonly args: Arg[];
  /** The record keys by slot (as named by the commit, not as hash fields). */
  readonly records: readonly string[];
  /** The counter keys by slot. */
  readonly counters: readonly string[];
}

/**
 * Appends a fields object's names to the signature (length-prefixed, so
 * unambiguous) and its canonical JSON values to `tail`. Scalars, the common
 * case, skip the generic encoder.
 */
function pushFields(fields: Fields, tail: Arg[], path: () => string, nullInShape = false): string {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || !isPlainObject(fields)) flatFields(fields, path());
  let names = '[';
  for (const name in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    names += `${name.length}:${name}`;
    const v = fields[name];
    // A check's expected null (absent or null) is part of its shape: no argument.
    if (nullInShape) names += v === null ? '0' : '=';
    if (v === null) {
      if (!nullInShape) tail.push('null');
    } else if (typeof v === 'string') tail.push(JSON.stringify(v));
    else tail.push(fieldJson(v, path(), name));
  }
  return `${names}]`;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The slot of `key` in `keys` (by first appearance; a commit names a few keys, so a scan beats a Map). */
function slot(keys: string[], key: string): number {
  const s = keys.indexOf(key);
  if (s >= 0) return s;
  keys.push(key);
  return keys.length - 1;
}

function boundSignature(bound: Bound | undefined, records: string[], out: Arg[]): string {
  if (bound === undefined) return '_';
  if (typeof bound === 'number') {
    out.push(bound);
    return '<n>';
  }
  const parts = (Array.isArray(bound) ? bound : [bound]) as readonly (number | FieldRef)[];
  let sig = '<';
  for (const b of parts) {
    if (typeof b === 'number') {
      out.push(b);
      sig += 'n';
    } else sig += `r${slot(records, b.key)}.${b.field.length}:${b.field}`;
  }
  return `${sig}>`;
}

/** The shape signature and ARGV of an already validated commit, or undefined when it is too large to prepare. */
export function encodePrepared(commit: Commit, graceMs: number): PreparedCommit | undefined {
  const checks = commit.checks ?? [];
  const { ops } = commit;
  if (checks.length + ops.length > MAX_SHAPE_STEPS) return undefined;
  const records: string[] = [];
  const counters: string[] = [];
  const tail: Arg[] = [];
  let sig = '';
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    if (check.type === 'version') {
      sig += `v${slot(records, check.key)};`;
      tail.push(check.version);
    } else {
      sig += `f${slot(records, check.key)}${pushFields(check.equals, tail, () => `commit: checks[${i}].equals`, true)};`;
    }
  }
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.type) {
      case 'add': {
        sig += `a${slot(counters, op.key)}${op.expiresAt === undefined ? '' : 'E'}${op.refreshExpiry === true ? 'F' : ''}`;
        tail.push(op.by);
        if (op.expiresAt !== undefined) tail.push(op.expiresAt);
        sig += boundSignature(op.min, records, tail);
        sig += `${boundSignature(op.max, records, tail)};`;
        break;
      }
      case 'put': {
        sig += `p${slot(records, op.key)}${op.expiresAt === undefined ? '' : 'E'}`;
        if (op.expiresAt !== undefined) tail.push(op.expiresAt);
        sig += `${pushFields(op.value, tail, () => `commit: ops[${i}].value`)};`;
        break;
      }
      case 'patch': {
        sig += `u${slot(records, op.key)}${pushFields(op.set ?? {}, tail, () => `commit: ops[${i}].set`)}${JSON.stringify(op.unset ?? [])};`;
        break;
      }
      case 'delete':
        sig += `d${slot(records, op.key)};`;
        break;
      case 'resetCounter':
        sig += `z${slot(counters, op.key)};`;
        break;
      case 'indexPut': {
        const value = op.value === undefined || op.value === null ? '' : canonicalJson(op.value, `commit: ops[${i}].value`);
        sig += 'i;';
        tail.push(op.index, op.member, encodeSortKey(op.sortKey), value);
        break;
      }
      case 'indexDelete':
        sig += 'x;';
        tail.push(op.index, op.member);
    }
  }
  if (records.length + counters.length > MAX_SHAPE_KEYS) return undefined;
  const args: Arg[] = [commit.now, graceMs];
  for (const key of records) args.push(recordField(key));
  for (const key of counters) args.push(counterField(key));
  for (const a of tail) args.push(a);
  return { signature: `${records.length},${counters.length};${sig}`, args, records, counters };
}
