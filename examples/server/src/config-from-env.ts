import { readFileSync } from 'node:fs';
import { secretWeakness } from '@ntpass/core';
import { parseTrustedProxies } from './client-address.js';
import type { ServerOptions } from './server.js';

/** A setting the environment got wrong; `main` prints the message and exits. */
export interface ConfigProblem {
  readonly problem: string;
}

/**
 * Reads the server settings (all but the store) from the environment:
 * NTPASS_ADMIN_TOKEN and NTPASS_SECRET are required; PORT, HOST,
 * NTPASS_BASE_PATH, NTPASS_DEFAULT_TENANT, NTPASS_TRUSTED_PROXIES and
 * NTPASS_SIGNING_KEY_FILE are optional.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Omit<ServerOptions, 'store'> | ConfigProblem {
  const adminToken = env['NTPASS_ADMIN_TOKEN'] ?? '';
  if (adminToken.length < 16) return { problem: 'NTPASS_ADMIN_TOKEN must be set to at least 16 characters (try: openssl rand -hex 16)' };
  const secret = env['NTPASS_SECRET'] ?? '';
  if (Buffer.byteLength(secret) < 32) return { problem: 'NTPASS_SECRET must be set to at least 32 bytes (try: openssl rand -hex 32); keep it: codes issued under one secret redeem only under it' };
  const weakness = secretWeakness(secret);
  if (weakness !== undefined) return { problem: `NTPASS_SECRET ${weakness}` };
  const port = Number(env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { problem: 'PORT must be a port number' };
  const keyFile = env['NTPASS_SIGNING_KEY_FILE'];
  let signingKey: string | undefined;
  if (keyFile !== undefined && keyFile !== '') {
    try {
      signingKey = readFileSync(keyFile, 'utf8');
    } catch {
      return { problem: `NTPASS_SIGNING_KEY_FILE: cannot read ${keyFile}` };
    }
  }
  const optional = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const basePath = optional('NTPASS_BASE_PATH');
  const trustedProxies = optional('NTPASS_TRUSTED_PROXIES');
  if (trustedProxies !== undefined) {
    try {
      parseTrustedProxies(trustedProxies);
    } catch (e) {
      return { problem: `NTPASS_TRUSTED_PROXIES: ${(e as Error).message}` };
    }
  }
  const defaultTenantId = optional('NTPASS_DEFAULT_TENANT');
  return {
    adminToken,
    secret,
    port,
    host: optional('HOST') ?? '127.0.0.1',
    ...(basePath === undefined ? {} : { basePath }),
    ...(defaultTenantId === undefined ? {} : { defaultTenantId }),
    ...(trustedProxies === undefined ? {} : { trustedProxies }),
    ...(signingKey === undefined ? {} : { signingKey }),
  };
}
