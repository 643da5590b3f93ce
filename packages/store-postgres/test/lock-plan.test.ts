import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { Commit } from '@ntpass/core';
import { MAX_KEY_LOCKS, lockPlan } from '../src/lock-plan.js';

const T0 = Date.UTC(2030, 0, 1);

describe('lockPlan', () => {
  it('locks checked and bound records shared, written ones exclusive, each once, in hash order', () => {
    const commit: Commit = {
      partition: 'ntp:acme:x',
      now: T0,
      checks: [{ type: 'version', key: 'inst', version: 3 }, { type: 'fields', key: 't:u', equals: {} }, { type: 'fields', key: 'w', equals: {} }],
      ops: [
        { type: 'add', key: 'r:u', by: 1, max: [{ key: 't:u', field: 'cap' }, 5, { key: 'cfg', field: 'n' }] },
        { type: 'put', key: 'w', value: {} },
        { type: 'indexPut', index: 'ix', member: 'm', sortKey: '' },
      ],
    };
    const { keys, exclusive } = lockPlan(commit);
    assert.ok(keys && exclusive);
    assert.equal(keys.length, 4, 'inst, t:u, cfg and w: counters and index rows are not key-locked');
    assert.deepEqual([...keys].sort((a, b) => a - b), keys, 'sorted');
    assert.ok(keys.every((h) => Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31), 'int4 hashes');
    assert.equal(exclusive.filter(Boolean).length, 1, 'only the written record w is exclusive, though it is also checked');
    // The same keys in another partition are other locks.
    assert.notDeepEqual(lockPlan({ ...commit, partition: 'ntp:acme:y' }).keys, keys);
  });

  it('a commit of more record keys than the limit locks its partition instead', () => {
    const ops = Array.from({ length: MAX_KEY_LOCKS + 1 }, (_, i) => ({ type: 'put' as const, key: `k${i}`, value: {} }));
    assert.deepEqual(lockPlan({ partition: 'p', now: T0, ops }), { keys: null, exclusive: null });
    assert.equal(lockPlan({ partition: 'p', now: T0, ops: ops.slice(1) }).keys?.length, MAX_KEY_LOCKS);
  });
});
