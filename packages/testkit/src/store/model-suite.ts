import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Check, CommitResult, Fields, Op, Store } from '@ntpass/core';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';
import { freshPartition, T0 } from './fixtures.js';

/**
 * Model-based property tests: random sequences of commits, reads and lists
 * against a real store and against a tiny Map-based reference model; after
 * every step the two must agree.
 */

const KEYS = ['a', 'b', 'c'] as const;
const COUNTERS = ['x', 'y'] as const;
const MEMBERS = ['m1', 'm2', 'm3', 'm4'] as const;

interface ModelRecord {
  value: Fields;
  version: number;
}

interface Model {
  records: Map<string, ModelRecord>;
  /** Highest version ever seen per key: versions must never be reused. */
  highest: Map<string, number>;
  counters: Map<string, number>;
  index: Map<string, { sortKey: string; value: number | null }>;
}

interface Real {
  store: Store;
  partition: string;
}

type Cmd = fc.AsyncCommand<Model, Real>;

const keyArb = fc.constantFrom(...KEYS);
const counterArb = fc.constantFrom(...COUNTERS);
const valueArb = fc.record({ n: fc.integer({ min: 0, max: 3 }), s: fc.constantFrom('p', 'q') }, { requiredKeys: ['n'], noNullPrototype: true });

function expectOutcome(result: CommitResult, refusal: { at: 'check' | 'op'; index: number } | null): void {
  if (refusal) assert.deepEqual(result, { ok: false, ...refusal });
  else assert.equal(result.ok, true, `expected the commit to apply: ${JSON.stringify(result)}`);
}

/** Applies `ops` to a copy of the model; returns the refusal the store must report, or the new model state. */
function simulate(m: Model, checks: readonly Check[], ops: readonly Op[]): { refusal: { at: 'check' | 'op'; index: number } } | { next: Model } {
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    const r = m.records.get(c.key);
    const pass =
      c.type === 'version'
        ? (r?.version ?? 0) === c.version
        : r !== undefined && Object.entries(c.equals).every(([f, v]) => (v === null ? r.value[f] === undefined || r.value[f] === null : r.value[f] === v));
    if (!pass) return { refusal: { at: 'check', index: i } };
  }
  const next: Model = { records: new Map(m.records), highest: new Map(m.highest), counters: new Map(m.counters), index: new Map(m.index) };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.type === 'put') next.records.set(op.key, { value: op.value, version: -1 });
    else if (op.type === 'patch') {
      const r = next.records.get(op.key);
      if (!r) return { refusal: { at: 'op', index: i } };
      next.records.set(op.key, { value: { ...r.value, ...op.set }, version: -1 });
    } else if (op.type === 'delete') next.records.delete(op.key);
    else if (op.type === 'add') {
      const v = (next.counters.get(op.key) ?? 0) + op.by;
      const bound = op.max;
      let max: number | undefined;
      if (typeof bound === 'number') max = bound;
      else if (bound && !Array.isArray(bound)) {
        const ref = bound as { key: string; field: string };
        const f = next.records.get(ref.key)?.value[ref.field];
        max = typeof f === 'number' ? f : undefined;
      }
      if (max !== undefined && v > max) return { refusal: { at: 'op', index: i } };
      next.counters.set(op.key, v);
    } else if (op.type === 'indexPut') next.index.set(op.member, { sortKey: op.sortKey, value: (op.value as number | undefined) ?? null });
    else if (op.type === 'indexDelete') next.index.delete(op.member);
  }
  return { next };
}

/** One command that sends a commit and checks the outcome and the versions it returns. */
function commitCommand(label: string, build: (m: Model) => { checks: Check[]; ops: Op[] }): Cmd {
  return {
    check: () => true,
    async run(m, r) {
      const { checks, ops } = build(m);
      const sim = simulate(m, checks, ops);
      const result = await r.store.commit({ partition: r.partition, now: T0, checks, ops });
      if ('refusal' in sim) {
        expectOutcome(result, sim.refusal);
        return;
      }
      expectOutcome(result, null);
      if (!result.ok) return;
      for (const [key, rec] of sim.next.records) {
        if (rec.version !== -1) continue;
        const v = result.versions[key];
        assert.ok(typeof v === 'number', `${label}: a version for ${key}`);
        assert.ok(v > (m.highest.get(key) ?? 0), `${label}: version ${v} of ${key} must exceed every earlier one`);
        rec.version = v;
        sim.next.highest.set(key, v);
      }
      for (const op of ops) if (op.type === 'add') assert.equal(result.counters[op.key], sim.next.counters.get(op.key));
      m.records = sim.next.records;
      m.highest = sim.next.highest;
      m.counters = sim.next.counters;
      m.index = sim.next.index;
    },
    toString: () => label,
  };
}

