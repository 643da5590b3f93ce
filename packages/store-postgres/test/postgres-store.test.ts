import { afterAll, describe, it } from 'vitest';
import { runStoreConformance } from '@ntpass/testkit';
import { postgresStore } from '@ntpass/store-postgres';
import { dropSchema, testPool, throwawaySchema } from './fixtures/test-database.js';

// One throwaway schema for the whole file (the kit gives every test fresh partitions), dropped at the end.
const schema = throwawaySchema('conformance');
// synchronous_commit=off: the suite's thousands of commits do not wait for a WAL flush each
// (durability of reported successes is the fault test's business, with the default 'on').
const pool = testPool({ max: 16, options: '-c synchronous_commit=off' });
afterAll(async () => {
  await pool.end();
  await dropSchema(schema);
});

runStoreConformance({ name: 'postgres', createStore: () => postgresStore({ pool, schema }) }, { describe, it });
