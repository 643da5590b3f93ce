import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Commit } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { keySlot } from '../src/transport/key-slot.js';
import { waitFor } from './support/redis-server.js';
import { useTestCluster } from './support/test-redis.js';

// The store routes its scripts to the slot's master itself: it must compute
// the slot as Redis does, follow MOVED to where a slot went (and refresh the
// client's slot map, which ioredis would not do for commands it did not
// send), and load its scripts on a node that does not have them.

const T0 = Date.UTC(2030, 0, 1);
const bump = (partition: string): Commit => ({ partition, now: T0, ops: [{ type: 'add', key: 'c', by: 1 }] });

describe('Cluster routing', () => {
  const cluster = useTestCluster();

  const node = (port: number) => {
    const r = new Redis({ port, host: '127.0.0.1' });
    r.on('error', () => undefined);
    return r;
  };

  it('computes the slot of a key as Redis does (hash tags, non-ASCII)', async () => {
    const r = node(cluster.nodes[0]!.port);
    try {
      for (const key of ['plain', 'a{tag}b', '{}x', 'x{}{y}', '{é☃𝄞}:r', 'pre:{p}:r', '{{a}}']) {
        expect(keySlot(key)).toBe(await r.cluster('KEYSLOT', key));
      }
    } finally {
      r.disconnect();
    }
  });

  it('follows MOVED after a slot changed owner, and refreshes the client slot map', async () => {
    const { client, prefix } = cluster;
    const store = redisStore({ client, prefix });
    try {
      const partition = `moved-${Date.now()}`;
      const slot = keySlot(`{${partition}}`);
      await client.ping();
      const from = client.slots[slot]![0]!;
      const masters = client.nodes('master');
      const target = masters.find((m) => `${m.options.host}:${m.options.port}` !== from)!;
      const targetId = String(await target.cluster('MYID'));
      // Hand the (empty) slot to another master on every node; the client's map still says `from`.
      for (const m of masters) await m.cluster('SETSLOT', slot, 'NODE', targetId);
      expect(client.slots[slot]![0]).toBe(from);
      expect(await store.commit(bump(partition))).toMatchObject({ ok: true, counters: { c: 1 } });
      const owner = node(target.options.port!);
      try {
        expect(await owner.cluster('COUNTKEYSINSLOT', slot)).toBeGreaterThan(0);
      } finally {
        owner.disconnect();
      }
      // ioredis refreshes its map on MOVED replies to its own commands only (no periodic refresh unless slotsRefreshInterval is set).
      await waitFor('the client slot map to follow', async () => client.slots[slot]![0] === `${target.options.host}:${target.options.port}`, 2000);
      expect(await store.commit(bump(partition))).toMatchObject({ ok: true, counters: { c: 2 } });
    } finally {
      await store.close();
    }
  });

  it('during a slot migration follows ASK and TRYAGAIN (nothing applied, within the timeout), then the new owner once it ends', async () => {
    const { client, prefix } = cluster;
    const store = redisStore({ client, prefix, commandTimeoutMs: 500 });
    try {
      const partition = `ask-${Date.now()}`;
      const slot = keySlot(`{${partition}}`);
      await client.ping();
      const masters = client.nodes('master');
      const source = masters.find((m) => `${m.options.host}:${m.options.port}` === client.slots[slot]![0])!;
      const target = masters.find((m) => m !== source)!;
      const [sourceId, targetId] = [String(await source.cluster('MYID')), String(await target.cluster('MYID'))];
      await target.cluster('SETSLOT', slot, 'IMPORTING', sourceId);
      await source.cluster('SETSLOT', slot, 'MIGRATING', targetId);
      // The source holds none of the partition's keys and answers ASK; the
      // target refuses a script over several missing keys while importing
      // (TRYAGAIN). Neither ran it: the call fails saying so, in time.
      const started = performance.now();
      await expect(store.commit(bump(partition))).rejects.toThrow(/^redisStore\.commit: Redis still answered "(ASK|TRYAGAIN) .*" after 500 ms; nothing was applied/);
      expect(performance.now() - started).toBeLessThan(2000);
      for (const m of [source, target]) {
        const r = node(m.options.port!);
        try {
          expect(await r.cluster('COUNTKEYSINSLOT', slot)).toBe(0);
        } finally {
          r.disconnect();
        }
      }
      for (const m of masters) await m.cluster('SETSLOT', slot, 'NODE', targetId);
      expect(await store.commit(bump(partition))).toMatchObject({ ok: true, counters: { c: 1 } });
    } finally {
      await store.close();
    }
  });

  it("puts the Cluster client's keyPrefix before its keys, on its own connections too", async () => {
    const { prefix } = cluster;
    const prefixed = new Cluster([...cluster.nodes], { keyPrefix: `${prefix}kp:` });
    const store = redisStore({ client: prefixed, prefix: 'ntpass:' });
    try {
      await store.commit(bump('kp'));
      const owner = node(Number(prefixed.slots[keySlot('{kp}')]![0]!.split(':')[1]));
      try {
        expect(await owner.hget(`${prefix}kp:ntpass:{kp}:h`, '\u0000cc')).toBe('1');
      } finally {
        owner.disconnect();
      }
    } finally {
      await store.close();
      prefixed.disconnect();
    }
  });

  it('loads its scripts again on nodes that forgot them (as a promoted replica never had them)', async () => {
    const { client, prefix } = cluster;
    const store = redisStore({ client, prefix });
    try {
      const partitions = Array.from({ length: 12 }, (_, i) => `noscript-${i}`);
      await Promise.all(partitions.map((p) => store.commit(bump(p))));
      for (const m of client.nodes('master')) await m.script('FLUSH');
      expect((await Promise.all(partitions.map((p) => store.commit(bump(p))))).every((r) => r.ok && r.counters['c'] === 2)).toBe(true);
      for (const m of client.nodes('master')) await m.script('FLUSH');
      const batch = await store.commitBatch(partitions.map(bump));
      expect(batch.every((r) => r.ok && r.counters['c'] === 3)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
