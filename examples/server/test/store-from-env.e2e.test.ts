import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '@ntpass/store-sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { createStoreFromEnv, type StoreChoice } from '../src/store-from-env.js';
import { ADMIN_TOKEN, client, expectError, expectSuccess, SECRET, startTestServer } from './harness.js';

/* The stores the example runs on, chosen from the environment as `pnpm serve` does. */

const dir = mkdtempSync(join(tmpdir(), 'ntpass-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(choice: StoreChoice) {
  const server = await startServer({ store: choice.store, secret: SECRET, adminToken: ADMIN_TOKEN, port: 0, log: () => undefined });
  return {
    call: client(server.url),
    stop: async () => {
      await server.close();
      await choice.close();
    },
  };
}

/** Creates an instance and issues a code; the code and its path. */
async function issueCode(call: ReturnType<typeof client>, tenant: string) {
  const created = await call('POST', `/ntp/v1/tenants/${tenant}/instances`, { objectId: 'iq__kept' });
  const { ntpId } = expectSuccess<{ ntpId: string }>(created, 201, 'createNtpInstance');
  const issued = await call('POST', `/ntp/v1/tenants/${tenant}/instances/${ntpId}/codes`, {});
  return { ntpId, token: expectSuccess<{ token: string }>(issued, 201, 'issueNtpCode').token };
}

describe('createStoreFromEnv', () => {
  it('defaults to SQLite in NTPASS_SQLITE_FILE, which keeps instances and codes across restarts', async () => {
    const env = { NTPASS_SQLITE_FILE: join(dir, 'kept.db') };
    const first = await createStoreFromEnv(env);
    expect(first.description).toBe(`sqlite ${env.NTPASS_SQLITE_FILE}`);
    let running = await serve(first);
    const { ntpId, token } = await issueCode(running.call, 'kept');
    await running.stop();

    running = await serve(await createStoreFromEnv(env));
    try {
      const redeemed = await running.call('POST', `/otp/ntp/kept/${ntpId}`, { _PASSWORD: token }, { token: null });
      expect(expectSuccess(redeemed, 200, 'redeemInstanceCode')).toEqual({ objectId: 'iq__kept', ntpId });
    } finally {
      await running.stop();
    }
  });

  it('uses memory with NTPASS_STORE=memory', async () => {
    const choice = await createStoreFromEnv({ NTPASS_STORE: 'memory' });
    expect(choice.description).toBe('memory (state is lost on restart)');
    await choice.close();
  });

  it('answers 503 once the SQLite connection is closed under it', async () => {
    const database = new Database(join(dir, 'closed.db'));
    const server = await startTestServer({ store: sqliteStore({ database }) });
    try {
      const call = client(server.url);
      const { ntpId } = await issueCode(call, 'closing');
      database.close();
      expectError(await call('GET', `/ntp/v1/tenants/closing/instances/${ntpId}`), 503, 'STORE_UNAVAILABLE', 'ntpInstance: store unavailable');
      expectError(await call('POST', '/otp/ntp/closing', { _PASSWORD: 'Abc123' }, { token: null }), 503, 'STORE_UNAVAILABLE');
    } finally {
      await server.close();
    }
  });
});
