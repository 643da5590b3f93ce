import assert from 'node:assert/strict';
import type { Store } from '@ntpass/core';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';
import { assertApplied, assertRefused, freshPartition, T0 } from './fixtures.js';

/** Every contract method, every check and op, and every refusal, one behaviour per test. */
export function registerContractSuite(target: ConformanceTarget, runner: TestRunner): void {
  const { describe } = runner;
  const it = (name: string, body: (store: Store, p: string) => Promise<void>) =>
    runner.it(name, () => withStore(target, (store) => body(store, freshPartition())));

  describe('contract: records and versions', () => {
    it('reads absent records as null and absent counters as 0', async (store, p) => {
      const r = await store.read({ partition: p, records: ['a', 'b'], counters: ['c'], now: T0 });
      assert.deepEqual(r, { records: [null, null], counters: [0] });
    });

    it('reads back a put record with a positive version, aligned with the keys asked', async (store, p) => {
      const value = { s: 'é{}', n: 1.5, b: true, z: null, a: [1, { x: 'y' }], o: { k: [] } };
      const res = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value }] }));
      const v = res.versions['k'];
      assert.ok(typeof v === 'number' && v >= 1, 'put returns the new version');
      const r = await store.read({ partition: p, records: ['nope', 'k'], now: T0 });
      assert.equal(r.records[0], null);
      assert.deepEqual(r.records[1], { value, version: v });
    });

    it('gives every write a higher version than the last', async (store, p) => {
      const v1 = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { n: 1 } }] })).versions['k']!;
      const v2 = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'patch', key: 'k', set: { n: 2 } }] })).versions['k']!;
      const v3 = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { n: 3 } }] })).versions['k']!;
      assert.ok(v1 < v2 && v2 < v3, `versions ${v1} < ${v2} < ${v3}`);
    });

    it('never reuses a version after a delete', async (store, p) => {
      const v1 = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] })).versions['k']!;
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'delete', key: 'k' }] }));
      const r = await store.read({ partition: p, records: ['k'], now: T0 });
      assert.equal(r.records[0], null);
      const v2 = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] })).versions['k']!;
      assert.ok(v2 > v1, `recreated record's version ${v2} must exceed ${v1}`);
      assertRefused(
        await store.commit({ partition: p, now: T0, checks: [{ type: 'version', key: 'k', version: v1 }], ops: [] }),
        'check',
        0,
      );
    });

    it('patch sets and unsets fields, keeps the others, and bumps the version', async (store, p) => {
      const v1 = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { a: 1, b: 2, c: 3 } }] })).versions['k']!;
      const res = assertApplied(
        await store.commit({ partition: p, now: T0, ops: [{ type: 'patch', key: 'k', set: { a: 10, d: 'x' }, unset: ['b'] }] }),
      );
      const r = await store.read({ partition: p, records: ['k'], now: T0 });
      assert.deepEqual(r.records[0]?.value, { a: 10, c: 3, d: 'x' });
      assert.ok(res.versions['k']! > v1);
      assert.equal(r.records[0]?.version, res.versions['k']);
    });

    it('refuses a patch of an absent record at that op, applying nothing before it', async (store, p) => {
      const res = await store.commit({
        partition: p,
        now: T0,
        ops: [
          { type: 'put', key: 'other', value: { x: 1 } },
          { type: 'add', key: 'n', by: 1 },
          { type: 'patch', key: 'missing', set: { a: 1 } },
        ],
      });
      assertRefused(res, 'op', 2);
      const r = await store.read({ partition: p, records: ['other', 'missing'], counters: ['n'], now: T0 });
      assert.deepEqual(r, { records: [null, null], counters: [0] });
    });

    it('deletes a record, and deleting an absent one is not a refusal', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] }));
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'delete', key: 'k' }, { type: 'delete', key: 'never' }] }));
      assert.equal((await store.read({ partition: p, records: ['k'], now: T0 })).records[0], null);
    });

    it('keeps partitions apart: the same key in two partitions is two records', async (store, p) => {
      const q = freshPartition('q');
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { in: 'p' } }, { type: 'add', key: 'c', by: 5 }] }));
      assertApplied(await store.commit({ partition: q, now: T0, ops: [{ type: 'put', key: 'k', value: { in: 'q' } }] }));
      assert.deepEqual((await store.read({ partition: p, records: ['k'], counters: ['c'], now: T0 })).records[0]?.value, { in: 'p' });
      const rq = await store.read({ partition: q, records: ['k'], counters: ['c'], now: T0 });
      assert.deepEqual(rq.records[0]?.value, { in: 'q' });
      assert.equal(rq.counters[0], 0);
    });

    it('accepts any key string: braces, colons, percent, spaces, non-ASCII', async (store, p) => {
      const keys = ['{a}', 'x:y:z', '%41', 'with space', 'ünï€😀', 't:' + 'k'.repeat(500)];
      assertApplied(await store.commit({ partition: p, now: T0, ops: keys.map((key, i) => ({ type: 'put' as const, key, value: { i } })) }));
      const r = await store.read({ partition: p, records: keys, now: T0 });
      assert.deepEqual(r.records.map((x) => x?.value), keys.map((_, i) => ({ i })));
      // '%41' must not alias 'A', nor '{a}' any other key.
      assert.equal((await store.read({ partition: p, records: ['A', 'a'], now: T0 })).records.filter(Boolean).length, 0);
    });
  });

  describe('contract: checks', () => {
    it('a version check passes on the current version and refuses a stale one, applying nothing', async (store, p) => {
      const v = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { n: 1 } }] })).versions['k']!;
      assertApplied(
        await store.commit({ partition: p, now: T0, checks: [{ type: 'version', key: 'k', version: v }], ops: [{ type: 'patch', key: 'k', set: { n: 2 } }] }),
      );
      assertRefused(
        await store.commit({
          partition: p,
          now: T0,
          checks: [{ type: 'version', key: 'x', version: 0 }, { type: 'version', key: 'k', version: v }],
          ops: [{ type: 'patch', key: 'k', set: { n: 3 } }, { type: 'add', key: 'c', by: 1 }],
        }),
        'check',
        1,
      );
      const r = await store.read({ partition: p, records: ['k'], counters: ['c'], now: T0 });
      assert.deepEqual(r.records[0]?.value, { n: 2 });
      assert.equal(r.counters[0], 0);
    });

    it('version 0 means absent: it passes before the record exists and refuses after', async (store, p) => {
      const create = { partition: p, now: T0, checks: [{ type: 'version' as const, key: 'k', version: 0 }], ops: [{ type: 'put' as const, key: 'k', value: {} }] };
      assertApplied(await store.commit(create));
      assertRefused(await store.commit(create), 'check', 0);
    });

    it('a fields check compares JSON deeply, object keys in any order', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { a: { x: 1, y: [1, 2] }, s: 'v', f: false } }] }));
      const check = (equals: Record<string, unknown>) =>
        store.commit({ partition: p, now: T0, checks: [{ type: 'fields', key: 'k', equals: equals as never }], ops: [] });
      assertApplied(await check({ a: { y: [1, 2], x: 1 }, s: 'v' }));
      assertApplied(await check({ f: false }));
      assertApplied(await check({}));
      assertRefused(await check({ s: 'w' }), 'check', 0);
      assertRefused(await check({ a: { x: 1 } }), 'check', 0);
      assertRefused(await check({ a: { x: 1, y: [2, 1] } }), 'check', 0);
      assertRefused(await check({ f: 0 }), 'check', 0);
      assertRefused(await check({ s: null }), 'check', 0);
    });

    it('an expected null matches an absent or null field', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { z: null, v: 1 } }] }));
      assertApplied(await store.commit({ partition: p, now: T0, checks: [{ type: 'fields', key: 'k', equals: { z: null, absent: null } }], ops: [] }));
      assertRefused(await store.commit({ partition: p, now: T0, checks: [{ type: 'fields', key: 'k', equals: { v: null } }], ops: [] }), 'check', 0);
    });

    it('a fields check refuses when the record is absent, even with no fields', async (store, p) => {
      assertRefused(await store.commit({ partition: p, now: T0, checks: [{ type: 'fields', key: 'k', equals: {} }], ops: [] }), 'check', 0);
      assertRefused(await store.commit({ partition: p, now: T0, checks: [{ type: 'fields', key: 'k', equals: { a: null } }], ops: [] }), 'check', 0);
    });
  });

  describe('contract: bounded counters', () => {
    it('adds and returns the value after the commit; negative and zero adds work', async (store, p) => {
      let res = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 5 }, { type: 'add', key: 'd', by: -2 }] }));
      assert.deepEqual(res.counters, { c: 5, d: -2 });
      res = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 0 }, { type: 'add', key: 'c', by: -1 }] }));
      assert.equal(res.counters['c'], 4);
      assert.deepEqual((await store.read({ partition: p, counters: ['c', 'd'], now: T0 })).counters, [4, -2]);
    });

    it('allows reaching a bound exactly and refuses passing it, applying nothing', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 3, max: 3 }] }));
      assertRefused(
        await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'r', value: {} }, { type: 'add', key: 'c', by: 1, max: 3 }] }),
        'op',
        1,
      );
      assertRefused(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: -4, min: 0 }] }), 'op', 0);
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: -3, min: 0 }] }));
      const r = await store.read({ partition: p, records: ['r'], counters: ['c'], now: T0 });
      assert.deepEqual(r, { records: [null], counters: [0] });
    });

    it('takes a bound from a stored field, and the tightest of a list', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'cfg', value: { cap: 2, big: 100, text: 'x' } }] }));
      const max = [{ key: 'cfg', field: 'big' }, 5, { key: 'cfg', field: 'cap' }];
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 2, max }] }));
      assertRefused(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 1, max }] }), 'op', 0);
      // Raising the stored cap raises the bound: nothing is cached.
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'patch', key: 'cfg', set: { cap: 3 } }] }));
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 1, max }] }));
      assertRefused(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 1, max }] }), 'op', 0);
    });

    it('a reference to an absent record, field, or non-number sets no bound', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'cfg', value: { text: '1', n: null } }] }));
      const res = assertApplied(
        await store.commit({
          partition: p,
          now: T0,
          ops: [{ type: 'add', key: 'c', by: 50, max: [{ key: 'nope', field: 'x' }, { key: 'cfg', field: 'missing' }, { key: 'cfg', field: 'text' }, { key: 'cfg', field: 'n' }] }],
        }),
      );
      assert.equal(res.counters['c'], 50);
    });

    it('a min bound from a field works like a max bound', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'cfg', value: { floor: -1 } }] }));
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: -1, min: { key: 'cfg', field: 'floor' } }] }));
      assertRefused(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: -1, min: [{ key: 'cfg', field: 'floor' }, -10] }] }), 'op', 0);
    });

    it('ops see earlier ops of the same commit: a bound read from a record put just before', async (store, p) => {
      const res = assertApplied(
        await store.commit({
          partition: p,
          now: T0,
          ops: [
            { type: 'put', key: 'cfg', value: { cap: 1 } },
            { type: 'add', key: 'c', by: 1, max: { key: 'cfg', field: 'cap' } },
            { type: 'add', key: 'c', by: 1 },
          ],
        }),
      );
      assert.equal(res.counters['c'], 2, 'the second add sees the first');
      assertRefused(
        await store.commit({ partition: p, now: T0, ops: [{ type: 'patch', key: 'cfg', set: { cap: 0 } }, { type: 'add', key: 'x', by: 1, max: { key: 'cfg', field: 'cap' } }] }),
        'op',
        1,
      );
      const r = await store.read({ partition: p, records: ['cfg'], now: T0 });
      assert.deepEqual(r.records[0]?.value, { cap: 1 }, 'the refused commit left the record as it was');
    });

    it('resetCounter removes a counter and reports 0', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 7 }] }));
      const res = assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'resetCounter', key: 'c' }] }));
      assert.equal(res.counters['c'], 0);
      assert.deepEqual((await store.read({ partition: p, counters: ['c'], now: T0 })).counters, [0]);
    });
  });

  describe('contract: expiry', () => {
    it('a record with expiresAt is present before it and absent from then on, to reads and checks', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { a: 1 }, expiresAt: T0 + 1000 }] }));
      const before = await store.read({ partition: p, records: ['k'], now: T0 + 999 });
      assert.equal(before.records[0]?.expiresAt, T0 + 1000);
      assert.deepEqual(before.records[0]?.value, { a: 1 });
      assert.equal((await store.read({ partition: p, records: ['k'], now: T0 + 1000 })).records[0], null);
      assertRefused(await store.commit({ partition: p, now: T0 + 1000, checks: [{ type: 'fields', key: 'k', equals: {} }], ops: [] }), 'check', 0);
      assertRefused(await store.commit({ partition: p, now: T0 + 1000, ops: [{ type: 'patch', key: 'k', set: { a: 2 } }] }), 'op', 0);
      assertApplied(
        await store.commit({ partition: p, now: T0 + 1000, checks: [{ type: 'version', key: 'k', version: 0 }], ops: [{ type: 'put', key: 'k', value: { a: 3 } }] }),
      );
      const after = await store.read({ partition: p, records: ['k'], now: T0 + 10_000_000 });
      assert.deepEqual(after.records[0]?.value, { a: 3 });
      assert.equal(after.records[0]?.expiresAt, undefined, 'a put without expiresAt does not expire');
    });

    it('a counter expiresAt is a fixed window: set on creation, kept by later adds', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'w', by: 1, expiresAt: T0 + 100 }] }));
      assertApplied(await store.commit({ partition: p, now: T0 + 50, ops: [{ type: 'add', key: 'w', by: 1, expiresAt: T0 + 150 }] }));
      assert.deepEqual((await store.read({ partition: p, counters: ['w'], now: T0 + 99 })).counters, [2]);
      assert.deepEqual((await store.read({ partition: p, counters: ['w'], now: T0 + 100 })).counters, [0]);
      // An expired counter starts again from 0 with the new expiry.
      const res = assertApplied(await store.commit({ partition: p, now: T0 + 120, ops: [{ type: 'add', key: 'w', by: 1, max: 1, expiresAt: T0 + 220 }] }));
      assert.equal(res.counters['w'], 1);
      assert.deepEqual((await store.read({ partition: p, counters: ['w'], now: T0 + 219 })).counters, [1]);
      assert.deepEqual((await store.read({ partition: p, counters: ['w'], now: T0 + 220 })).counters, [0]);
    });

    it('refreshExpiry makes a sliding window', async (store, p) => {
      assertApplied(await store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'w', by: 1, expiresAt: T0 + 100 }] }));
      assertApplied(await store.commit({ partition: p, now: T0 + 90, ops: [{ type: 'add', key: 'w', by: 1, expiresAt: T0 + 190, refreshExpiry: true }] }));
      assert.deepEqual((await store.read({ partition: p, counters: ['w'], now: T0 + 150 })).counters, [2]);
      assert.deepEqual((await store.read({ partition: p, counters: ['w'], now: T0 + 190 })).counters, [0]);
    });

    it('expiry is judged by the request time, not the store clock', async (store, p) => {
      const past = Date.UTC(2001, 0, 1);
      assertApplied(await store.commit({ partition: p, now: past, ops: [{ type: 'put', key: 'k', value: {}, expiresAt: past + 1000 }] }));
      assert.notEqual((await store.read({ partition: p, records: ['k'], now: past + 1 })).records[0], null);
      assert.equal((await store.read({ partition: p, records: ['k'], now: past + 1000 })).records[0], null);
    });
  });

  describe('contract: commitBatch', () => {
    it('applies independent commits on several partitions, each succeeding or refused on its own', async (store, p) => {
      const q = freshPartition('q');
      const results = await store.commitBatch([
        { partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: { n: 1 } }] },
        { partition: q, now: T0, ops: [{ type: 'add', key: 'c', by: 2, max: 1 }] },
        { partition: q, now: T0, ops: [{ type: 'add', key: 'c', by: 1, max: 1 }] },
        { partition: p, now: T0, checks: [{ type: 'version', key: 'k', version: 0 }], ops: [{ type: 'put', key: 'k', value: { n: 2 } }] },
      ]);
      assert.equal(results.length, 4);
      assertApplied(results[0]!);
      assertRefused(results[1]!, 'op', 0);
      assert.equal(assertApplied(results[2]!).counters['c'], 1);
      assertRefused(results[3]!, 'check', 0);
      assert.deepEqual((await store.read({ partition: p, records: ['k'], now: T0 })).records[0]?.value, { n: 1 });
    });

    it('an empty batch returns an empty array', async (store) => {
      assert.deepEqual(await store.commitBatch([]), []);
    });
  });

  describe('contract: indexes', () => {
    it('lists entries in (sortKey, member) order with a maintained total', async (store, p) => {
      assertApplied(
        await store.commit({
          partition: p,
          now: T0,
          ops: [
            { type: 'indexPut', index: 'ix', member: 'm3', sortKey: '002', value: { n: 3 } },
            { type: 'indexPut', index: 'ix', member: 'm1', sortKey: '001' },
            { type: 'indexPut', index: 'ix', member: 'b', sortKey: '002', value: 'v' },
            { type: 'indexPut', index: 'ix', member: 'a', sortKey: '010' },
            { type: 'indexPut', index: 'other', member: 'z', sortKey: '' },
          ],
        }),
      );
      const all = await store.list({ partition: p, index: 'ix', offset: 0, count: 100 });
      assert.equal(all.total, 4);
      assert.deepEqual(
        all.items.map((e) => [e.sortKey, e.member, e.value]),
        [['001', 'm1', null], ['002', 'b', 'v'], ['002', 'm3', { n: 3 }], ['010', 'a', null]],
      );
      const page = await store.list({ partition: p, index: 'ix', offset: 1, count: 2 });
      assert.deepEqual(page.items.map((e) => e.member), ['b', 'm3']);
      assert.equal(page.total, 4);
      assert.deepEqual(await store.list({ partition: p, index: 'ix', offset: 4, count: 2 }), { items: [], total: 4 });
      assert.equal((await store.list({ partition: p, index: 'other', offset: 0, count: 1 })).total, 1);
    });

    it('orders sort keys by byte order (UTF-8), as Redis and SQLite do', async (store, p) => {
      const keys = ['b', 'a', 'B', 'ä', '\u{1F600}', '\uFFFD', '10', '9'];
      assertApplied(await store.commit({ partition: p, now: T0, ops: keys.map((k, i) => ({ type: 'indexPut' as const, index: 'ix', member: `m${i}`, sortKey: k })) }));
      const got = (await store.list({ partition: p, index: 'ix', offset: 0, count: 100 })).items.map((e) => e.sortKey);
      const bytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      assert.deepEqual(got, bytes);
    });

    it('re-putting a member moves it without growing the total; deleting shrinks it', async (store, p) => {
      const put = (member: string, sortKey: string) => ({ type: 'indexPut' as const, index: 'ix', member, sortKey });
      assertApplied(await store.commit({ partition: p, now: T0, ops: [put('x', '1'), put('y', '2'), put('z', '3')] }));
      assertApplied(await store.commit({ partition: p, now: T0, ops: [put('x', '9'), put('x', '9')] }));
      let l = await store.list({ partition: p, index: 'ix', offset: 0, count: 10 });
      assert.deepEqual(l.items.map((e) => e.member), ['y', 'z', 'x']);
      assert.equal(l.total, 3);
      assertApplied(
        await store.commit({ partition: p, now: T0, ops: [{ type: 'indexDelete', index: 'ix', member: 'y' }, { type: 'indexDelete', index: 'ix', member: 'nope' }] }),
      );
      l = await store.list({ partition: p, index: 'ix', offset: 0, count: 10 });
      assert.deepEqual(l.items.map((e) => e.member), ['z', 'x']);
      assert.equal(l.total, 2);
    });

    it('an index op in a refused commit is not applied', async (store, p) => {
      assertRefused(
        await store.commit({
          partition: p,
          now: T0,
          ops: [{ type: 'indexPut', index: 'ix', member: 'm', sortKey: 's' }, { type: 'add', key: 'c', by: 1, max: 0 }],
        }),
        'op',
        1,
      );
      assert.deepEqual(await store.list({ partition: p, index: 'ix', offset: 0, count: 10 }), { items: [], total: 0 });
    });

    it('lists an absent index as empty', async (store, p) => {
      assert.deepEqual(await store.list({ partition: p, index: 'none', offset: 0, count: 5 }), { items: [], total: 0 });
    });
  });

  describe('contract: scan and dropPartition', () => {
    it('scan enumerates every live record with the prefix, in bounded pages', async (store, p) => {
      const ops = [];
      for (let i = 0; i < 57; i++) ops.push({ type: 'put' as const, key: `t:${String(i).padStart(3, '0')}`, value: { i } });
      ops.push({ type: 'put' as const, key: 'u:1', value: {} }, { type: 'put' as const, key: 't:expired', value: {}, expiresAt: T0 + 1 });
      assertApplied(await store.commit({ partition: p, now: T0, ops }));
      const seen = new Set<string>();
      let cursor: string | null | undefined;
      let pages = 0;
      do {
        const page = await store.scan({ partition: p, prefix: 't:', limit: 10, now: T0 + 5, ...(cursor ? { cursor } : {}) });
        for (const { key, record } of page.records) {
          assert.ok(key.startsWith('t:'), `scan returned ${key} outside the prefix`);
          assert.ok(record.version >= 1);
          seen.add(key);
        }
        cursor = page.cursor;
        pages += 1;
        assert.ok(pages < 100, 'scan must terminate');
      } while (cursor !== null);
      assert.equal(seen.size, 57);
      assert.ok(!seen.has('t:expired'));
    });

    it('scan tolerates deleting what it returned between pages', async (store, p) => {
      const ops = [];
      for (let i = 0; i < 30; i++) ops.push({ type: 'put' as const, key: `k${i}`, value: {} });
      assertApplied(await store.commit({ partition: p, now: T0, ops }));
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { records: readonly { key: string }[]; cursor: string | null } = await store.scan({
          partition: p,
          limit: 7,
          now: T0,
          ...(cursor !== null ? { cursor } : {}),
        });
        for (const { key } of page.records) seen.add(key);
        if (page.records.length > 0) {
          assertApplied(await store.commit({ partition: p, now: T0, ops: page.records.map(({ key }) => ({ type: 'delete' as const, key })) }));
        }
        cursor = page.cursor;
        pages += 1;
        assert.ok(pages < 100, 'scan must terminate');
      } while (cursor !== null);
      assert.equal(seen.size, 30);
    });

    it('scan of an empty partition ends at once', async (store, p) => {
      assert.deepEqual(await store.scan({ partition: p, limit: 10, now: T0 }), { records: [], cursor: null });
    });

    it('dropPartition deletes records, counters and indexes in bounded steps', async (store, p) => {
      const ops = [];
      for (let i = 0; i < 40; i++) ops.push({ type: 'put' as const, key: `k${i}`, value: {} }, { type: 'add' as const, key: `c${i}`, by: 1 });
      for (let i = 0; i < 40; i++) ops.push({ type: 'indexPut' as const, index: 'ix', member: `m${i}`, sortKey: `${i}` });
      assertApplied(await store.commit({ partition: p, now: T0, ops }));
      let steps = 0;
      for (;;) {
        steps += 1;
        assert.ok(steps < 200, 'dropPartition must finish');
        if ((await store.dropPartition({ partition: p, limit: 25 })).done) break;
      }
      assert.ok(steps >= 2, 'a limit of 25 cannot drop 120 items in one step');
      const r = await store.read({ partition: p, records: ['k0', 'k39'], counters: ['c0'], now: T0 });
      assert.deepEqual(r, { records: [null, null], counters: [0] });
      assert.equal((await store.list({ partition: p, index: 'ix', offset: 0, count: 10 })).total, 0);
      assert.deepEqual(await store.dropPartition({ partition: p, limit: 10 }), { done: true });
    });

    it('dropPartition leaves other partitions alone', async (store, p) => {
      const q = freshPartition('q');
      await store.commitBatch([
        { partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] },
        { partition: q, now: T0, ops: [{ type: 'put', key: 'k', value: {} }] },
      ]);
      while (!(await store.dropPartition({ partition: p, limit: 100 })).done);
      assert.notEqual((await store.read({ partition: q, records: ['k'], now: T0 })).records[0], null);
    });
  });

  describe('contract: limits and malformed requests', () => {
    it('declares maxOpsPerCommit >= 64 and accepts a commit of that many ops (up to 2 000)', async (store, p) => {
      const n = store.limits.maxOpsPerCommit;
      assert.ok(Number.isInteger(n) && n >= 64);
      const size = Math.min(n, 2000);
      const ops = Array.from({ length: size }, (_, i) => ({ type: 'put' as const, key: `k${i}`, value: { i } }));
      assertApplied(await store.commit({ partition: p, now: T0, ops }));
      const r = await store.read({ partition: p, records: [`k${size - 1}`], now: T0 });
      assert.deepEqual(r.records[0]?.value, { i: size - 1 });
    });

    it('refuses a commit over maxOpsPerCommit by throwing, applying nothing', async (store, p) => {
      const n = store.limits.maxOpsPerCommit;
      const ops = Array.from({ length: n + 1 }, (_, i) => ({ type: 'add' as const, key: `c${i % 3}`, by: 1 }));
      await assert.rejects(store.commit({ partition: p, now: T0, ops }));
      assert.deepEqual((await store.read({ partition: p, counters: ['c0'], now: T0 })).counters, [0]);
    });

    it('throws for malformed requests instead of storing them', async (store, p) => {
      const bad: unknown[] = [
        { partition: '', now: T0, ops: [] },
        { partition: p, now: T0, ops: [{ type: 'put', key: '', value: {} }] },
        { partition: p, now: T0, ops: [{ type: 'explode', key: 'k' }] },
        { partition: p, now: T0, ops: [{ type: 'add', key: 'c', by: 1.5 }] },
        { partition: p, now: T0, ops: [{ type: 'put', key: 'k', value: 'not an object' }] },
        { partition: p, now: T0, checks: [{ type: 'version', key: 'k', version: -1 }], ops: [] },
        { partition: p, now: 'soon', ops: [] },
      ];
      for (const commit of bad) {
        await assert.rejects(store.commit(commit as never), Error, `should reject ${JSON.stringify(commit)}`);
      }
      await assert.rejects(store.list({ partition: p, index: 'ix', offset: -1, count: 1 }));
      await assert.rejects(store.list({ partition: p, index: 'ix', offset: 0, count: 0 }));
      await assert.rejects(store.read({ partition: p, records: [''], now: T0 }));
      const r = await store.read({ partition: p, records: ['k'], counters: ['c'], now: T0 });
      assert.deepEqual(r, { records: [null], counters: [0] });
    });
  });
}
