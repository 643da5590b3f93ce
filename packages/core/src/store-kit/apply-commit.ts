import { fieldsMatch } from '../fields-match.js';
import { keyedResult } from '../keyed-result.js';
import type { Bound, Commit, CommitResult, Fields, IndexEntry, Json } from '../store.js';
import type { CounterRow, FetchedRows, RecordRow, RowDriver } from './row-driver.js';

/*
 * The Store contract's commit semantics, once for every JavaScript store:
 * checks, then ops in order against a staged view (each op sees the ones
 * before it), bounds resolved from that view, expiry judged by the commit's
 * `now`, versions from the driver's sequence, index totals kept in step.
 * Nothing reaches the driver until every check and op has passed, so a
 * refusal at any point writes nothing.
 */

/** A record as seen inside one commit: `value` parsed once it was needed. */
type Seen = RecordRow | null;

interface Staging<P> {
  readonly d: RowDriver<P>;
  readonly p: P | undefined;
  readonly now: number;
  /** Records read or written by this commit; `null` = absent. Written ones are in `written` too. */
  seen: Map<string, Seen> | undefined;
  /** Counters read up front by {@link RowDriver.rows}; `null` = absent. Staged writes win over these. */
  fetched: Map<string, CounterRow | null> | undefined;
  written: Map<string, RecordRow | null> | undefined;
  counters: Map<string, CounterRow | null> | undefined;
  /** index → member → entry (`null` = deleted). */
  entries: Map<string, Map<string, IndexEntry | null>> | undefined;
  /** index → change of its total. */
  totals: Map<string, number> | undefined;
}

const isLive = (expiresAt: number | null, now: number): boolean => expiresAt === null || expiresAt > now;

function record<P>(s: Staging<P>, key: string): Seen {
  const cached = s.seen?.get(key);
  if (cached !== undefined) return cached;
  const row = s.p === undefined ? undefined : s.d.record(s.p, key);
  const found = row !== undefined && isLive(row.expiresAt, s.now) ? row : null;
  (s.seen ??= new Map()).set(key, found);
  return found;
}

/** The live record's fields, parsing stored JSON text at most once per commit. */
function fieldsOf<P>(s: Staging<P>, key: string): Fields | undefined {
  const row = record(s, key);
  if (row === null) return undefined;
  if (typeof row.value !== 'string') return row.value;
  const value = JSON.parse(row.value) as Fields;
  s.seen!.set(key, { value, version: row.version, expiresAt: row.expiresAt });
  return value;
}

function counter<P>(s: Staging<P>, key: string): CounterRow | undefined {
  const staged = s.counters?.get(key);
  if (staged !== undefined) return staged ?? undefined;
  const fetched = s.fetched?.get(key);
  const row = fetched !== undefined ? (fetched ?? undefined) : s.p === undefined ? undefined : s.d.counter(s.p, key);
  return row !== undefined && isLive(row.expiresAt, s.now) ? row : undefined;
}

function hasEntry<P>(s: Staging<P>, index: string, member: string): boolean {
  const staged = s.entries?.get(index)?.get(member);
  if (staged !== undefined) return staged !== null;
  return s.p !== undefined && s.d.hasEntry(s.p, index, member);
}

function stageRecord<P>(s: Staging<P>, key: string, row: RecordRow | null): void {
  (s.seen ??= new Map()).set(key, row !== null && isLive(row.expiresAt, s.now) ? row : null);
  (s.written ??= new Map()).set(key, row);
}

function stageEntry<P>(s: Staging<P>, index: string, member: string, entry: IndexEntry | null): void {
  const had = hasEntry(s, index, member);
  s.entries ??= new Map();
  let members = s.entries.get(index);
  if (members === undefined) s.entries.set(index, (members = new Map()));
  members.set(member, entry);
  const delta = (entry === null ? 0 : 1) - (had ? 1 : 0);
  if (delta !== 0) (s.totals ??= new Map()).set(index, (s.totals.get(index) ?? 0) + delta);
}

