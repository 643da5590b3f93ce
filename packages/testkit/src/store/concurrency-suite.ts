import assert from 'node:assert/strict';
import type { CommitResult } from '@ntpass/core';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';
import { freshPartition, T0 } from './fixtures.js';

const CALLERS = 100;

/** Atomicity under many concurrent callers on one key: the races a non-atomic store loses. */
export function registerConcurrencySuite(target: ConformanceTarget, runner: TestRunner): void {
  const it = (name: string, body: Parameters<typeof withStore>[1]) => runner.it(name, () => withStore(target, body), 60_000);
  const applied = (results: readonly CommitResult[]) => results.filter((r) => r.ok).length;

  runner.describe('concurrency', () => {
    it(`${CALLERS} concurrent bounded adds on one counter with max 50: exactly 50 apply`, async (store) => {
      const p = freshPartition();
      const results = await Promise.all(
        Array.from({ length: CALLERS }, () => store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 1, max: 50 }] })),
      );
      assert.equal(applied(results), 50);
      const seen = results.flatMap((r) => (r.ok ? [r.counters['c']] : [])).sort((a, b) => (a ?? 0) - (b ?? 0));
      assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i + 1), 'each applied add saw a distinct value 1..50');
      assert.deepEqual((await store.read({ partition: p, counters: ['c'], now: T0 })).counters, [50]);
    });

    it(`${CALLERS} concurrent unbounded adds lose no increment`, async (store) => {
      const p = freshPartition();
      await Promise.all(Array.from({ length: CALLERS }, () => store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 3 }] })));
      assert.deepEqual((await store.read({ partition: p, counters: ['c'], now: T0 })).counters, [3 * CALLERS]);
    });

    it('bounded adds whose bound lives in a record race correctly against a change of that record', async (store) => {
      const p = freshPartition();
      await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'cfg', value: { cap: 10 } }] });
      const adds = Array.from({ length: 60 }, () =>
        store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 1, max: { key: 'cfg', field: 'cap' } }] }),
      );
      await Promise.all(adds);
      assert.deepEqual((await store.read({ partition: p, counters: ['c'], now: T0 })).counters, [10]);
    });

    it(`${CALLERS} concurrent version-checked updates from one read: exactly one applies`, async (store) => {
      const p = freshPartition();
      await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { winner: null } }] });
      const v = (await store.read({ partition: p, records: ['k'], now: T0 })).records[0]!.version;
      const results = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          store.commit({
            partition: p,
            now: T0,
            checks: [{ type: 'version', key: 'k', version: v }],
            ops: [{ type: 'patch', key: 'k', set: { winner: i } }, { type: 'add', key: 'writes', by: 1 }],
          }),
        ),
      );
      assert.equal(applied(results), 1);
      const r = await store.read({ partition: p, records: ['k'], counters: ['writes'], now: T0 });
      const winner = results.findIndex((x) => x.ok);
      assert.deepEqual(r.records[0]?.value, { winner });
      assert.equal(r.counters[0], 1);
    });

    it(`${CALLERS} concurrent creates of one record (version 0): exactly one applies`, async (store) => {
      const p = freshPartition();
      const results = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          store.commit({ partition: p, now: T0, checks: [{ type: 'version', key: 'k', version: 0 }], ops: [{ type: 'put', key: 'k', value: { i } }] }),
        ),
      );
      assert.equal(applied(results), 1);
    });

    it(`${CALLERS} concurrent index puts of distinct members: total ${CALLERS}, all listed`, async (store) => {
      const p = freshPartition();
      await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          store.commit({ partition: p, now: T0, ops: [{ type: 'indexPut', index: 'ix', member: `m${i}`, sortKey: String(i).padStart(4, '0') }] }),
        ),
      );
      const l = await store.list({ partition: p, index: 'ix', offset: 0, count: 1000 });
      assert.equal(l.total, CALLERS);
      assert.equal(new Set(l.items.map((e) => e.member)).size, CALLERS);
    });

    it('concurrent batches and single commits on one counter stay exact', async (store) => {
      const p = freshPartition();
      const one = { partition: p, now: T0, ops: [{ type: 'add' as const, key: 'c', by: 1, max: 55 }] };
      const work = Array.from({ length: 20 }, (_, i) => (i % 2 ? store.commitBatch([one, one, one, one, one]) : store.commit(one).then((r) => [r])));
      const results = (await Promise.all(work)).flat();
      assert.equal(applied(results), 55);
      assert.deepEqual((await store.read({ partition: p, counters: ['c'], now: T0 })).counters, [55]);
    });
  });
}
