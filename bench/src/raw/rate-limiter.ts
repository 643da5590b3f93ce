import type Database from 'better-sqlite3';
import type { Cluster, Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';

/*
 * rate-limiter-flexible's consume(): a simpler counter (no window check, no
 * email, no instance), the peer row ntpass is compared with on each store.
 * Points are high enough that no call is refused: we measure the counting.
 */
const POINTS = 1_000_000_000;
const DURATION_S = 3600;

export type Consumer = (n: number) => Promise<unknown>;

function consumer(limiter: RateLimiterAbstract, keys: number): Consumer {
  return (n) => limiter.consume(`k${n % keys}`);
}

export function memoryConsumer(keys: number): Consumer {
  return consumer(new RateLimiterMemory({ points: POINTS, duration: DURATION_S }), keys);
}

export function redisConsumer(client: Redis | Cluster, keys: number): Consumer {
  return consumer(new RateLimiterRedis({ storeClient: client, points: POINTS, duration: DURATION_S, keyPrefix: 'rlf-bench' }), keys);
}

export async function sqliteConsumer(db: Database.Database, keys: number): Promise<Consumer> {
  const limiter = await new Promise<RateLimiterSQLite>((resolve, reject) => {
    const l: RateLimiterSQLite = new RateLimiterSQLite(
      { storeClient: db, storeType: 'better-sqlite3', tableName: 'rlf_bench', points: POINTS, duration: DURATION_S },
      (err?: Error) => (err ? reject(err) : resolve(l)),
    );
  });
  return consumer(limiter, keys);
}
