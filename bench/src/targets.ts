import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { redisStore } from '@ntpass/store-redis';
import { sqliteStore } from '@ntpass/store-sqlite';
import type { Cluster, Redis } from 'ioredis';
import { rawMemoryBulk, rawRedisBulk, rawSqliteBulk } from './raw/bulk.js';
import { rawMemoryRedeemer } from './raw/memory.js';
import { memoryConsumer, redisConsumer, sqliteConsumer, type Consumer } from './raw/rate-limiter.js';
import { rawRedisRedeemer } from './raw/redis.js';
import { openRawSqlite, rawSqliteRedeemer, type Synchronous } from './raw/sqlite.js';
import type { Sizes } from './ntpass-rows.js';
import { redisRows } from './redis-rows.js';
import type { Row } from './report.js';
import { startRedis, startRedisCluster } from './servers.js';

/** One store under test, with its raw-driver baselines. */
export interface BenchTarget {
  readonly name: string;
  /** A fresh ntpass store. */
  createStore(): Promise<Store>;
  /** The raw bounded-increment redemption, straight on the driver. */
  rawRedeemer(codes: number, cap: number): Promise<(n: number) => Promise<unknown>>;
  /** Writes `count` ticket-shaped rows straight through the driver. */
  rawBulk(count: number): Promise<void>;
  /** rate-limiter-flexible's consume() on the same store. */
  rateLimiter(keys: number): Promise<Consumer>;
  /** Bytes at rest per ticket, measured after the engine issued `tickets` into a fresh store. */
  bytesAtRest?(store: Store, tickets: number): Promise<number>;
  /** Rows only this store has, printed after the shared ones. */
  extraRows?(sizes: Sizes): Promise<Row[]>;
  stop(): Promise<void>;
}

export function memoryTarget(): BenchTarget {
  return {
    name: 'memory',
    createStore: async () => memoryStore(),
    rawRedeemer: async (codes, cap) => rawMemoryRedeemer(codes, cap),
    rawBulk: rawMemoryBulk,
    rateLimiter: async (keys) => memoryConsumer(keys),
    stop: async () => undefined,
  };
}

export function sqliteTarget(synchronous: Synchronous): BenchTarget {
  const dir = mkdtempSync(join(tmpdir(), `ntpass-bench-sqlite-${synchronous.toLowerCase()}-`));
  let n = 0;
  const raw = openRawSqlite(join(dir, 'raw.db'), synchronous);
  const stores: Store[] = [];
  const files = new Map<Store, string>();
  return {
    name: `sqlite ${synchronous}`,
    async createStore() {
      const filename = join(dir, `ntpass-${n++}.db`);
      const store = sqliteStore({ filename }, { synchronous });
      stores.push(store);
      files.set(store, filename);
      return store;
    },
    rawRedeemer: async (codes, cap) => rawSqliteRedeemer(raw, codes, cap),
    rawBulk: async (count) => rawSqliteBulk(raw, count),
    rateLimiter: (keys) => sqliteConsumer(raw, keys),
    async bytesAtRest(store, tickets) {
      const filename = files.get(store)!;
      await store.close();
      const size = (f: string) => {
        try {
          return statSync(f).size;
        } catch {
          return 0;
        }
      };
      return (size(filename) + size(`${filename}-wal`)) / tickets;
    },
    async stop() {
      for (const s of stores) await s.close().catch(() => undefined);
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function redisLike(name: string, client: Redis | Cluster, stop: () => Promise<void>): BenchTarget {
  let n = 0;
  const createStore = async () => redisStore({ client, prefix: `bench${n++}:` });
  return {
    name,
    createStore,
    extraRows: (sizes) => redisRows(name, client, createStore, (count) => rawRedisBulk(client, `rawbulk${n++}:`, count), (codes, cap) => rawRedisRedeemer(client, `raw${n++}:`, codes, cap), sizes),
    rawRedeemer: (codes, cap) => rawRedisRedeemer(client, `raw${n++}:`, codes, cap),
    rawBulk: (count) => rawRedisBulk(client, `rawbulk${n++}:`, count),
    rateLimiter: async (keys) => redisConsumer(client, keys),
    async bytesAtRest(_store, tickets) {
      // Sum MEMORY USAGE over every key the store wrote (its own prefix).
      const prefix = `bench${n - 1}:`;
      const nodes: Redis[] = 'nodes' in client && typeof client.nodes === 'function' ? (client as Cluster).nodes('master') : [client as Redis];
      let bytes = 0;
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          const sizes = await Promise.all(keys.map((k) => node.memory('USAGE', k, 'SAMPLES', '0')));
          for (const s of sizes) bytes += Number(s ?? 0);
        } while (cursor !== '0');
      }
      return bytes / tickets;
    },
    stop,
  };
}

export async function redisTarget(): Promise<BenchTarget> {
  const server = await startRedis();
  return redisLike('redis', server.client, () => server.stop());
}

export async function redisClusterTarget(): Promise<BenchTarget> {
  const cluster = await startRedisCluster();
  return redisLike('redis cluster', cluster.client, () => cluster.stop());
}
