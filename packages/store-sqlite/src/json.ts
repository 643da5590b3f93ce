import { StoreRequestError, type Commit, type Json } from '@ntpass/core';

/**
 * Refuses what JSON cannot hold (undefined, functions, NaN, class instances)
 * before it reaches `JSON.stringify`, which would silently turn it into
 * `null` or drop it: a malformed request must fail loudly, naming the path.
 * Plain and null-prototype objects are both fine.
 */
export function checkJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreRequestError(`${path} must be a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [k, v] of Object.entries(value)) checkJson(v, `${path}.${k}`);
    return;
  }
  throw new StoreRequestError(`${path} is not JSON`);
}

/**
 * The JSON part of a commit's validation, on top of core's
 * `checkCommitRequest` (which checks shape): every value the commit would
 * store or compare must survive `JSON.stringify` unchanged.
 */
export function checkCommitValues(commit: Commit): void {
  (commit.checks ?? []).forEach((check, i) => {
    if (check.type === 'fields') checkJson(check.equals, `commit: checks[${i}].equals`);
  });
  commit.ops.forEach((op, i) => {
    const at = `commit: ops[${i}]`;
    if (op.type === 'put') checkJson(op.value, `${at}.value`);
    else if (op.type === 'patch') {
      if (op.set !== undefined) checkJson(op.set, `${at}.set`);
      if (op.unset?.some((f) => typeof f !== 'string')) throw new StoreRequestError(`${at}.unset must be an array of field names`);
    } else if (op.type === 'indexPut' && op.value !== undefined) checkJson(op.value, `${at}.value`);
  });
}
