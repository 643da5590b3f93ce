export { postgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './options.js';
export { SCHEMA_VERSION } from './schema-sql.js';
