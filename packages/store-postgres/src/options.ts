import { NtpassError } from '@ntpass/core';
import type { Pool } from 'pg';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /**
   * A node-postgres (`pg` 8) `Pool` the host owns. The store runs one query
   * per call on it and never ends it. Attach `pool.on('error', …)`: a
   * connection the server drops while idle is reported there.
   */
  readonly pool: Pool;
  /**
   * The schema that holds every table and function of the store, created by
   * its migrations if absent. A plain lower-case identifier (`[a-z_][a-z0-9_]*`,
   * at most 63 characters, not starting with `pg_`). Two engines with
   * different schemas share a database without seeing each other.
   * @default 'ntpass'
   */
  readonly schema?: string;
  /**
   * Most checks + ops in one commit (at least 64). The engine splits bulk
   * work into commits of this size; each holds its partition's lock while it runs.
   * @default 10000
   */
  readonly maxOpsPerCommit?: number;
}

/** Options after validation, with defaults filled in. */
export interface ResolvedOptions {
  readonly pool: Pool;
  readonly schema: string;
  readonly maxOpsPerCommit: number;
}

/** `postgresStore: <field> <problem>`, as INVALID_ARGUMENT naming the field. */
export function invalidArgument(field: string, problem: string): NtpassError {
  return new NtpassError('INVALID_ARGUMENT', `postgresStore: ${field} ${problem}`, { field });
}

const OPTION_NAMES = new Set(['pool', 'schema', 'maxOpsPerCommit']);
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates the options, naming the first bad one. */
export function resolveOptions(options: PostgresStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'must be an object');
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw invalidArgument(name, 'is not a known option');
  }
  const { pool, schema = 'ntpass', maxOpsPerCommit = 10_000 } = options;
  const p = pool as unknown as { query?: unknown; connect?: unknown } | null | undefined;
  if (typeof p !== 'object' || p === null || typeof p.query !== 'function' || typeof p.connect !== 'function') {
    throw invalidArgument('pool', 'must be a node-postgres Pool');
  }
  if (typeof schema !== 'string' || !PLAIN_IDENTIFIER.test(schema) || schema.startsWith('pg_')) {
    throw invalidArgument('schema', 'must be a plain lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters, not pg_*)');
  }
  if (!Number.isSafeInteger(maxOpsPerCommit) || maxOpsPerCommit < 64) {
    throw invalidArgument('maxOpsPerCommit', 'must be an integer >= 64');
  }
  return { pool, schema, maxOpsPerCommit };
}
