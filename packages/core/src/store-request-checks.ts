import {
  StoreRequestError,
  type Bound,
  type Commit,
  type DropRequest,
  type ListRequest,
  type ReadRequest,
  type ScanRequest,
} from './store.js';

/*
 * For adapter authors: each function throws a StoreRequestError naming the
 * problem when a request breaks the Store contract. They check shape only —
 * no rule lives here — so every adapter refuses the same malformed requests
 * with the same words. Bugs in the caller fail loudly instead of being stored.
 */

const fail = (message: string): never => {
  throw new StoreRequestError(message);
};

// Stores keep keys as UTF-8 (SQLite text, Redis strings), where a lone
// surrogate becomes U+FFFD and two distinct keys would merge: refuse them.
// `isWellFormed` (ES2024, Node 20) is native; the regex is its fallback.
const LONE_SURROGATE = /\p{Cs}/u;
const isWellFormed: (value: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (value) => (value as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (value) => !LONE_SURROGATE.test(value);

function wellFormed(value: string, what: string): void {
  if (!isWellFormed(value)) fail(`${what} must be well-formed Unicode (no lone surrogates)`);
}

/** Whether `value` is a valid key or name; the hot path, so no message is built unless it fails. */
function isName(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= max && isWellFormed(value);
}

function name(value: unknown, what: string, max = 512): void {
  if (isName(value, max)) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    fail(`${what} must be a string of 1 to ${max} characters`);
  }
  wellFormed(value as string, what);
}

/** {@link name} for `commit: <list>[i].<field>`, building the label only on failure. */
function nameAt(value: unknown, list: string, i: number, field: string): void {
  if (!isName(value, 512)) name(value, `commit: ${list}[${i}].${field}`);
}

function time(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(`${what} must be epoch milliseconds (a safe integer)`);
}

function pageSize(value: unknown, what: string, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) fail(`${what} must be an integer from 1 to ${max}`);
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

function fieldsObject(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be a JSON object`);
}

function bound(value: Bound | undefined, i: number, field: string): void {
  if (value === undefined || (typeof value === 'number' && Number.isSafeInteger(value))) return;
  const what = `commit: ops[${i}].${field}`;
  const parts = Array.isArray(value) ? value : [value];
  for (const part of parts as readonly unknown[]) {
    if (typeof part === 'number') {
      if (!Number.isSafeInteger(part)) fail(`${what} must be a safe integer`);
    } else if (typeof part === 'object' && part !== null) {
      const ref = part as { key?: unknown; field?: unknown };
      if (!isName(ref.key, 512)) name(ref.key, `${what}.key`);
      if (!isName(ref.field, 512)) name(ref.field, `${what}.field`);
    } else fail(`${what} must be a number, a { key, field } reference, or a list of them`);
  }
}

export function checkReadRequest(r: ReadRequest): void {
  name(r.partition, 'read: partition');
  time(r.now, 'read: now');
  for (const k of r.records ?? []) name(k, 'read: record key');
  for (const k of r.counters ?? []) name(k, 'read: counter key');
}

export function checkCommitRequest(c: Commit, maxOps: number): void {
  if (typeof c !== 'object' || c === null) fail('commit must be an object');
  if (!isName(c.partition, 512)) name(c.partition, 'commit: partition');
  time(c.now, 'commit: now');
  const ops = c.ops;
  if (!Array.isArray(ops)) fail('commit: ops must be an array');
  const checks = c.checks ?? [];
  if (!Array.isArray(checks)) fail('commit: checks must be an array');
  if (checks.length + ops.length > maxOps) fail(`commit: ${checks.length + ops.length} checks and ops exceed maxOpsPerCommit ${maxOps}`);
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    nameAt(check.key, 'checks', i, 'key');
    if (check.type === 'version') {
      if (!Number.isSafeInteger(check.version) || check.version < 0) fail(`commit: checks[${i}].version must be an integer >= 0`);
    } else if (check.type === 'fields') {
      if (!isObject(check.equals)) fieldsObject(check.equals, `commit: checks[${i}].equals`);
    }
    else fail(`commit: checks[${i}].type must be "version" or "fields"`);
  }
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.type) {
      case 'put':
        nameAt(op.key, 'ops', i, 'key');
        if (!isObject(op.value)) fieldsObject(op.value, `commit: ops[${i}].value`);
        if (op.expiresAt !== undefined) time(op.expiresAt, `commit: ops[${i}].expiresAt`);
        break;
      case 'patch':
        nameAt(op.key, 'ops', i, 'key');
        if (op.set !== undefined && !isObject(op.set)) fieldsObject(op.set, `commit: ops[${i}].set`);
        if (op.unset !== undefined && !Array.isArray(op.unset)) fail(`commit: ops[${i}].unset must be an array of field names`);
        break;
      case 'delete':
      case 'resetCounter':
        nameAt(op.key, 'ops', i, 'key');
        break;
      case 'add':
        nameAt(op.key, 'ops', i, 'key');
        if (!Number.isSafeInteger(op.by)) fail(`commit: ops[${i}].by must be a safe integer`);
        bound(op.min, i, 'min');
        bound(op.max, i, 'max');
        if (op.expiresAt !== undefined) time(op.expiresAt, `commit: ops[${i}].expiresAt`);
        break;
      case 'indexPut':
        nameAt(op.index, 'ops', i, 'index');
        nameAt(op.member, 'ops', i, 'member');
        if (typeof op.sortKey !== 'string' || op.sortKey.length > 512) fail(`commit: ops[${i}].sortKey must be a string of at most 512 characters`);
        if (!isWellFormed(op.sortKey)) wellFormed(op.sortKey, `commit: ops[${i}].sortKey`);
        break;
      case 'indexDelete':
        nameAt(op.index, 'ops', i, 'index');
        nameAt(op.member, 'ops', i, 'member');
        break;
      default:
        fail(`commit: ops[${i}].type "${String((op as { type?: unknown }).type)}" is not a known op`);
    }
  }
}

export function checkListRequest(r: ListRequest): void {
  name(r.partition, 'list: partition');
  name(r.index, 'list: index');
  if (!Number.isInteger(r.offset) || r.offset < 0) fail('list: offset must be an integer >= 0');
  pageSize(r.count, 'list: count', 10_000);
}

export function checkScanRequest(r: ScanRequest): void {
  name(r.partition, 'scan: partition');
  time(r.now, 'scan: now');
  pageSize(r.limit, 'scan: limit', 10_000);
  if (r.prefix !== undefined && typeof r.prefix !== 'string') fail('scan: prefix must be a string');
  if (r.cursor !== undefined && typeof r.cursor !== 'string') fail('scan: cursor must be a string');
  wellFormed(r.prefix ?? '', 'scan: prefix');
  wellFormed(r.cursor ?? '', 'scan: cursor');
}

export function checkDropRequest(r: DropRequest): void {
  name(r.partition, 'dropPartition: partition');
  pageSize(r.limit, 'dropPartition: limit', 10_000);
}

/**
 * Refuses what JSON cannot hold (undefined, functions, NaN, class instances),
 * which `JSON.stringify` would silently turn into `null` or drop: a
 * malformed request must fail loudly, naming the path. Plain and
 * null-prototype objects are both fine.
 */
function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isJson(value[i])) return false;
    return true;
  }
  if (typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in value) if (Object.hasOwn(value, k) && !isJson((value as Record<string, unknown>)[k])) return false;
  return true;
}

/** Throws naming the first path that is not JSON (run only once {@link isJson} said no). */
function json(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(`${path} must be a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) json(value[i], `${path}[${i}]`);
    return;
  }
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const k of Object.keys(value)) json((value as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
  }
  fail(`${path} is not JSON`);
}

/**
 * The JSON part of a commit's validation, on top of
 * {@link checkCommitRequest} (which checks shape): every value the commit
 * would store or compare must survive `JSON.stringify` unchanged.
 */
export function checkCommitValues(c: Commit): void {
  const checks = c.checks;
  if (checks !== undefined) {
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i]!;
      if (check.type === 'fields' && !isJson(check.equals)) json(check.equals, `commit: checks[${i}].equals`);
    }
  }
  for (let i = 0; i < c.ops.length; i++) {
    const op = c.ops[i]!;
    if (op.type === 'put') {
      if (!isJson(op.value)) json(op.value, `commit: ops[${i}].value`);
    } else if (op.type === 'patch') {
      if (op.set !== undefined && !isJson(op.set)) json(op.set, `commit: ops[${i}].set`);
      if (op.unset?.some((f) => typeof f !== 'string')) fail(`commit: ops[${i}].unset must be an array of field names`);
    } else if (op.type === 'indexPut' && op.value !== undefined && !isJson(op.value)) json(op.value, `commit: ops[${i}].value`);
  }
}
