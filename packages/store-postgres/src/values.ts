import { StoreRequestError, type Commit, type ReadRequest } from '@ntpass/core';

/*
 * What core's request checks cannot know about PostgreSQL: `text` and `jsonb`
 * cannot hold the character U+0000, and `JSON.stringify` silently turns what
 * JSON cannot hold (undefined, functions, NaN, class instances) into `null` or
 * drops it. Both are refused here, naming the path, before anything is sent.
 */

const NUL = '\u0000';

function text(value: string, path: string): void {
  if (value.includes(NUL)) throw new StoreRequestError(`${path} must not contain U+0000 (PostgreSQL text cannot hold it)`);
}

/** Refuses a value `JSON.stringify` would change, or one jsonb cannot store. Plain and null-prototype objects are both fine. */
export function checkJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') return text(value, path);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreRequestError(`${path} must be a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [k, v] of Object.entries(value)) {
      text(k, `${path} key`);
      checkJson(v, `${path}.${k}`);
    }
    return;
  }
  throw new StoreRequestError(`${path} is not JSON`);
}

/** The PostgreSQL part of a commit's validation, on top of core's `checkCommitRequest` (which checks shape). */
export function checkCommitValues(commit: Commit): void {
  text(commit.partition, 'commit: partition');
  (commit.checks ?? []).forEach((check, i) => {
    text(check.key, `commit: checks[${i}].key`);
    if (check.type === 'fields') checkJson(check.equals, `commit: checks[${i}].equals`);
  });
  commit.ops.forEach((op, i) => {
    const at = `commit: ops[${i}]`;
    switch (op.type) {
      case 'put':
        text(op.key, `${at}.key`);
        checkJson(op.value, `${at}.value`);
        break;
      case 'patch':
        text(op.key, `${at}.key`);
        if (op.set !== undefined) checkJson(op.set, `${at}.set`);
        if (op.unset?.some((f) => typeof f !== 'string')) throw new StoreRequestError(`${at}.unset must be an array of field names`);
        break;
      case 'add':
        text(op.key, `${at}.key`);
        for (const part of [op.min, op.max].flat()) {
          if (typeof part === 'object' && part !== null) {
            text(part.key, `${at} bound key`);
            text(part.field, `${at} bound field`);
          }
        }
        break;
      case 'indexPut':
        text(op.index, `${at}.index`);
        text(op.member, `${at}.member`);
        text(op.sortKey, `${at}.sortKey`);
        if (op.value !== undefined) checkJson(op.value, `${at}.value`);
        break;
      case 'indexDelete':
        text(op.index, `${at}.index`);
        text(op.member, `${at}.member`);
        break;
      default:
        text(op.key, `${at}.key`);
    }
  });
}

/** Refuses U+0000 in a read's partition and keys. */
export function checkReadValues(r: ReadRequest): void {
  text(r.partition, 'read: partition');
  for (const k of r.records ?? []) text(k, 'read: record key');
  for (const k of r.counters ?? []) text(k, 'read: counter key');
}

/** Refuses U+0000 in any of these names. */
export function checkTexts(values: Readonly<Record<string, string | undefined>>): void {
  for (const [path, v] of Object.entries(values)) if (v !== undefined) text(v, path);
}
