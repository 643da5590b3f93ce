import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config-from-env.js';
import { TEST_SECRET } from '@ntpass/core/testing';

const base = { NTPASS_ADMIN_TOKEN: 'a-token-of-16-chars', NTPASS_SECRET: TEST_SECRET };

describe('configFromEnv', () => {
  it('requires an admin token of 16+ characters and a secret of 32+ bytes', () => {
    expect(configFromEnv({})).toEqual({ problem: expect.stringMatching(/^NTPASS_ADMIN_TOKEN must be set/) });
    expect(configFromEnv({ ...base, NTPASS_ADMIN_TOKEN: 'short' })).toEqual({ problem: expect.stringMatching(/^NTPASS_ADMIN_TOKEN/) });
    expect(configFromEnv({ ...base, NTPASS_SECRET: TEST_SECRET.slice(0, 31) })).toEqual({ problem: expect.stringMatching(/^NTPASS_SECRET must be set/) });
    expect(configFromEnv({ ...base, NTPASS_SECRET: 'x'.repeat(32) })).toEqual({ problem: expect.stringMatching(/^NTPASS_SECRET must not be a constant or low-entropy value/) });
  });

  it('reads the optional settings and defaults the rest', () => {
    expect(configFromEnv(base)).toEqual({ adminToken: base.NTPASS_ADMIN_TOKEN, secret: base.NTPASS_SECRET, port: 8080, host: '127.0.0.1' });
    expect(configFromEnv({ ...base, PORT: '0', HOST: '0.0.0.0', NTPASS_BASE_PATH: '/auth', NTPASS_DEFAULT_TENANT: 'idport' })).toEqual({
      adminToken: base.NTPASS_ADMIN_TOKEN,
      secret: base.NTPASS_SECRET,
      port: 0,
      host: '0.0.0.0',
      basePath: '/auth',
      defaultTenantId: 'idport',
    });
  });

  it('reads a trusted-proxy list and refuses a malformed one', () => {
    expect(configFromEnv({ ...base, NTPASS_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' })).toMatchObject({ trustedProxies: '10.0.0.0/8, fd00::/8' });
    expect(configFromEnv({ ...base, NTPASS_TRUSTED_PROXIES: '10.0.0.0/8, proxy.local' })).toEqual({
      problem: 'NTPASS_TRUSTED_PROXIES: not an IP address or CIDR range: "proxy.local"',
    });
  });

  it('refuses a bad port and an unreadable signing key file', () => {
    expect(configFromEnv({ ...base, PORT: 'http' })).toEqual({ problem: 'PORT must be a port number' });
    expect(configFromEnv({ ...base, NTPASS_SIGNING_KEY_FILE: '/nonexistent/key.pem' })).toEqual({
      problem: 'NTPASS_SIGNING_KEY_FILE: cannot read /nonexistent/key.pem',
    });
  });
});