const commands = [
  fc.tuple(keyArb, valueArb).map(([key, value]) => commitCommand(`put(${key},${JSON.stringify(value)})`, () => ({ checks: [], ops: [{ type: 'put', key, value }] }))),
  fc.tuple(keyArb, valueArb).map(([key, set]) => commitCommand(`patch(${key})`, () => ({ checks: [], ops: [{ type: 'patch', key, set }] }))),
  keyArb.map((key) => commitCommand(`delete(${key})`, () => ({ checks: [], ops: [{ type: 'delete', key }] }))),
  fc.tuple(counterArb, fc.integer({ min: -2, max: 3 }), fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined })).map(([key, by, max]) =>
    commitCommand(`add(${key},${by},max=${max})`, () => ({ checks: [], ops: [max === undefined ? { type: 'add', key, by } : { type: 'add', key, by, max }] })),
  ),
  fc.tuple(counterArb, keyArb).map(([key, ref]) =>
    commitCommand(`add(${key},1,max=${ref}.n)`, () => ({ checks: [], ops: [{ type: 'add', key, by: 1, max: { key: ref, field: 'n' } }] })),
  ),
  fc.tuple(keyArb, fc.boolean(), valueArb, counterArb).map(([key, stale, value, counter]) =>
    commitCommand(`guardedPut(${key},stale=${stale})`, (m) => {
      const current = m.records.get(key)?.version ?? 0;
      return {
        checks: [{ type: 'version', key, version: stale ? current + 1 : current }],
        ops: [{ type: 'put', key, value }, { type: 'add', key: counter, by: 1 }],
      };
    }),
  ),
  fc.tuple(keyArb, fc.constantFrom('p', 'q', null), counterArb).map(([key, s, counter]) =>
    commitCommand(`fieldsCheck(${key},s=${s})`, () => ({ checks: [{ type: 'fields', key, equals: { s } }], ops: [{ type: 'add', key: counter, by: 1 }] })),
  ),
  fc.tuple(fc.constantFrom(...MEMBERS), fc.constantFrom('1', '2', '3'), fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined })).map(
    ([member, sortKey, value]) =>
      commitCommand(`indexPut(${member},${sortKey})`, () => ({
        checks: [],
        ops: [value === undefined ? { type: 'indexPut', index: 'ix', member, sortKey } : { type: 'indexPut', index: 'ix', member, sortKey, value }],
      })),
  ),
  fc.constantFrom(...MEMBERS).map((member) => commitCommand(`indexDelete(${member})`, () => ({ checks: [], ops: [{ type: 'indexDelete', index: 'ix', member }] }))),
  fc.constant<Cmd>({
    check: () => true,
    async run(m, r) {
      const got = await r.store.read({ partition: r.partition, records: [...KEYS], counters: [...COUNTERS], now: T0 });
      assert.deepEqual(
        got.records.map((x) => (x ? { value: x.value, version: x.version } : null)),
        KEYS.map((k) => m.records.get(k) ?? null),
      );
      assert.deepEqual(got.counters, COUNTERS.map((k) => m.counters.get(k) ?? 0));
    },
    toString: () => 'read',
  }),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 })).map(
    ([offset, count]): Cmd => ({
      check: () => true,
      async run(m, r) {
        const got = await r.store.list({ partition: r.partition, index: 'ix', offset, count });
        const sorted = [...m.index.entries()]
          .map(([member, e]) => ({ member, sortKey: e.sortKey, value: e.value }))
          .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.member < b.member ? -1 : 1));
        assert.equal(got.total, sorted.length);
        assert.deepEqual(got.items.map((e) => ({ member: e.member, sortKey: e.sortKey, value: e.value })), sorted.slice(offset, offset + count));
      },
      toString: () => `list(${offset},${count})`,
    }),
  ),
];

export function registerModelSuite(target: ConformanceTarget, runner: TestRunner): void {
  runner.describe('model-based', () => {
    runner.it(
      'random commits, reads and lists agree with a reference model',
      () =>
        withStore(target, async (store) => {
          await fc.assert(
            fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
              const setup = () => ({
                model: { records: new Map(), highest: new Map(), counters: new Map(), index: new Map() } satisfies Model,
                real: { store, partition: freshPartition('model') } satisfies Real,
              });
              await fc.asyncModelRun(setup, cmds);
            }),
            { numRuns: 60 },
          );
        }),
      120_000,
    );

    runner.it(
      'concurrent random adds against a bound match the sequential count',
      () =>
        withStore(target, async (store) => {
          await fc.assert(
            fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 40 }), async (adds, max) => {
              const partition = freshPartition('race');
              const results = await Promise.all(adds.map((by) => store.commit({ partition, now: T0, ops: [{ type: 'add', key: 'c', by, max }] })));
              const total = adds.reduce((sum, by, i) => (results[i]!.ok ? sum + by : sum), 0);
              assert.ok(total <= max, `applied adds sum ${total} past max ${max}`);
              const final = (await store.read({ partition, counters: ['c'], now: T0 })).counters[0];
              assert.equal(final, total);
              // Counts only grow, so an add refused at any moment would still overflow at the end:
              // a store that refuses an add that fitted fails here.
              for (let i = 0; i < adds.length; i++) {
                if (!results[i]!.ok) assert.ok(total + adds[i]! > max, `add ${adds[i]} refused though ${total}+${adds[i]} <= ${max}`);
              }
            }),
            { numRuns: 40 },
          );
        }),
      120_000,
    );
  });
}
