import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, connect } from 'node:net';
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

  it('uses PostgreSQL with DATABASE_URL, in NTPASS_POSTGRES_SCHEMA, which keeps instances and codes across restarts', async () => {
    const schema = `ntpass_example_${process.pid}_${Date.now().toString(36)}`;
    const url = process.env['NTPASS_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    const env = { DATABASE_URL: url, NTPASS_POSTGRES_SCHEMA: schema };
    try {
      const first = await createStoreFromEnv(env);
      expect(first.description).toBe(`postgres ${url} schema ${schema}`);
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
    } finally {
      const { default: pg } = await import('pg');
      const admin = new pg.Pool({ connectionString: url, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
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

// A throwaway redis-server when one is installed; the Redis case is skipped otherwise.
const redisServerPath = (process.env['PATH'] ?? '')
  .split(':')
  .map((dir) => join(dir, 'redis-server'))
  .find((path) => existsSync(path));

describe.skipIf(redisServerPath === undefined)('createStoreFromEnv with REDIS_URL', () => {
  let redis: ChildProcess | undefined;
  afterAll(() => {
    redis?.kill();
  });

  it('runs on Redis, and never prints its password', async () => {
    const port = await freePort();
    redis = spawn(redisServerPath as string, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'pw-secret'], { stdio: 'ignore' });
    await waitForPort(port);
    const choice = await createStoreFromEnv({ REDIS_URL: `redis://:pw-secret@127.0.0.1:${port}` });
    expect(choice.description).toBe(`redis redis://:***@127.0.0.1:${port}`);
    const running = await serve(choice);
    try {
      const { ntpId, token } = await issueCode(running.call, 'on-redis');
      const redeemed = await running.call('POST', '/otp/ntp/on-redis', { _PASSWORD: token }, { token: null });
      expect(expectSuccess(redeemed, 200, 'redeemCode')).toEqual({ objectId: 'iq__kept', ntpId });
    } finally {
      await running.stop();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}
