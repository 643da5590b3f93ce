import { StoreRequestError, type Commit } from '@ntpass/core';

/*
 * SQLite keeps text as UTF-8, and a JS string with a lone surrogate has no
 * UTF-8 form: better-sqlite3 would store U+FFFD instead, silently merging two
 * distinct keys. So every key, name and sort key with one is refused. Values
 * are not concerned: they are stored as JSON text, which escapes them.
 */

const LONE_SURROGATE = /\p{Cs}/u;

/** Throws a StoreRequestError naming `what` if `value` has a lone surrogate. */
export function checkWellFormed(value: string, what: string): void {
  if (LONE_SURROGATE.test(value)) throw new StoreRequestError(`${what} must be well-formed Unicode (no lone surrogates)`);
}

/** Every key, name and sort key of a commit (its shape already checked). */
export function checkCommitStrings(commit: Commit): void {
  checkWellFormed(commit.partition, 'commit: partition');
  if (commit.commitId !== undefined) checkWellFormed(commit.commitId, 'commit: commitId');
  (commit.checks ?? []).forEach((check, i) => checkWellFormed(check.key, `commit: checks[${i}].key`));
  commit.ops.forEach((op, i) => {
    const at = `commit: ops[${i}]`;
    if (op.type === 'indexPut' || op.type === 'indexDelete') {
      checkWellFormed(op.index, `${at}.index`);
      checkWellFormed(op.member, `${at}.member`);
      if (op.type === 'indexPut') checkWellFormed(op.sortKey, `${at}.sortKey`);
      return;
    }
    checkWellFormed(op.key, `${at}.key`);
    if (op.type !== 'add') return;
    for (const bound of [op.min, op.max]) {
      for (const part of Array.isArray(bound) ? bound : [bound]) {
        if (typeof part === 'object' && part !== null) checkWellFormed(part.key, `${at} bound key`);
      }
    }
  });
}
