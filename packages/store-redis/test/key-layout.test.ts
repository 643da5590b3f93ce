import { describe, expect, it } from 'vitest';
import type { Commit, Op, Store } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { redisStoreWith } from '../src/redis-store.js';
import { useTestRedis } from './support/test-redis.js';

// What the README promises about keys and reclaim, checked on a real Redis.

const T0 = Date.UTC(2030, 0, 1);
const applied = async (store: Store, commit: Commit) => {
  const r = await store.commit(commit);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r;
};

describe('key layout and reclaim', () => {
  const redis = useTestRedis();
  let n = 0;
  const fresh = (options: { reclaimGraceMs?: number } = {}) => {
    const prefix = `${redis.prefix}${n++}:`;
    return { prefix, store: redisStore({ client: redis.client, prefix, ...options }) };
  };
  // The partitions' keys; the prefix's layout marker (`<prefix>layout`) has its own test.
  const keysOf = async (prefix: string) => (await redis.client.keys(`${prefix}*`)).filter((k) => k !== `${prefix}layout`).sort();

  it('keeps every key of a partition under <prefix>{<partition>}, so one Cluster slot', async () => {
    const { prefix, store } = fresh();
    await applied(store, {
      partition: 'ntp:t1:QOTP1',
      now: T0,
      ops: [
        { type: 'put', key: 'inst', value: { a: 1 } },
        { type: 'add', key: 'issued', by: 1 },
        { type: 'indexPut', index: 'tickets', member: 'm', sortKey: 's' },
      ],
    });
    const base = `${prefix}{ntp:t1:QOTP1}`;
    // No key per commit: nothing is remembered of an applied commit.
    expect(await keysOf(prefix)).toEqual([`${base}:h`, `${base}:i`, `${base}:x:tickets`, `${base}:y:tickets`]);
  });

  it.each([true, false])('keeps records and counters of the same name apart in their shared hash, NUL-led keys included (prepared shapes: %s)', async (preparedShapes) => {
    const store = redisStoreWith({ client: redis.client, prefix: `${redis.prefix}${n++}:` }, { preparedShapes, joinCommits: preparedShapes });
    const names = ['x', '\u0000cx', '\u0000rx', '\u0000', 'c'];
    for (const keys of [names.slice(0, 2), names]) {
      await applied(store, { partition: 'ns', now: T0, ops: keys.flatMap((key): Op[] => [{ type: 'put', key, value: { key } }, { type: 'add', key, by: 1 }]) });
    }
    const read = await store.read({ partition: 'ns', records: names, counters: names, now: T0 });
    expect(read.records.map((r) => r?.value)).toEqual(names.map((key) => ({ key })));
    expect(read.counters).toEqual([2, 2, 1, 1, 1]);
    const scan = await store.scan({ partition: 'ns', limit: 100, now: T0 });
    expect(scan.records.map((r) => r.key).sort()).toEqual([...names].sort());
    const prefixed = await store.scan({ partition: 'ns', prefix: '\u0000', limit: 100, now: T0 });
    expect(prefixed.records.map((r) => r.key).sort()).toEqual(['\u0000', '\u0000cx', '\u0000rx']);
    const r = await applied(store, { partition: 'ns', now: T0, ops: [{ type: 'put', key: '\u0000cx', value: {} }, { type: 'add', key: '\u0000cx', by: 1 }] });
    expect(Object.keys(r.versions)).toEqual(['\u0000cx']);
    expect(r.counters).toEqual({ '\u0000cx': 3 });
    // Dropping empties the one hash.
    while (!(await store.dropPartition({ partition: 'ns', limit: 3 })).done);
    expect(await store.read({ partition: 'ns', records: names, counters: names, now: T0 })).toEqual({ records: names.map(() => null), counters: names.map(() => 0) });
  });

  it('lets Redis reclaim a partition that holds only expiring items, and no other', async () => {
    const { prefix, store } = fresh({ reclaimGraceMs: 60_000 });
    const base = `${prefix}{throttle}`;
    await applied(store, { partition: 'throttle', now: T0, ops: [{ type: 'add', key: 'fails', by: 1, expiresAt: T0 + 10_000 }] });
    const ttl = await redis.client.pttl(`${base}:h`);
    // Reclaim comes after the item's own time left (10 s) plus the grace (60 s).
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(70_000);

    // A record without expiry makes the whole partition permanent again.
    await applied(store, { partition: 'throttle', now: T0, ops: [{ type: 'put', key: 'note', value: {} }] });
    expect(await redis.client.pttl(`${base}:h`)).toBe(-1);

    // Deleting it leaves only expiring items: reclaimable again.
    await applied(store, { partition: 'throttle', now: T0, ops: [{ type: 'delete', key: 'note' }] });
    expect(await redis.client.pttl(`${base}:h`)).toBeGreaterThan(60_000);

    // Index entries never expire: a partition with one is never reclaimed.
    await applied(store, { partition: 'throttle', now: T0, ops: [{ type: 'indexPut', index: 'ix', member: 'm', sortKey: '' }] });
    expect(await redis.client.pttl(`${base}:h`)).toBe(-1);
  });

  it('starts versions above those of a partition Redis reclaimed, so none is reused', async () => {
    const { prefix, store } = fresh({ reclaimGraceMs: 0 });
    const put = (now: number) =>
      applied(store, { partition: 'lease', now, ops: [{ type: 'put', key: 'c', value: {}, expiresAt: now + 30 }] }).then((r) => r.versions['c']!);
    const v1 = await put(T0);
    for (let i = 0; i < 200 && (await redis.client.exists(`${prefix}{lease}:h`)) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await keysOf(prefix)).toEqual([]);
    const v2 = await put(T0 + 100);
    expect(v2).toBeGreaterThan(v1);
  });

  it('stores numbers and versions without rounding', async () => {
    const { store } = fresh();
    const value = { third: 0.1 + 0.2, max: Number.MAX_SAFE_INTEGER, min: Number.MIN_SAFE_INTEGER, tiny: 5e-324, e: 1e21 };
    const r = await applied(store, {
      partition: 'p',
      now: T0,
      ops: [
        { type: 'put', key: 'k', value, expiresAt: 8_000_000_000_000 },
        { type: 'add', key: 'c', by: Number.MAX_SAFE_INTEGER - 1 },
        { type: 'patch', key: 'k', set: { added: 1.5 } },
      ],
    });
    expect(r.counters['c']).toBe(Number.MAX_SAFE_INTEGER - 1);
    const read = await store.read({ partition: 'p', records: ['k'], counters: ['c'], now: T0 });
    expect(read.records[0]).toEqual({ value: { ...value, added: 1.5 }, version: r.versions['k'], expiresAt: 8_000_000_000_000 });
    expect(Number.isSafeInteger(read.records[0]!.version)).toBe(true);
    expect(read.counters).toEqual([Number.MAX_SAFE_INTEGER - 1]);
  });

  it('keeps sort keys and members with NUL bytes apart and in byte order', async () => {
    const { store } = fresh();
    const entries = [
      ['a', '\0z'],
      ['a\0', 'z'],
      ['a\0\0', ''],
      ['', 'x'],
      ['a', ''],
    ] as const;
    await applied(store, {
      partition: 'p',
      now: T0,
      ops: entries.map(([sortKey, member], i) => ({ type: 'indexPut', index: 'ix', member: member || `m${i}`, sortKey, value: i })),
    });
    const l = await store.list({ partition: 'p', index: 'ix', offset: 0, count: 10 });
    expect(l.total).toBe(5);
    expect(l.items.map((e) => [e.sortKey, e.member, e.value])).toEqual([
      ['', 'x', 3],
      ['a', '\0z', 0],
      ['a', 'm4', 4],
      ['a\0', 'z', 1],
      ['a\0\0', 'm2', 2],
    ]);
  });

  it('drops a large partition in steps of exactly the limit', async () => {
    const { prefix, store } = fresh();
    const ops: Op[] = [];
    for (let i = 0; i < 1000; i++) ops.push({ type: 'put', key: `t:${i}`, value: { i } });
    await applied(store, { partition: 'big', now: T0, ops });
    await applied(store, {
      partition: 'big',
      now: T0,
      ops: Array.from({ length: 500 }, (_, i): Op => ({ type: 'indexPut', index: 'tickets', member: `t:${i}`, sortKey: String(i).padStart(4, '0') })),
    });
    const sizes: number[] = [];
    for (;;) {
      const { done } = await store.dropPartition({ partition: 'big', limit: 300 });
      const records = (await redis.client.hlen(`${prefix}{big}:h`)) - (await redis.client.hexists(`${prefix}{big}:h`, ''));
      sizes.push(records + (await redis.client.zcard(`${prefix}{big}:x:tickets`)));
      if (done) break;
      expect(sizes.length).toBeLessThan(20);
    }
    expect(sizes).toEqual([1200, 900, 600, 300, 0]);
    expect(await keysOf(prefix)).toEqual([]);
  });

  it('scans a large partition in bounded pages with an HSCAN cursor', async () => {
    const { store } = fresh();
    const ops: Op[] = [];
    for (let i = 0; i < 1000; i++) ops.push({ type: 'put', key: i % 2 ? `t:${i}` : `u:${i}`, value: { i } });
    await applied(store, { partition: 'big', now: T0, ops });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<Store['scan']>> = await store.scan({ partition: 'big', prefix: 't:', limit: 100, now: T0, ...(cursor ? { cursor } : {}) });
      expect(page.records.length).toBeLessThanOrEqual(200);
      for (const { key } of page.records) seen.add(key);
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen.size).toBe(500);
    expect(pages).toBeGreaterThan(3);
  });
});
