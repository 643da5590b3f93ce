import type { Store } from '@ntpass/core';

/** The store the environment selected, how to describe it, and how to let go of it. */
export interface StoreChoice {
  readonly store: Store;
  /** For the startup line; never a password. */
  readonly description: string;
  /** Closes the store and any connection opened for it. */
  close(): Promise<void>;
}

/**
 * The store the environment selects:
 * - `REDIS_URL` set: Redis (`redis://[:password@]host:port[/db]`, `rediss://` for TLS);
 * - else `DATABASE_URL` set: PostgreSQL (`postgres://user[:password]@host[:port]/db`), tables in
 *   the schema `NTPASS_POSTGRES_SCHEMA` (default `ntpass`);
 * - `NTPASS_STORE=memory`: in-process, nothing survives a restart;
 * - otherwise SQLite in `NTPASS_SQLITE_FILE` (default `ntpass.db`).
 * Drivers load only when chosen.
 */
export async function createStoreFromEnv(env: NodeJS.ProcessEnv): Promise<StoreChoice> {
  const redisUrl = env['REDIS_URL'];
  if (redisUrl !== undefined && redisUrl !== '') {
    const [{ Redis }, { redisStore }] = await Promise.all([import('ioredis'), import('@ntpass/store-redis')]);
    // The host (here) opens and closes the client; the store's own connections (at most once) close with store.close().
    const client = new Redis(redisUrl, { lazyConnect: true });
    await client.connect();
    const store = redisStore({ client });
    return {
      store,
      description: `redis ${withoutPassword(redisUrl)}`,
      close: async () => {
        await store.close();
        await client.quit();
      },
    };
  }
  const databaseUrl = env['DATABASE_URL'];
  if (databaseUrl !== undefined && databaseUrl !== '') {
    const [{ default: pg }, { postgresStore }] = await Promise.all([import('pg'), import('@ntpass/store-postgres')]);
    // The host owns the pool: the store runs one query per call on it and never ends it.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 16, connectionTimeoutMillis: 5000 });
    // A connection the server drops while idle is replaced by the pool; the next call reports any outage.
    pool.on('error', () => undefined);
    const schema = env['NTPASS_POSTGRES_SCHEMA'] || undefined;
    const store = postgresStore({ pool, ...(schema === undefined ? {} : { schema }) });
    return {
      store,
      description: `postgres ${withoutPassword(databaseUrl)}${schema === undefined ? '' : ` schema ${schema}`}`,
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  }
  if (env['NTPASS_STORE'] === 'memory') {
    const { memoryStore } = await import('@ntpass/store-memory');
    const store = memoryStore();
    return { store, description: 'memory (state is lost on restart)', close: () => store.close() };
  }
  const filename = env['NTPASS_SQLITE_FILE'] || 'ntpass.db';
  const { sqliteStore } = await import('@ntpass/store-sqlite');
  const store = sqliteStore({ filename });
  return { store, description: `sqlite ${filename}`, close: () => store.close() };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
