import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@ntpass/core';
import { httpRoutes } from '@ntpass/http';
import { sqliteStore } from '@ntpass/store-sqlite';
import { afterAll, beforeAll, expect } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../src/server.js';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const SECRET = 'e2e-secret-that-is-at-least-32-bytes-long';

/** A started example server, its store and what it logged. */
export interface TestServer extends RunningServer {
  readonly store: Store;
  readonly logs: string[];
}

/**
 * Starts the example server on a free port, on its default store (SQLite, in
 * a file of its own) unless given one, with a signing key and a captured log.
 * `close()` also closes the store and deletes the file.
 */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const { privateKey } = generateKeyPairSync('ed25519');
  const dir = options.store === undefined ? mkdtempSync(join(tmpdir(), 'ntpass-e2e-')) : undefined;
  const store = options.store ?? sqliteStore({ filename: join(dir as string, 'ntpass.db') });
  const server = await startServer({
    store,
    secret: SECRET,
    adminToken: ADMIN_TOKEN,
    signingKey: privateKey,
    port: 0,
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    ...server,
    store,
    logs,
    close: async () => {
      await server.close();
      await store.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A parsed reply. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON body (`undefined` when it is not JSON). */
  readonly body: { status?: string; data?: unknown; code?: string; message?: string } & Record<string, unknown>;
  readonly text: string;
}

/** Calls the server; `token: null` sends no Authorization header. */
export function client(baseUrl: string) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (options.raw !== undefined) init.body = options.raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: Reply['body'] = {};
    try {
      parsed = JSON.parse(text) as Reply['body'];
    } catch {
      // left empty: the assertion on status or body will say what came back
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

const dataSchemas = new Map(httpRoutes().map((route) => [route.operationId ?? route.operation, route.data]));

/**
 * Asserts a success envelope with `status`, checks `data` against the
 * schema the OpenAPI document publishes for `operation`, and returns it.
 */
export function expectSuccess<T = unknown>(reply: Reply, status: number, operation: string): T {
  expect(reply.body, reply.text).toMatchObject({ status: 'success' });
  expect(reply.status, reply.text).toBe(status);
  expect(Object.keys(reply.body).sort()).toEqual(['data', 'status']);
  const schema = dataSchemas.get(operation);
  if (schema === undefined) throw new Error(`no route named ${operation}`);
  const parsed = schema.safeParse(reply.body.data);
  expect(parsed.success, `${operation} data does not match its published schema: ${parsed.error?.message ?? ''}`).toBe(true);
  return reply.body.data as T;
}

/** Asserts an error envelope with its status and code, and that the message starts with the operation. */
export function expectError(reply: Reply, status: number, code: string, messageStart?: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.body, reply.text).toEqual({ status: 'error', code, message: expect.any(String) });
  if (messageStart !== undefined) expect(reply.body.message).toMatch(new RegExp(`^${messageStart}`));
  expect(reply.text).not.toMatch(/\n\s+at /);
}

/** The server of one test file: started before its tests, closed after them. */
export interface FileServer {
  readonly server: TestServer;
  readonly call: ReturnType<typeof client>;
}

/** Starts a test server for the current file; use `server` and `call` inside tests. */
export function useTestServer(options: Partial<ServerOptions> = {}): FileServer {
  let current: { server: TestServer; call: ReturnType<typeof client> } | undefined;
  beforeAll(async () => {
    const server = await startTestServer(options);
    current = { server, call: client(server.url) };
  });
  afterAll(() => current?.server.close());
  const started = () => {
    if (current === undefined) throw new Error('the test server is not started yet');
    return current;
  };
  return {
    get server() {
      return started().server;
    },
    call: (...args) => started().call(...args),
  };
}
