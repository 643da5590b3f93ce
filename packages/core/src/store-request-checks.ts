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
const LONE_SURROGATE = /\p{Cs}/u;

function wellFormed(value: string, what: string): void {
  if (LONE_SURROGATE.test(value)) fail(`${what} must be well-formed Unicode (no lone surrogates)`);
}

function name(value: unknown, what: string, max = 512): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    fail(`${what} must be a string of 1 to ${max} characters`);
  }
  wellFormed(value as string, what);
}

function time(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(`${what} must be epoch milliseconds (a safe integer)`);
}

function optionalTime(value: unknown, what: string): void {
  if (value !== undefined) time(value, what);
}

function pageSize(value: unknown, what: string, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) fail(`${what} must be an integer from 1 to ${max}`);
}

function fieldsObject(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be a JSON object`);
}

function bound(value: Bound | undefined, what: string): void {
  if (value === undefined) return;
  const parts = Array.isArray(value) ? value : [value];
  for (const part of parts as readonly unknown[]) {
    if (typeof part === 'number') {
      if (!Number.isSafeInteger(part)) fail(`${what} must be a safe integer`);
    } else if (typeof part === 'object' && part !== null) {
      const ref = part as { key?: unknown; field?: unknown };
      name(ref.key, `${what}.key`);
      name(ref.field, `${what}.field`);
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
  name(c.partition, 'commit: partition');
  time(c.now, 'commit: now');
  if (!Array.isArray(c.ops)) fail('commit: ops must be an array');
  const checks = c.checks ?? [];
  if (!Array.isArray(checks)) fail('commit: checks must be an array');
  if (checks.length + c.ops.length > maxOps) fail(`commit: ${checks.length + c.ops.length} checks and ops exceed maxOpsPerCommit ${maxOps}`);
  checks.forEach((check, i) => {
    const at = `commit: checks[${i}]`;
    name(check.key, `${at}.key`);
    if (check.type === 'version') {
      if (!Number.isSafeInteger(check.version) || check.version < 0) fail(`${at}.version must be an integer >= 0`);
    } else if (check.type === 'fields') fieldsObject(check.equals, `${at}.equals`);
    else fail(`${at}.type must be "version" or "fields"`);
  });
  c.ops.forEach((op, i) => {
    const at = `commit: ops[${i}]`;
    switch (op.type) {
      case 'put':
        name(op.key, `${at}.key`);
        fieldsObject(op.value, `${at}.value`);
        optionalTime(op.expiresAt, `${at}.expiresAt`);
        break;
      case 'patch':
        name(op.key, `${at}.key`);
        if (op.set !== undefined) fieldsObject(op.set, `${at}.set`);
        if (op.unset !== undefined && !Array.isArray(op.unset)) fail(`${at}.unset must be an array of field names`);
        break;
      case 'delete':
      case 'resetCounter':
        name(op.key, `${at}.key`);
        break;
      case 'add':
        name(op.key, `${at}.key`);
        if (!Number.isSafeInteger(op.by)) fail(`${at}.by must be a safe integer`);
        bound(op.min, `${at}.min`);
        bound(op.max, `${at}.max`);
        optionalTime(op.expiresAt, `${at}.expiresAt`);
        break;
      case 'indexPut':
        name(op.index, `${at}.index`);
        name(op.member, `${at}.member`);
        if (typeof op.sortKey !== 'string' || op.sortKey.length > 512) fail(`${at}.sortKey must be a string of at most 512 characters`);
        wellFormed(op.sortKey, `${at}.sortKey`);
        break;
      case 'indexDelete':
        name(op.index, `${at}.index`);
        name(op.member, `${at}.member`);
        break;
      default:
        fail(`${at}.type "${String((op as { type?: unknown }).type)}" is not a known op`);
    }
  });
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
      if (check.type === 'fields') json(check.equals, `commit: checks[${i}].equals`);
    }
  }
  for (let i = 0; i < c.ops.length; i++) {
    const op = c.ops[i]!;
    if (op.type === 'put') json(op.value, `commit: ops[${i}].value`);
    else if (op.type === 'patch') {
      if (op.set !== undefined) json(op.set, `commit: ops[${i}].set`);
      if (op.unset?.some((f) => typeof f !== 'string')) fail(`commit: ops[${i}].unset must be an array of field names`);
    } else if (op.type === 'indexPut' && op.value !== undefined) json(op.value, `commit: ops[${i}].value`);
  }
}