/** The tightest of a bound's parts that name a number; `undefined` when none does. */
function resolveBound<P>(s: Staging<P>, bound: Bound | undefined, max: boolean): number | undefined {
  if (bound === undefined) return undefined;
  if (typeof bound === 'number') return bound;
  const parts = (Array.isArray(bound) ? bound : [bound]) as readonly (number | { key: string; field: string })[];
  let out: number | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    let n: unknown = part;
    if (typeof part !== 'number') {
      const value = fieldsOf(s, part.key);
      n = value !== undefined && Object.hasOwn(value, part.field) ? value[part.field] : undefined;
    }
    if (typeof n === 'number') out = out === undefined ? n : max ? Math.min(out, n) : Math.max(out, n);
  }
  return out;
}

/**
 * Applies one commit through `d`, which must already be inside a `'write'`
 * unit. The commit must have passed `checkCommitRequest` and
 * `checkCommitValues`.
 */
export function applyCommit<P>(d: RowDriver<P>, commit: Commit): CommitResult {
  const named = d.rows === undefined ? undefined : namedKeys(commit);
  const fetched = named === undefined ? undefined : d.rows!(commit.partition, named.records, named.counters);
  const s: Staging<P> = {
    d,
    p: fetched === undefined ? d.partition(commit.partition, false) : fetched.p,
    now: commit.now,
    seen: undefined,
    fetched: undefined,
    written: undefined,
    counters: undefined,
    entries: undefined,
    totals: undefined,
  };
  if (fetched !== undefined) keepFetched(s, named!, fetched);
  const checks = commit.checks;
  if (checks !== undefined) {
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i]!;
      const passed =
        check.type === 'version'
          ? (record(s, check.key)?.version ?? 0) === check.version
          : fieldsMatchOrAbsent(fieldsOf(s, check.key), check.equals);
      if (!passed) return { ok: false, at: 'check', index: i };
    }
  }

  // The partition's version sequence, read only by a commit that writes a record.
  let version = -1;
  const countersOut = keyedResult<number>();
  // Most commits (a redemption) write no record: a plain {} then, not a dictionary.
  let versionsOut: Record<string, number> | undefined;
  let deletes = false;
  const ops = commit.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.type) {
      case 'put': {
        const v = (version = (version < 0 ? d.lastVersion(s.p) : version) + 1);
        stageRecord(s, op.key, { value: op.value, version: v, expiresAt: op.expiresAt ?? null });
        (versionsOut ??= keyedResult<number>())[op.key] = v;
        break;
      }
      case 'patch': {
        const current = fieldsOf(s, op.key);
        if (current === undefined) return { ok: false, at: 'op', index: i };
        // A Map, not object spread: a field named "__proto__" stays a field.
        const next = new Map<string, Json>(Object.entries(current));
        if (op.set !== undefined) for (const field of Object.keys(op.set)) next.set(field, op.set[field]!);
        if (op.unset !== undefined) for (const field of op.unset) next.delete(field);
        const v = (version = (version < 0 ? d.lastVersion(s.p) : version) + 1);
        stageRecord(s, op.key, { value: Object.fromEntries(next) as Fields, version: v, expiresAt: record(s, op.key)!.expiresAt });
        (versionsOut ??= keyedResult<number>())[op.key] = v;
        break;
      }
      case 'delete':
        stageRecord(s, op.key, null);
        deletes = true;
        break;
      case 'add': {
        const current = counter(s, op.key);
        const value = (current?.value ?? 0) + op.by;
        const max = resolveBound(s, op.max, true);
        if (max !== undefined && value > max) return { ok: false, at: 'op', index: i };
        const min = resolveBound(s, op.min, false);
        if (min !== undefined && value < min) return { ok: false, at: 'op', index: i };
        const expiresAt =
          current !== undefined && op.refreshExpiry !== true ? current.expiresAt : (op.expiresAt ?? current?.expiresAt ?? null);
        (s.counters ??= new Map()).set(op.key, { value, expiresAt });
        countersOut[op.key] = value;
        break;
      }
      case 'resetCounter':
        (s.counters ??= new Map()).set(op.key, null);
        countersOut[op.key] = 0;
        deletes = true;
        break;
      case 'indexPut':
        stageEntry(s, op.index, op.member, { member: op.member, sortKey: op.sortKey, value: op.value ?? null });
        break;
      case 'indexDelete':
        stageEntry(s, op.index, op.member, null);
        deletes = true;
        break;
    }
  }

  // Every check and op passed: write.
  if (s.written !== undefined || s.counters !== undefined || s.entries !== undefined) {
    const p = s.p ?? d.partition(commit.partition, true)!;
    if (version >= 0) d.writeLastVersion(p, version);
    if (s.written !== undefined) for (const [key, row] of s.written) d.writeRecord(p, key, row);
    if (s.counters !== undefined) for (const [key, row] of s.counters) d.writeCounter(p, key, row);
    if (s.entries !== undefined) {
      for (const [index, members] of s.entries) for (const [member, entry] of members) d.writeEntry(p, index, member, entry);
    }
    if (s.totals !== undefined) {
      for (const [index, delta] of s.totals) if (delta !== 0) d.writeTotal(p, index, d.total(p, index) + delta);
    }
    if (deletes) d.forgetIfEmpty(p);
  }
  return { ok: true, counters: countersOut, versions: versionsOut ?? {} };
}

