import type { Store } from '@ntpass/core';
import { postgresStore } from '@ntpass/store-postgres';
import pg from 'pg';
import { postgresConsumer, rawPostgresBulk, rawPostgresRedeemer } from './raw/postgres.js';
import type { BenchTarget } from './targets.js';

/** The machine's PostgreSQL (127.0.0.1:5432, database `test`); override with NTPASS_BENCH_PG. */
const URL = process.env['NTPASS_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Connections per pool: the same for ntpass, the raw baselines and rate-limiter-flexible. */
const POOL_SIZE = 16;

/**
 * ntpass on PostgreSQL with its default settings (synchronous_commit = on), a
 * fresh schema per store, beside raw node-postgres and RateLimiterPostgres on
 * pools of the same size. Every schema it made is dropped at stop.
 */
export function postgresTarget(): BenchTarget {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const pools: pg.Pool[] = [];
  const schemas: string[] = [];
  const newPool = () => {
    const pool = new pg.Pool({ connectionString: URL, max: POOL_SIZE });
    pool.on('error', () => undefined);
    pools.push(pool);
    return pool;
  };
  const newSchema = (label: string) => {
    const schema = `ntpass_bench_${label}_${run}_${schemas.length}`;
    schemas.push(schema);
    return schema;
  };
  const rawSchema = async (pool: pg.Pool, label: string) => {
    const schema = newSchema(label);
    await pool.query(`CREATE SCHEMA "${schema}"`);
    return schema;
  };
  const storeSchemas = new Map<Store, { pool: pg.Pool; schema: string }>();
  const storePool = newPool();
  return {
    name: 'postgres',
    async createStore() {
      const schema = newSchema('store');
      const store = postgresStore({ pool: storePool, schema });
      storeSchemas.set(store, { pool: storePool, schema });
      return store;
    },
    rawRedeemer: async (codes, cap) => {
      const pool = newPool();
      return rawPostgresRedeemer(pool, await rawSchema(pool, 'raw'), codes, cap);
    },
    rawBulk: async (count) => {
      const pool = newPool();
      await rawPostgresBulk(pool, await rawSchema(pool, 'rawbulk'), count);
    },
    rateLimiter: async (keys) => {
      const pool = newPool();
      return postgresConsumer(pool, await rawSchema(pool, 'rlf'), keys);
    },
    async bytesAtRest(store, tickets) {
      const { pool, schema } = storeSchemas.get(store)!;
      // Every table of the schema, with its indexes and TOAST, as the load left it (dead tuples included).
      const res = await pool.query<{ bytes: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [schema],
      );
      return Number(res.rows[0]!.bytes) / tickets;
    },
    async stop() {
      const admin = new pg.Pool({ connectionString: URL, max: 1 });
      for (const pool of pools) await pool.end().catch(() => undefined);
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end();
    },
  };
}
