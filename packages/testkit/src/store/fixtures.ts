import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { partitionName, type CommitApplied, type CommitRefused, type CommitResult } from '@ntpass/core';

/** A fixed "now" for store tests; expiry tests move it explicitly. */
export const T0 = Date.UTC(2030, 0, 1);

/**
 * A partition no other test uses, so the suite can run against a shared
 * server (a Redis other tests also use) without cleaning it. The odd
 * characters prove adapters encode partition names faithfully.
 */
export function freshPartition(label = 'p'): string {
  return partitionName('conformance', `${label}{x}:%é`, randomBytes(6).toString('hex'));
}

export function assertApplied(result: CommitResult, message = 'commit should apply'): CommitApplied {
  assert.equal(result.ok, true, `${message}: ${JSON.stringify(result)}`);
  return result as CommitApplied;
}

export function assertRefused(result: CommitResult, at: 'check' | 'op', index: number): CommitRefused {
  assert.deepEqual(result, { ok: false, at, index }, `commit should be refused at ${at} ${index}`);
  return result as CommitRefused;
}
