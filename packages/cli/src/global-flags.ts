import type { FlagSpecs } from './flag-spec.js';

/** Flags every command takes: output form and help. */
export const outputFlags = {
  json: { kind: 'boolean', help: 'print one JSON document on stdout (the result, or {"error":…}) instead of tables' },
  help: { kind: 'boolean', help: 'show this help (-h)' },
} as const satisfies FlagSpecs;

/** Flags every command takes: which store to open and the HMAC secret. */
export const storeFlags = {
  db: {
    kind: 'file',
    help: 'SQLite database file (only commands that write create it)',
    env: 'NTPASS_DB',
    defaultText: './ntpass.db',
  },
  redis: {
    kind: 'text',
    placeholder: 'URL',
    help: 'use Redis instead of SQLite: redis://[[user]:password@]host[:port][/db], rediss:// for TLS',
    env: 'NTPASS_REDIS_URL',
  },
  postgres: {
    kind: 'text',
    placeholder: 'URL',
    help: 'use PostgreSQL instead of SQLite: postgres://[user[:password]@]host[:port]/db, ?schema=NAME for a schema other than ntpass',
    env: 'NTPASS_POSTGRES_URL',
  },
  redisPrefix: {
    kind: 'text',
    placeholder: 'PREFIX',
    help: 'Redis key prefix: the one your app gives redisStore({ prefix })',
    env: 'NTPASS_REDIS_PREFIX',
  },
  connectTimeout: {
    kind: 'integer',
    min: 1,
    placeholder: 'MS',
    help: 'how long to wait for Redis or PostgreSQL to answer before giving up (exit 3)',
    defaultText: '5000',
  },
  secretFile: {
    kind: 'file',
    help: 'file holding the HMAC secret (else the NTPASS_SECRET variable); same secret as your app',
  },
} as const satisfies FlagSpecs;

/** Every command's common flags. */
export const globalFlags = { ...storeFlags, ...outputFlags } as const;

/** The parsed common flags, as every command receives them. */
export interface GlobalFlagValues {
  readonly json: boolean;
  readonly help: boolean;
  readonly db?: string;
  readonly redis?: string;
  readonly redisPrefix?: string;
  readonly postgres?: string;
  readonly connectTimeout?: number;
  readonly secretFile?: string;
}

/** `--tenant-id`, read from NTPASS_TENANT_ID when absent. */
export const tenantIdFlag = {
  kind: 'text',
  placeholder: 'ID',
  required: true,
  env: 'NTPASS_TENANT_ID',
  help: 'the tenant',
} as const;

/** `--ntp-id`: an instance, as `instance create` printed it. */
export const ntpIdFlag = {
  kind: 'text',
  placeholder: 'QOTP…',
  required: true,
  help: 'the instance (as instance create printed it)',
} as const;

/** `--tenant-id` and `--ntp-id`: one instance. */
export const instanceRefFlags = { tenantId: tenantIdFlag, ntpId: ntpIdFlag } as const;
