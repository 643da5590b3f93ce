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
 * The shape is written as a sequence of tokens (see {@link ShapeToken}) that
 * names it unambiguously; lua/compile-shape.ts walks a commit in the same order.
 */

/** Most checks + ops and most distinct keys of a prepared shape; larger commits (bulk work) stay generic. */
export const MAX_SHAPE_STEPS = 24;
export const MAX_SHAPE_KEYS = 16;

export interface PreparedCommit {
  readonly args: Arg[];
  /** The record keys by slot (as named by the commit, not as hash fields). */
  readonly records: readonly string[];
  /** The counter keys by slot. */
  readonly counters: readonly string[];
}

/**
 * One token of a shape: a structure mark or a count (numbers: marks are
 * negative, slots and counts not), or a field name (a string). Names are the
 * only strings, and every list of them ends with a mark, so equal token
 * sequences are equal shapes. Comparing tokens allocates nothing, unlike
 * building and hashing a signature string per commit.
 */
export type ShapeToken = string | number;

const VERSION = -1;
const FIELDS = -2;
const ADD = -3;
const PUT = -4;
const PATCH = -5;
const DELETE = -6;
const RESET = -7;
const INDEX_PUT = -8;
const INDEX_DELETE = -9;
const END = -10;
const NULL_EXPECTED = -11;
const VALUE_EXPECTED = -12;
const NO_BOUND = -13;
const BOUND = -14;
const NUMBER_PART = -15;
const REF_PART = -16;

/** Where a fields object sits in a commit, for error messages (built only on an error). */
const WHERE = ['checks', 'ops', 'ops'] as const;
const WHAT = ['equals', 'value', 'set'] as const;
const pathOf = (i: number, kind: 0 | 1 | 2): string => `commit: ${WHERE[kind]}[${i}].${WHAT[kind]}`;

/**
 * Appends a fields object's names to the shape (and, for a check, kind 0,
 * whether each expects null) and its canonical JSON values to `tail`.
 * Scalars, the common case, skip the generic encoder.
 */
function pushFields(fields: Fields, tail: Arg[], tokens: ShapeToken[], i: number, kind: 0 | 1 | 2): void {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || !isPlainObject(fields)) flatFields(fields, pathOf(i, kind));
  const nullInShape = kind === 0;
  for (const name in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, name)) continue;
    tokens.push(name);
    const v = fields[name];
    // A check's expected null (absent or null) is part of its shape: no argument.
    if (nullInShape) tokens.push(v === null ? NULL_EXPECTED : VALUE_EXPECTED);
    if (v === null) {
      if (!nullInShape) tail.push('null');
    } else if (typeof v === 'string') tail.push(JSON.stringify(v));
    else tail.push(fieldJson(v, (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' ? '' : pathOf(i, kind), name));
  }
  tokens.push(END);
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

function pushBound(bound: Bound | undefined, records: string[], out: Arg[], tokens: ShapeToken[]): void {
  if (bound === undefined) {
    tokens.push(NO_BOUND);
    return;
  }
  tokens.push(BOUND);
  if (typeof bound === 'number') {
    out.push(bound);
    tokens.push(NUMBER_PART, END);
    return;
  }
  const parts = (Array.isArray(bound) ? bound : [bound]) as readonly (number | FieldRef)[];
  for (const b of parts) {
    if (typeof b === 'number') {
      out.push(b);
      tokens.push(NUMBER_PART);
    } else tokens.push(REF_PART, slot(records, b.key), b.field);
  }
  tokens.push(END);
}

/**
 * The ARGV of an already validated commit, its shape written to `tokens`
 * (emptied first; the caller reuses one array), or undefined when it is too
 * large to prepare.
 */
export function encodePrepared(commit: Commit, graceMs: number, tokens: ShapeToken[]): PreparedCommit | undefined {
  const checks = commit.checks ?? [];
  const { ops } = commit;
  if (checks.length + ops.length > MAX_SHAPE_STEPS) return undefined;
  tokens.length = 0;
  const records: string[] = [];
  const counters: string[] = [];
  const tail: Arg[] = [];
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    if (check.type === 'version') {
      tokens.push(VERSION, slot(records, check.key));
      tail.push(check.version);
    } else {
      tokens.push(FIELDS, slot(records, check.key));
      pushFields(check.equals, tail, tokens, i, 0);
    }
  }
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.type) {
      case 'add': {
        tokens.push(ADD, slot(counters, op.key), op.expiresAt === undefined ? 0 : 1, op.refreshExpiry === true ? 1 : 0);
        tail.push(op.by);
        if (op.expiresAt !== undefined) tail.push(op.expiresAt);
        pushBound(op.min, records, tail, tokens);
        pushBound(op.max, records, tail, tokens);
        break;
      }
      case 'put': {
        tokens.push(PUT, slot(records, op.key), op.expiresAt === undefined ? 0 : 1);
        if (op.expiresAt !== undefined) tail.push(op.expiresAt);
        pushFields(op.value, tail, tokens, i, 1);
        break;
      }
      case 'patch': {
        tokens.push(PATCH, slot(records, op.key));
        pushFields(op.set ?? {}, tail, tokens, i, 2);
        for (const name of op.unset ?? []) tokens.push(name);
        tokens.push(END);
        break;
      }
      case 'delete':
        tokens.push(DELETE, slot(records, op.key));
        break;
      case 'resetCounter':
        tokens.push(RESET, slot(counters, op.key));
        break;
      case 'indexPut': {
        const value = op.value === undefined || op.value === null ? '' : canonicalJson(op.value, `commit: ops[${i}].value`);
        tokens.push(INDEX_PUT);
        tail.push(op.index, op.member, encodeSortKey(op.sortKey), value);
        break;
      }
      case 'indexDelete':
        tokens.push(INDEX_DELETE);
        tail.push(op.index, op.member);
    }
  }
  if (records.length + counters.length > MAX_SHAPE_KEYS) return undefined;
  tokens.push(END, records.length, counters.length);
  const args: Arg[] = [commit.now, graceMs];
  for (const key of records) args.push(recordField(key));
  for (const key of counters) args.push(counterField(key));
  for (const a of tail) args.push(a);
  return { args, records, counters };
}

/** A hash of a token sequence (FNV-1a over marks, counts and the names' UTF-16 units). */
export function hashTokens(tokens: readonly ShapeToken[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (typeof t === 'number') h = Math.imul(h ^ (t & 0xffff), 0x01000193);
    else {
      for (let k = 0; k < t.length; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
      h = Math.imul(h ^ 0x10000, 0x01000193);
    }
  }
  return h >>> 0;
}

export function sameTokens(a: readonly ShapeToken[], b: readonly ShapeToken[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
