import assert from 'node:assert/strict';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { defineStore, type Bound, type Check, type Commit, type Fields, type Json, type Op, type Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { sqliteStore } from '@ntpass/store-sqlite';
import { openDatabase } from '../src/open-database.js';
import { sqliteDriver } from '../src/sqlite-driver.js';
import { tempFiles } from './fixtures/temp-files.js';

/*
 * Differential property test: random commit sequences (checks, every op,
 * bounds from fields, expiry, commit-id replays) applied to the SQLite store
 * and to the reference memory store must give the same results and leave the
 * same readable state.
 */

const files = tempFiles('differential');
afterAll(files.remove);

const STEP_MS = 1000;
const keys = fc.constantFrom('k1', 'k2', 'k3');
const fieldName = fc.constantFrom('f', 'g');
const json: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: -2, max: 6 }),
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom('x', 'y'),
  fc.constant([1, 'a']),
  fc.constant({ b: 1, a: [null] }),
);
const fields: fc.Arbitrary<Fields> = fc.dictionary(fieldName, json, { maxKeys: 2, noNullPrototype: true });
const boundPart = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.record({ key: keys, field: fieldName }));
const bound: fc.Arbitrary<Bound> = fc.oneof(boundPart, fc.array(boundPart, { minLength: 1, maxLength: 3 }));
// Expiry is relative to the commit's now; always in the future when written.
const lifetime = fc.option(fc.integer({ min: 1, max: 3 }).map((n) => n * STEP_MS - 1), { nil: undefined });

type RelOp = { op: Op; ttl?: number };
const op: fc.Arbitrary<RelOp> = fc.oneof(
  fc.record({ key: keys, value: fields, ttl: lifetime }).map(({ key, value, ttl }) => ({ op: { type: 'put', key, value }, ...(ttl === undefined ? {} : { ttl }) }) as RelOp),
  fc
    .record({ key: keys, set: fc.option(fields, { nil: undefined }), unset: fc.option(fc.array(fieldName, { maxLength: 2 }), { nil: undefined }) })
    .map(({ key, set, unset }) => ({ op: { type: 'patch', key, ...(set && { set }), ...(unset && { unset }) } }) as RelOp),
  keys.map((key) => ({ op: { type: 'delete', key } }) as RelOp),
  fc
    .record({
      key: fc.constantFrom('k1', 'k2'),
      by: fc.integer({ min: -2, max: 3 }),
      min: fc.option(bound, { nil: undefined }),
      max: fc.option(bound, { nil: undefined }),
      ttl: lifetime,
      refreshExpiry: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ key, by, min, max, ttl, refreshExpiry }) => ({
      op: { type: 'add', key, by, ...(min !== undefined && { min }), ...(max !== undefined && { max }), ...(refreshExpiry !== undefined && { refreshExpiry }) },
      ...(ttl === undefined ? {} : { ttl }),
    }) as RelOp),
  keys.map((key) => ({ op: { type: 'resetCounter', key } }) as RelOp),
  fc
    .record({ member: keys, sortKey: fc.constantFrom('', 'a', 'b', 'é'), value: fc.option(json, { nil: undefined }) })
    .map(({ member, sortKey, value }) => ({ op: { type: 'indexPut', index: 'i', member, sortKey, ...(value !== undefined && { value }) } }) as RelOp),
  keys.map((member) => ({ op: { type: 'indexDelete', index: 'i', member } }) as RelOp),
);
const check: fc.Arbitrary<Check> = fc.oneof(
  fc.record({ type: fc.constant('version' as const), key: keys, version: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ type: fc.constant('fields' as const), key: keys, equals: fields }),
);
const step = fc.record({
  partition: fc.constantFrom('p', 'q'),
  advance: fc.integer({ min: 0, max: 2 }),
  checks: fc.array(check, { maxLength: 2 }),
  ops: fc.array(op, { minLength: 1, maxLength: 5 }),
});

async function snapshot(store: Store, now: number) {
  const out: unknown[] = [];
  for (const partition of ['p', 'q']) {
    out.push(await store.read({ partition, now, records: ['k1', 'k2', 'k3'], counters: ['k1', 'k2', 'k3'] }));
    out.push(await store.list({ partition, index: 'i', offset: 0, count: 10 }));
    // The memory store leaves expiresAt out of scanned records; compare what both return.
    const scanned = await store.scan({ partition, limit: 10, now });
    out.push(scanned.records.map(({ key, record }) => [key, record.value, record.version]));
  }
  return out;
}

/** Random commit sequences on `store` and on `reference` give the same results and state. */
function agrees(makeStore: () => Store, makeReference: () => Store) {
  return fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
    const reference = makeReference();
    const store = makeStore();
    try {
      let now = 1_000_000;
      for (const s of steps) {
        now += s.advance * STEP_MS;
        const commit: Commit = {
          partition: s.partition,
          now,
          checks: s.checks,
          ops: s.ops.map(({ op: o, ttl }) => (ttl === undefined ? o : ({ ...o, expiresAt: now + ttl } as Op))),
        };
        assert.deepEqual(await store.commit(commit), await reference.commit(commit), JSON.stringify(commit));
        assert.deepEqual(await snapshot(store, now), await snapshot(reference, now));
      }
    } finally {
      await store.close();
      await reference.close();
    }
  });
}

/** As {@link agrees}, but every commit of a sequence is started in the same turn (one group commit on SQLite). */
function agreesStartedTogether(makeStore: () => Store, makeReference: () => Store) {
  return fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
    const reference = makeReference();
    const store = makeStore();
    try {
      let now = 1_000_000;
      const commits = steps.map((s): Commit => {
        now += s.advance * STEP_MS;
        const at = now;
        return { partition: s.partition, now: at, checks: s.checks, ops: s.ops.map(({ op: o, ttl }) => (ttl === undefined ? o : ({ ...o, expiresAt: at + ttl } as Op))) };
      });
      const together = await Promise.all(commits.map((c) => store.commit(c)));
      const oneByOne: unknown[] = [];
      for (const c of commits) oneByOne.push(await reference.commit(c));
      assert.deepEqual(together, oneByOne);
      assert.deepEqual(await snapshot(store, now), await snapshot(reference, now));
    } finally {
      await store.close();
      await reference.close();
    }
  });
}

/** The SQLite store without `rows`: every row read by its own statement, as in a long (bulk) commit. */
function perRowSqliteStore(filename: string): Store {
  const { db, owned, options, statements } = openDatabase({ filename }, {});
  const { rows: _oneStatement, ...driver } = sqliteDriver(db, statements, options.maxOpsPerCommit, owned);
  return defineStore(driver, { name: 'sqliteStore' });
}

describe('sqliteStore matches the memory store', () => {
  it('gives the same results and state for random commit sequences', async () => {
    await fc.assert(agrees(() => sqliteStore({ filename: files.next() }), memoryStore), { numRuns: 200 });
  });

  it("reads a small commit's rows in one statement with the same outcome as one statement per row", async () => {
    await fc.assert(agrees(() => sqliteStore({ filename: files.next() }), () => perRowSqliteStore(files.next())), { numRuns: 100 });
  });

  it('applies commits started together (one group commit) as the memory store applies them one by one', async () => {
    await fc.assert(agreesStartedTogether(() => sqliteStore({ filename: files.next() }), memoryStore), { numRuns: 100 });
  });
});
