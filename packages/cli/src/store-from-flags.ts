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
  const { closeRedis, connectRedis } = await import('./redis-connection.js');
  const client = await connectRedis(target.url, target.connectTimeoutMs);
  await closeRedis(client);
  // TEMPORARY until @ntpass/store-redis is merged.
  throw storeUnavailable('the Redis store is not in this build yet');
}
