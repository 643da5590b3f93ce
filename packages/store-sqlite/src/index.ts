export { sqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions, SqliteStoreTarget, SqliteSynchronous } from './options.js';
export { SCHEMA_VERSION } from './schema.js';
