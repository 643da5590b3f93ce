import type { Store } from '@ntpass/core';
import { storeUnavailable } from './cli-error.js';
import type { OpenedStore, StoreTarget } from './io.js';

/**
 * Opens the store a {@link StoreTarget} names: the SQLite file (the store owns
 * it: WAL, busy timeout), or a Redis client the CLI connects and closes
 * itself, or a PostgreSQL pool likewise. Failures are exit 3 with the store
 * named. Each driver is imported only when used, so a SQLite command never
 * pays for loading ioredis or pg.
 */
export async function openStore(target: StoreTarget): Promise<OpenedStore> {
  if (target.kind === 'postgres') return openPostgresStore(target);
  return target.kind === 'sqlite' ? openSqliteStore(target) : openRedisStore(target);
}

async function openSqliteStore(target: Extract<StoreTarget, { kind: 'sqlite' }>): Promise<OpenedStore> {
  const [{ checkSqliteFile }, { sqliteStore }] = await Promise.all([import('./sqlite-connection.js'), import('@ntpass/store-sqlite')]);
  checkSqliteFile(target.filename, target.create);
  let store: Store;
  try {
    store = sqliteStore({ filename: target.filename });
  } catch (error) {
    throw storeUnavailable(`cannot open SQLite database ${target.filename} (${error instanceof Error ? error.message : String(error)})`, error);
  }
  return { store, close: () => store.close() };
}

async function openRedisStore(target: Extract<StoreTarget, { kind: 'redis' }>): Promise<OpenedStore> {
  const [{ closeRedis, connectRedis }, { redisStore }] = await Promise.all([import('./redis-connection.js'), import('@ntpass/store-redis')]);
  const client = await connectRedis(target.url, target.connectTimeoutMs);
  let store: Store;
  try {
    store = redisStore({ client, ...(target.prefix === undefined ? {} : { prefix: target.prefix }) });
  } catch (error) {
    // A bad --redis-prefix: the store names it.
    await closeRedis(client);
    throw error;
  }
  return {
    store,
    close: async () => {
      try {
        await store.close();
      } finally {
        await closeRedis(client);
      }
    },
  };
}

async function openPostgresStore(target: Extract<StoreTarget, { kind: 'postgres' }>): Promise<OpenedStore> {
  const [{ default: pg }, { postgresStore }, { redactUrl }] = await Promise.all([import('pg'), import('@ntpass/store-postgres'), import('./store-target.js')]);
  const pool = new pg.Pool({ connectionString: target.url, max: 4, connectionTimeoutMillis: target.connectTimeoutMs });
  // A connection dropped while idle is reported by the next query that needs one.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    const why = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw storeUnavailable(`cannot connect to PostgreSQL at ${redactUrl(target.url)} (${why})`, error);
  }
  let store: Store;
  try {
    store = postgresStore({ pool, ...(target.schema === undefined ? {} : { schema: target.schema }) });
  } catch (error) {
    // A bad ?schema=: the store names it.
    await pool.end();
    throw error;
  }
  return {
    store,
    close: async () => {
      try {
        await store.close();
      } finally {
        await pool.end();
      }
    },
  };
}
