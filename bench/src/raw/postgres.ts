import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Consumer } from './rate-limiter.js';

/*
 * Raw PostgreSQL baselines, straight on node-postgres with the same pool
 * size as the store: a redemption as one guarded `UPDATE … RETURNING`
 * (autocommit, one round trip, one WAL flush), a bulk write as multi-row
 * inserts of 10 000, and rate-limiter-flexible's RateLimiterPostgres.
 */

const POINTS = 1_000_000_000;
const DURATION_S = 3600;

/** The raw redemption: bump the count only while it is below the cap, in one statement. */
export async function rawPostgresRedeemer(pool: pg.Pool, schema: string, codes: number, cap: number): Promise<(n: number) => Promise<unknown>> {
  const table = `"${schema}".raw_tickets`;
  await pool.query(`CREATE TABLE ${table} (code text COLLATE "C" PRIMARY KEY, cap integer NOT NULL, redemptions integer NOT NULL)`);
  for (let start = 0; start < codes; start += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, codes - start) }, (_, i) => `code-${start + i}`);
    await pool.query(`INSERT INTO ${table} (code, cap, redemptions) SELECT unnest($1::text[]), $2, 0`, [batch, cap]);
  }
  const text = `UPDATE ${table} SET redemptions = redemptions + 1 WHERE code = $1 AND redemptions < cap RETURNING redemptions`;
  return (n) => pool.query({ name: `raw-redeem-${schema}`, text, values: [`code-${n % codes}`] });
}

/** Writes `count` ticket-shaped rows (primary key, no other index), 10 000 per statement. */
export async function rawPostgresBulk(pool: pg.Pool, schema: string, count: number): Promise<void> {
  const table = `"${schema}".raw_bulk`;
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (code text COLLATE "C" PRIMARY KEY, cap integer NOT NULL, redemptions integer NOT NULL)`);
  const stamp = Date.now().toString(36);
  for (let start = 0; start < count; start += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, count - start) }, (_, i) => `${stamp}-${start + i}`);
    await pool.query(`INSERT INTO ${table} (code, cap, redemptions) SELECT unnest($1::text[]), 100, 0`, [batch]);
  }
}

/** rate-limiter-flexible's RateLimiterPostgres consume() on its own table. */
export async function postgresConsumer(pool: pg.Pool, schema: string, keys: number): Promise<Consumer> {
  const limiter = await new Promise<RateLimiterPostgres>((resolve, reject) => {
    const l: RateLimiterPostgres = new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', schemaName: schema, tableName: 'rlf_bench', points: POINTS, duration: DURATION_S },
      (err?: Error) => (err ? reject(err) : resolve(l)),
    );
  });
  return (n) => limiter.consume(`k${n % keys}`);
}
