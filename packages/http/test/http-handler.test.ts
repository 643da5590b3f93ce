import { createEngine, type Engine } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { createHttpHandler, httpRoutes } from '../src/http-handler.js';
import type { HttpAction, HttpHandlerOptions } from '../src/options.js';

/* The full routing table on a real engine over the memory store. */

const SECRET = 'http-handler-test-secret-at-least-32-bytes';

function setup(options: Partial<HttpHandlerOptions> = {}) {
  const engine = createEngine({ store: memoryStore(), secret: SECRET, redeemThrottle: { maxFailures: 2 } });
  const actions: HttpAction[] = [];
  const handler = createHttpHandler(engine, {
    authorize: (_request, action) => {
      actions.push(action);
      return true;
    },
    ...options,
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await handler(new Request(`http://host${path}`, init));
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };
  return { engine, handler, actions, call };
}

const ENGINE_OPERATIONS: (keyof Engine)[] = [
  'methodInfo',
  'initiateInstance',
  'activateInstance',
  'blockInstance',
  'unblockInstance',
  'deactivateInstance',
  'blockMethod',
  'unblockMethod',
  'deactivateMethod',
  'activateMethod',
  'createNtpInstance',
  'ntpInstance',
  'listNtpInstances',
  'updateNtpInstance',
  'suspendNtpInstance',
  'deleteNtpInstance',
  'issueNtpCode',
  'issueNtpCodes',
  'issueSignedNtpCode',
  'redeemCode',
  'ntpCodeStatus',
  'listNtpTickets',
  'revokeNtpCode',
  'ntpInstanceReport',
];

describe('the routing table', () => {
  it('serves every engine operation but authenticate (which needs a host verify function)', () => {
    const operations = new Set(httpRoutes().map((route) => route.operation));
    expect([...operations].filter((op) => op !== 'openapi').sort()).toEqual([...ENGINE_OPERATIONS].sort());
  });

  it('keeps only redeem and the OpenAPI document public', () => {
    const open = httpRoutes().filter((route) => route.access === 'public');
    expect(open.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'GET /openapi.json',
      'POST /otp/ntp/{tenantId}',
      'POST /otp/ntp/{tenantId}/{ntpId}',
    ]);
  });

  it('has unique OpenAPI operation ids', () => {
    const ids = httpRoutes().map((route) => route.operationId ?? route.operation);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('createHttpHandler', () => {
  it('passes authorize the operation and the tenant of the path or header', async () => {
    const { call, actions } = setup();
    await call('GET', '/ntp/v1/tenants/acme/instances');
    await call('POST', '/case-iapi/v1/blockMethod', { muid: 'u', methodType: 'SMS' }, { 'x-tenant-id': 'idport' });
    const unblocked = await call('POST', '/case-iapi/v1/unblockMethod', { tenant: 'idport', muid: 'u', methodType: 'SMS' }, { 'x-tenant-id': '' });
    expect(unblocked.body).toEqual({ status: 'success', data: null });
    expect(actions).toEqual([
      { operation: 'listNtpInstances', tenantId: 'acme' },
      { operation: 'blockMethod', tenantId: 'idport' },
      { operation: 'unblockMethod' },
    ]);
  });

  it('serves every route below basePath, the OpenAPI document included', async () => {
    const { call } = setup({ basePath: '/auth' });
    expect((await call('POST', '/auth/ntp/v1/tenants/t/instances', { objectId: 'o' })).status).toBe(201);
    expect((await call('POST', '/ntp/v1/tenants/t/instances', { objectId: 'o' })).status).toBe(404);
    const doc = (await call('GET', '/auth/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/auth/otp/ntp/{tenantId}/{ntpId}');
    expect(Object.keys(doc.paths).every((path) => path.startsWith('/auth/'))).toBe(true);
  });

  it('throttles redeem by the clientKey, per client', async () => {
    const { call } = setup({ clientKey: (request) => request.headers.get('x-client') ?? undefined });
    for (let i = 0; i < 2; i += 1) {
      expect((await call('POST', '/otp/ntp/t', { _PASSWORD: 'nope' }, { 'x-client': 'attacker' })).status).toBe(403);
    }
    const refused = await call('POST', '/otp/ntp/t', { _PASSWORD: 'nope' }, { 'x-client': 'attacker' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('900');
    expect((await call('POST', '/otp/ntp/t', { _PASSWORD: 'nope' }, { 'x-client': 'someone-else' })).status).toBe(403);
  });

  it('does not throttle without a clientKey', async () => {
    const { call } = setup();
    for (let i = 0; i < 4; i += 1) expect((await call('POST', '/otp/ntp/t', { _PASSWORD: 'nope' })).status).toBe(403);
  });

  it('names the wire field, not the engine field, in a redeem error', async () => {
    const { call } = setup();
    expect((await call('POST', '/otp/ntp/t', { _PASSWORD: 'x', code: 'x' })).body).toEqual({
      status: 'error',
      code: 'INVALID_ARGUMENT',
      message: 'redeemCode: code is not a known field',
    });
    expect((await call('POST', '/otp/ntp/t', { _EMAIL: 'a@b.c' })).body).toMatchObject({ message: 'redeemCode: _PASSWORD is required' });
  });
});

describe('the OpenAPI document', () => {
  const doc = (async () => {
    const { call } = setup();
    return (await call('GET', '/openapi.json')).body as {
      components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }> };
    };
  })();

  it("describes request bodies by the engine's own schemas, minus what the path carries", async () => {
    const { components } = await doc;
    const create = components.schemas['createNtpInstanceBody'];
    expect(Object.keys(create?.properties ?? {}).sort()).toEqual(
      ['allowGuessableCodes', 'endTime', 'groupAddresses', 'maxRedemptions', 'maxTickets', 'ntpClass', 'objectId', 'startTime', 'ticketLength'].sort(),
    );
    expect(create?.required).toEqual(['objectId']);
    expect(create?.properties?.['ticketLength']).toMatchObject({ type: 'integer', minimum: 4, maximum: 32 });
    expect(JSON.stringify(create?.properties?.['startTime'])).not.toContain('{}');
  });

  it("names the identity provider's tenant field and the redeem path's fields as their clients send them", async () => {
    const { components } = await doc;
    expect(Object.keys(components.schemas['blockInstanceBody']?.properties ?? {}).sort()).toEqual(['instanceId', 'methodType', 'muid', 'tenant']);
    expect(components.schemas['blockInstanceBody']?.required?.sort()).toEqual(['instanceId', 'methodType', 'muid']);
    expect(Object.keys(components.schemas['redeemCodeBody']?.properties ?? {})).toEqual(['_PASSWORD', '_EMAIL']);
  });
});
