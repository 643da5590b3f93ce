import { StoreRequestError, type Commit } from '@ntpass/core';

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses a string Redis would not keep faithfully: keys, names and sort keys
 * travel as UTF-8, where a lone surrogate becomes U+FFFD and two different
 * keys would become one. (Values are JSON text, where it is escaped.)
 */
export function checkWellFormed(value: string, what: string): void {
  if (LONE_SURROGATE.test(value)) throw new StoreRequestError(`${what} must be well-formed Unicode (Redis keeps it as UTF-8)`);
}

/** {@link checkWellFormed} over every raw string of a commit but its partition (see partitionKeys). */
export function checkCommitStrings(commit: Commit): void {
  if (commit.commitId !== undefined) checkWellFormed(commit.commitId, 'commit: commitId');
  (commit.checks ?? []).forEach((check, i) => checkWellFormed(check.key, `commit: checks[${i}].key`));
  commit.ops.forEach((op, i) => {
    const at = `commit: ops[${i}]`;
    if ('key' in op) checkWellFormed(op.key, `${at}.key`);
    if (op.type === 'indexPut' || op.type === 'indexDelete') {
      checkWellFormed(op.index, `${at}.index`);
      checkWellFormed(op.member, `${at}.member`);
      if (op.type === 'indexPut') checkWellFormed(op.sortKey, `${at}.sortKey`);
    }
    if (op.type === 'add') {
      for (const b of [op.min, op.max].flat()) if (typeof b === 'object' && b !== null) checkWellFormed(b.key, `${at} bound key`);
    }
  });
}
