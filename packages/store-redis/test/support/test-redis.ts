import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisCluster } from './redis-cluster.js';
import { ping, startRedisServer } from './redis-server.js';

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

/** A client on a test server for one `describe`, with a prefix its keys live under. */
export interface RedisFixture<C> {
  readonly client: C;
  /** The nodes (one for a single Redis) a separate process can connect to. */
  readonly nodes: readonly { host: string; port: number }[];
  /** Unique to this fixture; every key under it is deleted afterwards. */
  readonly prefix: string;
}

function fixture<C extends Redis | Cluster>(start: () => Promise<{ client: C; nodes: RedisFixture<C>['nodes']; stop(): Promise<void> }>) {
  const prefix = uniquePrefix();
  let started: Awaited<ReturnType<typeof start>> | undefined;
  beforeAll(async () => {
    started = await start();
  }, 60_000);
  afterAll(async () => {
    if (!started) return;
    await deleteKeys(started.client, prefix);
    started.client.disconnect();
    await started.stop();
  });
  const get = () => started ?? fail();
  return {
    get client() {
      return get().client;
    },
    get nodes() {
      return get().nodes;
    },
    prefix,
  } satisfies RedisFixture<C>;
}

const fail = (): never => {
  throw new Error('the Redis fixture is used outside its describe block');
};

/**
 * A single Redis for the enclosing `describe`: the developer's on 6379 when it
 * answers (tests then touch only their own prefix), else a redis-server
 * started here and stopped afterwards.
 */
export function useTestRedis(): RedisFixture<Redis> {
  return fixture(async () => {
    const shared = await ping(6379);
    const server = shared ? undefined : await startRedisServer();
    const port = server?.port ?? 6379;
    return { client: new Redis({ port, host: '127.0.0.1' }), nodes: [{ host: '127.0.0.1', port }], stop: async () => server?.stop() };
  });
}

/** A 3-master Redis Cluster started for the enclosing `describe` and torn down after it. */
export function useTestCluster(): RedisFixture<Cluster> {
  return fixture(async () => {
    const cluster = await startRedisCluster(3);
    return { client: new Cluster([...cluster.nodes]), nodes: cluster.nodes, stop: () => cluster.stop() };
  });
}

/**
 * A redis-server of the enclosing `describe`'s own, started here and stopped
 * afterwards: no other test file touches it, so its command and error counts
 * (`INFO commandstats`, `INFO errorstats`) are exact.
 */
export function useOwnRedis(): RedisFixture<Redis> {
  return fixture(async () => {
    const server = await startRedisServer();
    return { client: new Redis({ port: server.port, host: '127.0.0.1' }), nodes: [{ host: '127.0.0.1', port: server.port }], stop: () => server.stop() };
  });
}
