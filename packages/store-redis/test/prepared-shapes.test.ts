import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bound, Check, Commit, CommitResult, Fields, Json, Op, Store } from '@ntpass/core';
import { encodePrepared, type ShapeToken } from '../src/commit-shape.js';
import { JOIN_MAX } from '../src/join-commits.js';
import { compileShape } from '../src/lua/compile-shape.js';
import { redisStoreWith } from '../src/redis-store.js';
import { useTestRedis } from './support/test-redis.js';

/*
 * Prepared shapes against the generic interpreter: the same commits on two
 * stores of one Redis (each under its own prefix), one running every commit
 * through the generic script and one through scripts generated per shape,
 * must give the same results and leave the same data.
 */

const redis = useTestRedis();
let stores = 0;
const pair = () => {
  const prefix = `${redis.prefix}${stores++}:`;
  return {
    prefix,
    generic: redisStoreWith({ client: redis.client, prefix: `${prefix}g:` }, { preparedShapes: false, joinCommits: false }),
    prepared: redisStoreWith({ client: redis.client, prefix: `${prefix}p:` }, { preparedShapes: true, joinCommits: true }),
  };
};

/** A commit's shape tokens. */
const shapeOf = (commit: Commit): ShapeToken[] => {
  const tokens: ShapeToken[] = [];
  encodePrepared(commit, 0, tokens);
  return tokens;
};

// Versions differ between the two stores (each sequence starts at Redis's clock): compare which keys got one.
const comparable = (r: CommitResult) => (r.ok ? { ok: true, counters: r.counters, versions: Object.keys(r.versions).sort() } : r);

const RECORDS = ['a', 'b', 'cap'] as const;
const COUNTERS = ['x', 'y'] as const;
const NAMES = ['f', 'g', 'cap'] as const;

/** Everything a partition holds, versions as presence only. */
async function snapshot(store: Store, partition: string, now: number) {
  const read = await store.read({ partition, records: [...RECORDS], counters: [...COUNTERS], now });
  const list = await store.list({ partition, index: 'ix', offset: 0, count: 100 });
  return {
    records: read.records.map((r) => (r === null ? null : { value: r.value, expiresAt: r.expiresAt })),
    counters: read.counters,
    list,
  };
}

/**
 * Both stores of a pair hold the same data in `partition`: what reads show now and later (records by
 * presence of a version), counters as stored (value and expiry), and a reclaim TTL on both or neither.
 */
async function expectSameData(two: { prefix: string; generic: Store; prepared: Store }, partition: string, now: number): Promise<void> {
  for (const later of [0, 3, 7]) expect(await snapshot(two.prepared, partition, now + later)).toEqual(await snapshot(two.generic, partition, now + later));
  const hash = (which: string) => `${two.prefix}${which}:{${partition}}:h`;
  const raw = (which: string) => redis.client.hmget(hash(which), ...COUNTERS.map((c) => `\u0000c${c}`));
  expect(await raw('p')).toEqual(await raw('g'));
  const ttl = async (which: string) => (await redis.client.pttl(hash(which))) > 0;
  expect(await ttl('p')).toBe(await ttl('g'));
}

async function versionOf(store: Store, partition: string, key: string, now: number): Promise<number> {
  const read = await store.read({ partition, records: [key], now });
  return read.records[0]?.version ?? 0;
}

/** A version check is generated as an intent, resolved per store: its current version, 0, or a wrong one. */
type VersionIntent = { type: 'version'; key: string; intent: 'current' | 'zero' | 'wrong' };
type CheckTemplate = VersionIntent | Extract<Check, { type: 'fields' }>;

async function resolve(store: Store, partition: string, now: number, checks: readonly CheckTemplate[]): Promise<Check[]> {
  const out: Check[] = [];
  for (const c of checks) {
    if (c.type === 'fields') out.push(c);
    else {
      const current = await versionOf(store, partition, c.key, now);
      out.push({ type: 'version', key: c.key, version: c.intent === 'current' ? current : c.intent === 'zero' ? 0 : current + 7 });
    }
  }
  return out;
}

