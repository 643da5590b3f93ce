import type { Bound, Commit, Fields, FieldRef } from '@ntpass/core';
import { canonicalJson, flatFields } from './canonical-json.js';
import type { Arg } from './encode-commit.js';
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
 *   now, grace, recordKey×slots, counterKey×slots, then per check / op:
 *   version          version
 *   fields           valueJson per field
 *   add              by, expiresAt (if it has one), each number bound (min parts, then max parts)
 *   put              expiresAt (if it has one), valueJson per field
 *   patch            valueJson per set field
 *   indexPut         index, member, escape(sortKey)\0\0, valueJson|''
 *   indexDelete      index, member
 *   delete, resetCounter: nothing
 *
 * The signature is a string naming the shape unambiguously (names as JSON
 * text). lua/compile-shape.ts walks a commit in the same order.
 */

/** Most checks + ops and most distinct keys of a prepared shape; larger commits (bulk work) stay generic. */
export const MAX_SHAPE_STEPS = 24;
export const MAX_SHAPE_KEYS = 16;

export interface PreparedCommit {
  readonly signature: string;
  readonly args: Arg[];
}

interface EncodedFields {
  readonly names: string;
  readonly values: readonly string[];
}

// By identity, for frozen objects (the engine reuses constant values and expectations).
const encodedFields = new WeakMap<Fields, EncodedFields>();

function fieldsOf(fields: Fields, path: string): EncodedFields {
  const cached = encodedFields.get(fields);
  if (cached !== undefined) return cached;
  const flat = flatFields(fields, path);
  const values: string[] = [];
  let names = '';
  for (let i = 0; i < flat.length; i += 2) {
    names += JSON.stringify(flat[i]);
    values.push(flat[i + 1]!);
  }
  const encoded = { names: `[${names}]`, values };
  if (Object.isFrozen(fields)) encodedFields.set(fields, encoded);
  return encoded;
}

/** Slot numbers by first appearance. */
function slots() {
  const map = new Map<string, number>();
  return {
    map,
    of(key: string): number {
      let s = map.get(key);
      if (s === undefined) {
        s = map.size;
        map.set(key, s);
      }
      return s;
    },
  };
}

type Slots = ReturnType<typeof slots>;

function boundSignature(bound: Bound | undefined, records: Slots, out: Arg[]): string {
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
    } else sig += `r${records.of(b.key)}${JSON.stringify(b.field)}`;
  }
  return `${sig}>`;
}

/** The shape signature and ARGV of an already validated commit, or undefined when it is too large to prepare. */
export function encodePrepared(commit: Commit, graceMs: number): PreparedCommit | undefined {
  const checks = commit.checks ?? [];
  const { ops } = commit;
  if (checks.length + ops.length > MAX_SHAPE_STEPS) return undefined;
  const records = slots();
  const counters = slots();
  const tail: Arg[] = [];
  let sig = '';
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    if (check.type === 'version') {
      sig += `v${records.of(check.key)};`;
      tail.push(check.version);
    } else {
      const f = fieldsOf(check.equals, `commit: checks[${i}].equals`);
      sig += `f${records.of(check.key)}${f.names};`;
      for (const v of f.values) tail.push(v);
    }
  }
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.type) {
      case 'add': {
        sig += `a${counters.of(op.key)}${op.expiresAt === undefined ? '' : 'E'}${op.refreshExpiry === true ? 'F' : ''}`;
        tail.push(op.by);
        if (op.expiresAt !== undefined) tail.push(op.expiresAt);
        sig += boundSignature(op.min, records, tail);
        sig += `${boundSignature(op.max, records, tail)};`;
        break;
      }
      case 'put': {
        const f = fieldsOf(op.value, `commit: ops[${i}].value`);
        sig += `p${records.of(op.key)}${op.expiresAt === undefined ? '' : 'E'}${f.names};`;
        if (op.expiresAt !== undefined) tail.push(op.expiresAt);
        for (const v of f.values) tail.push(v);
        break;
      }
      case 'patch': {
        const f = fieldsOf(op.set ?? {}, `commit: ops[${i}].set`);
        sig += `u${records.of(op.key)}${f.names}${JSON.stringify(op.unset ?? [])};`;
        for (const v of f.values) tail.push(v);
        break;
      }
      case 'delete':
        sig += `d${records.of(op.key)};`;
        break;
      case 'resetCounter':
        sig += `z${counters.of(op.key)};`;
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
  if (records.map.size + counters.map.size > MAX_SHAPE_KEYS) return undefined;
  return {
    signature: `${records.map.size},${counters.map.size};${sig}`,
    args: [commit.now, graceMs, ...records.map.keys(), ...counters.map.keys(), ...tail],
  };
}