/** A `fields` check: the record must exist. */
function fieldsMatchOrAbsent(value: Fields | undefined, equals: Fields): boolean {
  return value !== undefined && fieldsMatch(value, equals);
}

/** Small commits only: a long one (bulk work) would make one statement of thousands of lookups. */
const MAX_FETCHED_KEYS = 8;

/**
 * The records and counters a commit reads (check keys, bound references,
 * patched records; added counters), each once, or `undefined` if there are
 * more than {@link MAX_FETCHED_KEYS}.
 */
function namedKeys(commit: Commit): { records: string[]; counters: string[] } | undefined {
  const records: string[] = [];
  const counters: string[] = [];
  const addTo = (list: string[], key: string): boolean => {
    if (!list.includes(key)) list.push(key);
    return records.length + counters.length <= MAX_FETCHED_KEYS;
  };
  const bound = (b: Bound | undefined): boolean => {
    if (b === undefined || typeof b === 'number') return true;
    if (!Array.isArray(b)) return addTo(records, (b as { key: string }).key);
    for (const part of b as readonly (number | { key: string })[]) if (typeof part !== 'number' && !addTo(records, part.key)) return false;
    return true;
  };
  const checks = commit.checks;
  if (checks !== undefined) for (let i = 0; i < checks.length; i++) if (!addTo(records, checks[i]!.key)) return undefined;
  const ops = commit.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const ok =
      op.type === 'add'
        ? addTo(counters, op.key) && bound(op.max) && bound(op.min)
        : op.type === 'patch'
          ? addTo(records, op.key)
          : true;
    if (!ok) return undefined;
  }
  return { records, counters };
}

/** Seeds the staging with what {@link RowDriver.rows} read, live rows only. */
function keepFetched<P>(s: Staging<P>, named: { records: string[]; counters: string[] }, rows: FetchedRows<P>): void {
  const seen = (s.seen = new Map<string, Seen>());
  for (let i = 0; i < named.records.length; i++) {
    const row = rows.records[i];
    seen.set(named.records[i]!, row !== undefined && isLive(row.expiresAt, s.now) ? row : null);
  }
  const fetched = (s.fetched = new Map<string, CounterRow | null>());
  for (let i = 0; i < named.counters.length; i++) {
    const row = rows.counters[i];
    fetched.set(named.counters[i]!, row !== undefined && isLive(row.expiresAt, s.now) ? row : null);
  }
}
