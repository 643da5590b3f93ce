import { resolve } from 'node:path';
import { usageError } from './cli-error.js';
import type { GlobalFlagValues } from './global-flags.js';
import type { CliIo, StoreTarget } from './io.js';

/** Default `--connect-timeout`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** The store the flags name: Redis with `--redis`, PostgreSQL with `--postgres` (both win over `--db`), else the SQLite file `--db` or `./ntpass.db`. */
export function storeTarget(flags: GlobalFlagValues, io: CliIo, writes: boolean): StoreTarget {
  if (flags.postgres !== undefined && flags.redis === undefined) return postgresTarget(flags.postgres, flags.connectTimeout);
  if (flags.redis !== undefined) {
    // Not echoed: a URL may carry a password.
    if (!/^rediss?:\/\/./i.test(flags.redis)) {
      throw usageError('--redis: expected a URL like redis://localhost:6379 (or rediss://… for TLS)');
    }
    return {
      kind: 'redis',
      url: flags.redis,
      ...(flags.redisPrefix === undefined ? {} : { prefix: flags.redisPrefix }),
      connectTimeoutMs: flags.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS,
    };
  }
  return { kind: 'sqlite', filename: flags.db ?? resolve(io.cwd, 'ntpass.db'), create: writes };
}

/** `--postgres URL`: the URL's `schema` parameter names the store's schema and is not passed on to the driver. */
function postgresTarget(url: string, connectTimeout: number | undefined): StoreTarget {
  // Not echoed: a URL may carry a password.
  let parsed: URL | undefined;
  try {
    if (/^postgres(ql)?:\/\/./i.test(url)) parsed = new URL(url);
  } catch {
    // reported below
  }
  if (parsed === undefined) throw usageError('--postgres: expected a URL like postgres://localhost:5432/app');
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { kind: 'postgres', url: parsed.toString(), ...(schema === undefined ? {} : { schema }), connectTimeoutMs: connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS };
}

/** A Redis or PostgreSQL URL with any password replaced by `***`, fit for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
