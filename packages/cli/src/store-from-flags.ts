import type { Store } from '@ntpass/core';
import { storeUnavailable } from './cli-error.js';
import type { OpenedStore, StoreTarget } from './io.js';

/**
 * Opens the store a {@link StoreTarget} names: the SQLite file (the store owns
 * it: WAL, busy timeout), or a Redis client the CLI connects and closes
 * itself. Failures are exit 3 with the store named. Each driver is imported
 * only when used, so a SQLite command never pays for loading ioredis.
 */
export async function openStore(target: StoreTarget): Promise<OpenedStore> {
  if (target.kind === 'sqlite') {
    const { checkSqliteFile } = await import('./sqlite-connection.js');
    checkSqliteFile(target.filename, target.create);
    const store = pending('SQLite');
    return { store, close: () => store.close() };
  }
  const { closeRedis, connectRedis } = await import('./redis-connection.js');
  const client = await connectRedis(target.url, target.connectTimeoutMs);
  try {
    const store = pending('Redis');
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
  } catch (error) {
    await closeRedis(client);
    throw error;
  }
}

// TEMPORARY until @ntpass/store-sqlite and @ntpass/store-redis are merged.
function pending(name: string): Store {
  throw storeUnavailable(`the ${name} store is not in this build yet`);
}
