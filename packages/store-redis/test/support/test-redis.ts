import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { ping, startRedisServer } from './redis-server.js';

/** Where the standalone tests run: the developer's Redis on 6379 if it answers, else one started here. */
export interface TestRedis {
  readonly port: number;
  /** True for the shared server on 6379, whose other keys the tests must never touch. */
  readonly shared: boolean;
  stop(): Promise<void>;
}

export async function testRedis(): Promise<TestRedis> {
  if (await ping(6379)) return { port: 6379, shared: true, stop: async () => undefined };
  const server = await startRedisServer();
  return { port: server.port, shared: false, stop: () => server.stop() };
}

/** A key prefix no other test run uses: `ntpass-test:<random>:`. */
export function uniquePrefix(): string {
  return `ntpass-test:${randomBytes(8).toString('hex')}:`;
}

/**
 * Deletes every key under `prefix` (which must be glob-free), node by node on
 * a Cluster. Only ever keys of this test run: no FLUSHALL on a shared server.
 */
export async function deleteKeys(client: Redis | Cluster, prefix: string): Promise<number> {
  const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      // One UNLINK per key: on a Cluster the keys of one page span many slots.
      for (const key of keys) deleted += await node.unlink(key);
    } while (cursor !== '0');
  }
  return deleted;
}