const value: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(1, 's'),
  fc.integer({ min: -3, max: 5 }),
  fc.constantFrom('s', 'é', '', 'a"b'),
  fc.boolean(),
  fc.record({ k: fc.integer({ min: 0, max: 2 }), l: fc.constantFrom('x', 'y') }),
);
const fields: fc.Arbitrary<Fields> = fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 3 });
const record = fc.constantFrom(...RECORDS);
const counter = fc.constantFrom(...COUNTERS);
const expiry = fc.option(fc.integer({ min: -2, max: 6 }), { nil: undefined });
const boundPart = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.record({ key: record, field: fc.constantFrom(...NAMES) }));
const bound: fc.Arbitrary<Bound | undefined> = fc.option(fc.oneof(boundPart, fc.array(boundPart, { minLength: 1, maxLength: 3 })), { nil: undefined, freq: 2 });

const check: fc.Arbitrary<CheckTemplate> = fc.oneof(
  fc.record({ type: fc.constant('version' as const), key: record, intent: fc.constantFrom('current' as const, 'current' as const, 'zero' as const, 'wrong' as const) }),
  fc.record({ type: fc.constant('fields' as const), key: record, equals: fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(null, 1, 's'), { maxKeys: 2 }) }),
);

/** An op whose expiries are offsets from the commit's `now`. */
type OpTemplate = (now: number) => Op;
const op: fc.Arbitrary<OpTemplate> = fc.oneof(
  fc.tuple(record, fields, expiry).map(([key, v, e]) => (now: number): Op => ({ type: 'put', key, value: v, ...(e === undefined ? {} : { expiresAt: now + e }) })),
  fc
    .tuple(record, fields, fc.subarray([...NAMES]))
    .map(([key, set, unset]) => (): Op => ({ type: 'patch', key, set, ...(unset.length > 0 ? { unset } : {}) })),
  record.map((key) => (): Op => ({ type: 'delete', key })),
  fc
    .tuple(counter, fc.integer({ min: -3, max: 3 }), bound, bound, expiry, fc.boolean())
    .map(([key, by, min, max, e, refresh]) => (now: number): Op => ({
      type: 'add',
      key,
      by,
      ...(min === undefined ? {} : { min }),
      ...(max === undefined ? {} : { max }),
      ...(e === undefined ? {} : { expiresAt: now + e }),
      ...(refresh ? { refreshExpiry: true } : {}),
    })),
  counter.map((key) => (): Op => ({ type: 'resetCounter', key })),
  fc
    .tuple(fc.constantFrom('m1', 'm2', 'm3'), fc.constantFrom('k1', 'k2', 'k\u0000'), fc.option(value, { nil: undefined }))
    .map(([member, sortKey, v]) => (): Op => ({ type: 'indexPut', index: 'ix', member, sortKey, ...(v === undefined ? {} : { value: v }) })),
  fc.constantFrom('m1', 'm2', 'm3').map((member) => (): Op => ({ type: 'indexDelete', index: 'ix', member })),
);
// Most commits must apply for the writes to be compared: checks are rare and
// match often (few values), bounds are often absent.
const checks = fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(check, { minLength: 1, maxLength: 2 }), weight: 2 });
const step = fc.record({ advance: fc.integer({ min: 0, max: 3 }), checks, ops: fc.array(op, { minLength: 1, maxLength: 5 }) });

