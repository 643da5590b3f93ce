import { strict as assert } from 'node:assert';
import { describe, it } from 'vitest';
import { memoryStore } from '@ntpass/store-memory';

// Times in the past of the wall clock: the store reclaims by the earlier of
// the call's `now` and the wall clock.
const base = Date.now() - 60_000;

describe('memory store: expired state is reclaimed with no later touch', () => {
  it('20 000 partitions each holding one expiring item leave nothing a few calls after they lapse', async () => {
    const store = memoryStore();
    const commits = Array.from({ length: 20_000 }, (_, i) => ({
      partition: `client:${i}`,
      now: base,
      ops: [
        i % 2 === 0
          ? { type: 'add' as const, key: 'failures', by: 1, expiresAt: base + 1000 }
          : { type: 'put' as const, key: 'ban', value: { since: base }, expiresAt: base + 1000 },
      ],
    }));
    await store.commitBatch(commits);
    await store.commit({ partition: 'keeper', now: base, ops: [{ type: 'put', key: 'k', value: {} }] });
    assert.deepEqual(store.stats(), { partitions: 20_001, items: 20_001 });

    // Calls on other partitions only: nothing touches the lapsed ones.
    for (let i = 0; i < 5; i++) await store.commit({ partition: 'other', now: base + 2000, ops: [{ type: 'add', key: 'n', by: 1 }] });
    assert.deepEqual(store.stats(), { partitions: 2, items: 2 });
    const kept = await store.read({ partition: 'keeper', records: ['k'], now: base + 2000 });
    assert.ok(kept.records[0], 'a record with no expiry stays');
  });

  it('does not reclaim an item whose window was renewed, and versions never go back after a reclaim', async () => {
    const store = memoryStore();
    const p = 'p';
    const first = await store.commit({ partition: p, now: base, ops: [{ type: 'put', key: 'k', value: { n: 1 }, expiresAt: base + 1000 }] });
    assert.ok(first.ok);
    // Renewed before it lapsed: a new row with a later expiry.
    await store.commit({ partition: p, now: base + 500, ops: [{ type: 'put', key: 'k', value: { n: 2 }, expiresAt: base + 5000 }] });
    await store.commit({ partition: 'other', now: base + 2000, ops: [] });
    const read = await store.read({ partition: p, records: ['k'], now: base + 2000 });
    assert.deepEqual(read.records[0]?.value, { n: 2 });

    await store.commit({ partition: 'other', now: base + 6000, ops: [] });
    assert.equal(store.stats().partitions, 0, 'the partition went with its last item');
    const again = await store.commit({ partition: p, now: base + 6000, ops: [{ type: 'put', key: 'k', value: { n: 3 } }] });
    assert.ok(again.ok && first.ok);
    assert.ok(again.versions['k']! > first.versions['k']! + 1, 'a version is never reused');
  });

  it('forgets a partition emptied by its own deletes', async () => {
    const store = memoryStore();
    await store.commit({ partition: 'p', now: base, ops: [{ type: 'add', key: 'c', by: 1 }, { type: 'indexPut', index: 'i', member: 'm', sortKey: '' }] });
    assert.deepEqual(store.stats(), { partitions: 1, items: 2 });
    await store.commit({ partition: 'p', now: base, ops: [{ type: 'resetCounter', key: 'c' }, { type: 'indexDelete', index: 'i', member: 'm' }] });
    assert.deepEqual(store.stats(), { partitions: 0, items: 0 });
  });
});
