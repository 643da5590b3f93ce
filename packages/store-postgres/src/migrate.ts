import { NtpassError } from '@ntpass/core';
import type { Pool, PoolClient } from 'pg';
import { SCHEMA_VERSION, migrations } from './schema-sql.js';

/** The oldest server this store supports (`server_version_num`). */
export const MIN_SERVER_VERSION = 130000;

const unavailable = (message: string, cause?: unknown): NtpassError =>
  new NtpassError('STORE_UNAVAILABLE', `postgresStore: ${message}`, cause === undefined ? {} : { cause });

/**
 * Brings `schema` up to {@link SCHEMA_VERSION}. An up-to-date schema costs one
 * query. Otherwise one transaction, under an advisory lock keyed by the
 * schema name, re-reads the version and applies the missing migrations, so
 * several app servers starting at once apply each exactly once and a failing
 * one leaves the schema as it was. Throws `STORE_UNAVAILABLE` naming the
 * problem: no connection, a server older than 13, a schema newer than this code.
 */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw unavailable(`cannot connect to PostgreSQL (${(e as Error).message})`, e);
  }
  let broken: Error | undefined;
  try {
    const server = await client.query<{ v: string }>('SELECT current_setting(\'server_version_num\') AS v, current_setting(\'server_version\') AS s');
    const num = Number(server.rows[0]?.v);
    if (!(num >= MIN_SERVER_VERSION)) {
      throw unavailable(`PostgreSQL ${(server.rows[0] as unknown as { s: string }).s} is older than 13, the oldest this store supports`);
    }
    const found = await schemaVersion(client, schema);
    check(found, schema);
    if (found === SCHEMA_VERSION) return;
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ntpass migrate ${schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".meta (name text PRIMARY KEY, value text NOT NULL)`);
      const version = await schemaVersion(client, schema);
      check(version, schema);
      const steps = migrations(schema);
      for (let v = version; v < SCHEMA_VERSION; v++) await client.query(steps[v] as string);
      await client.query(
        `INSERT INTO "${schema}".meta (name, value) VALUES ('schema_version', $1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
        [String(SCHEMA_VERSION)],
      );
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } catch (e) {
    if (e instanceof NtpassError) throw e;
    broken = e as Error;
    throw unavailable(`cannot migrate schema "${schema}" (${(e as Error).message})`, e);
  } finally {
    // A client whose connection failed must not go back to the pool for reuse.
    client.release(broken);
  }
}

async function schemaVersion(client: PoolClient, schema: string): Promise<number> {
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`"${schema}".meta`]);
  if (exists.rows[0]?.t === null || exists.rows[0]?.t === undefined) return 0;
  const row = await client.query<{ value: string }>(`SELECT value FROM "${schema}".meta WHERE name = 'schema_version'`);
  return Number(row.rows[0]?.value ?? 0);
}

function check(version: number, schema: string): void {
  if (version > SCHEMA_VERSION) {
    throw unavailable(
      `schema "${schema}" has version ${version}, newer than the ${SCHEMA_VERSION} this @ntpass/store-postgres understands; upgrade the package`,
    );
  }
}