describe('prepared commit shapes', () => {
  it('compile a shape once and reuse it for every commit of that shape', async () => {
    const { prepared } = pair();
    const now = Date.now();
    const redeem = (user: string, email: string | null): Commit => ({
      partition: 'p',
      now,
      checks: [
        { type: 'version', key: 'inst', version: 0 },
        { type: 'fields', key: `t:${user}`, equals: { email, revoked: null } },
      ],
      ops: [
        { type: 'add', key: `r:${user}`, by: 1, max: [{ key: `t:${user}`, field: 'cap' }, 3] },
        { type: 'add', key: 'redemptions', by: 1 },
      ],
    });
    await prepared.commit({ partition: 'p', now, ops: [{ type: 'put', key: 't:u1', value: { cap: 2 } }, { type: 'put', key: 't:u2', value: { cap: 2, email: 'e' } }] });
    expect(prepared.shapes).toBe(1);
    const results = [];
    for (const [user, email] of [['u1', null], ['u2', 'e'], ['u1', null], ['u1', null], ['u3', null]] as const) results.push(await prepared.commit(redeem(user, email)));
    // Two shapes: an expected null is part of a shape, an expected email hash a value.
    expect(prepared.shapes).toBe(3);
    expect(results.map((r) => (r.ok ? r.counters : r))).toEqual([
      { 'r:u1': 1, redemptions: 1 },
      { 'r:u2': 1, redemptions: 2 },
      { 'r:u1': 2, redemptions: 3 },
      { ok: false, at: 'op', index: 0 }, // cap 2 reached
      { ok: false, at: 'check', index: 1 }, // no ticket
    ]);
    // One shape, one token sequence, whatever the keys and values.
    expect(shapeOf(redeem('u1', null))).toEqual(shapeOf(redeem('other', null)));
    expect(shapeOf(redeem('u1', 'e'))).toEqual(shapeOf(redeem('other', 'x')));
    expect(shapeOf(redeem('u1', 'e'))).not.toEqual(shapeOf(redeem('u1', null)));
  });

  it('name a shape by its tokens exactly: equal tokens, equal script; other tokens, another script', () => {
    // A small space (so that many commits share a shape), with names that look like the structure around them.
    const name = fc.constantFrom('f', ']', '-1');
    const key = fc.constantFrom('a', ';');
    const commitOf = fc
      .tuple(
        fc.array(
          fc.oneof(
            fc.record({ type: fc.constant('version' as const), key, version: fc.constant(1) }),
            fc.record({ type: fc.constant('fields' as const), key, equals: fc.dictionary(name, fc.constantFrom(null, 1), { maxKeys: 1 }) }),
          ),
          { maxLength: 1 },
        ),
        fc.array(
          fc.oneof(
            fc.record({ type: fc.constant('put' as const), key, value: fc.dictionary(name, fc.constant(1), { maxKeys: 1 }) }),
            fc.record({ type: fc.constant('patch' as const), key, set: fc.dictionary(name, fc.constant(1), { maxKeys: 1 }), unset: fc.subarray([']', 'f']) }),
            fc.record({ type: fc.constant('delete' as const), key }),
            fc.record({ type: fc.constant('resetCounter' as const), key }),
            fc.record({ type: fc.constant('add' as const), key, by: fc.constant(1), max: fc.oneof(fc.constant(3), fc.array(fc.oneof(fc.constant(2), fc.record({ key, field: name })), { minLength: 1, maxLength: 2 })) }),
            fc.record({ type: fc.constant('add' as const), key, by: fc.constant(1) }),
          ),
          { minLength: 1, maxLength: 2 },
        ),
      )
      .map(([checks, ops]): Commit => ({ partition: 'p', now: 1, checks, ops }));
    fc.assert(
      fc.property(fc.array(commitOf, { minLength: 30, maxLength: 30 }), (commits) => {
        const shapes = commits.map((c) => JSON.stringify(shapeOf(c)));
        const scripts = commits.map((c) => JSON.stringify(compileShape(c)));
        for (let i = 0; i < commits.length; i++) {
          for (let j = i + 1; j < commits.length; j++) expect(shapes[i] === shapes[j]).toBe(scripts[i] === scripts[j]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leave bulk-sized commits to the generic script', async () => {
    const { prepared } = pair();
    const ops: Op[] = Array.from({ length: 40 }, (_, i) => ({ type: 'put', key: `k${i}`, value: { i } }));
    const result = await prepared.commit({ partition: 'p', now: Date.now(), ops });
    expect(result.ok).toBe(true);
    expect(prepared.shapes).toBe(0);
  });

  it('agree with the generic script on expired records, refused bounds and null field checks', async () => {
    const { generic, prepared } = pair();
    const now = Date.now();
    const cases: Commit[] = [
      { partition: 'q', now, ops: [{ type: 'put', key: 'a', value: { cap: 2, f: null }, expiresAt: now + 5 }, { type: 'add', key: 'x', by: 1, expiresAt: now + 5 }] },
      // f is null, g absent: both match an expected null.
      { partition: 'q', now, checks: [{ type: 'fields', key: 'a', equals: { f: null, g: null } }], ops: [{ type: 'add', key: 'x', by: 1, max: { key: 'a', field: 'cap' } }] },
      // Refused bound: x is 2 and cap 2.
      { partition: 'q', now: now + 1, checks: [{ type: 'fields', key: 'a', equals: { cap: 2 } }], ops: [{ type: 'add', key: 'x', by: 1, max: [{ key: 'a', field: 'cap' }, 9] }] },
      // Expired: the record is absent (the check refuses), and the counter starts again from 0 with no bound.
      { partition: 'q', now: now + 5, checks: [{ type: 'fields', key: 'a', equals: {} }], ops: [{ type: 'delete', key: 'a' }] },
      { partition: 'q', now: now + 5, checks: [{ type: 'version', key: 'a', version: 0 }], ops: [{ type: 'add', key: 'x', by: 2, max: { key: 'a', field: 'cap' } }, { type: 'patch', key: 'a', set: { f: 1 } }] },
      { partition: 'q', now: now + 5, ops: [{ type: 'add', key: 'x', by: 2, max: { key: 'a', field: 'cap' } }, { type: 'put', key: 'a', value: { cap: 5 } }, { type: 'add', key: 'x', by: 3, max: { key: 'a', field: 'cap' } }] },
    ];
    const expected: unknown[] = [];
    for (const c of cases) {
      const g = comparable(await generic.commit(c));
      expect(comparable(await prepared.commit(c))).toEqual(g);
      expected.push(g);
    }
    expect(expected).toMatchObject([{ ok: true }, { ok: true, counters: { x: 2 } }, { ok: false, at: 'op', index: 0 }, { ok: false, at: 'check', index: 0 }, { ok: false, at: 'op', index: 1 }, { ok: true, counters: { x: 5 } }]);
    expect(await snapshot(prepared, 'q', now + 5)).toEqual(await snapshot(generic, 'q', now + 5));
  });

  it('agree with the generic script on random commits (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const two = pair();
        const { generic, prepared } = two;
        const partition = `r${run++}`;
        let now = Date.now();
        for (const s of steps) {
          now += s.advance;
          const ops = s.ops.map((o) => o(now));
          const g = await generic.commit({ partition, now, checks: await resolve(generic, partition, now, s.checks), ops });
          const p = await prepared.commit({ partition, now, checks: await resolve(prepared, partition, now, s.checks), ops });
          expect(comparable(p)).toEqual(comparable(g));
        }
        await expectSameData(two, partition, now);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('joined in one turn, agree with the generic script run one commit after another (property)', async () => {
    let run = 0;
    await fc.assert(
      // Copies of one commit: one shape, so the turn's commits join in call order (groups of JOIN_MAX).
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), fc.integer({ min: 2, max: 2 * JOIN_MAX + 3 }), async (steps, copies) => {
        const two = pair();
        const { generic, prepared } = two;
        const partition = `j${run++}`;
        let now = Date.now();
        for (const s of steps) {
          now += s.advance;
          const ops = s.ops.map((o) => o(now));
          const g: CommitResult[] = [];
          const gChecks = await resolve(generic, partition, now, s.checks);
          for (let i = 0; i < copies; i++) g.push(await generic.commit({ partition, now, checks: gChecks, ops }));
          const pChecks = await resolve(prepared, partition, now, s.checks);
          const p = await Promise.all(Array.from({ length: copies }, () => prepared.commit({ partition, now, checks: pChecks, ops })));
          expect(p.map(comparable)).toEqual(g.map(comparable));
        }
        await expectSameData(two, partition, now);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
