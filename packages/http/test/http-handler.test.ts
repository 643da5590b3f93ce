import { createEngine, type Engine } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import fc from 'fast-check';
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
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
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
      { operation: 'unblockMethod', tenantId: 'idport' },
    ]);
  });

  it("keeps an operator scoped to acme from touching globex's methods, however the tenant is named", async () => {
    const engine = createEngine({ store: memoryStore(), secret: SECRET, defaultTenantId: 'globex' });
    const handler = createHttpHandler(engine, { defaultTenantId: 'globex', authorize: (_request, action) => action.tenantId === 'acme' });
    const post = (operation: string, body: unknown, headers: Record<string, string> = {}) =>
      handler(new Request(`http://host/case-iapi/v1/${operation}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }));
    const user = { muid: 'u', methodType: 'SMS' };
    const attempts = [
      post('blockMethod', { ...user, tenant: 'globex' }),
      post('blockMethod', user, { 'x-tenant-id': 'globex' }),
      post('blockMethod', user),
      post('deactivateMethod', user),
      post('initiateInstance', user),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(401);
    const [sms] = (await engine.methodInfo({ tenantId: 'globex', muid: 'u', methodTypes: ['SMS'] })).methodInfo;
    expect(sms).toMatchObject({ state: 'ACTIVE', activeInstances: 0, instances: [] });
    expect((await post('blockMethod', { ...user, tenant: 'acme' })).status).toBe(200);
    expect((await engine.methodInfo({ tenantId: 'acme', muid: 'u', methodTypes: ['SMS'] })).methodInfo[0]?.state).toBe('BLOCKED');
  });

  it('answers 400, never 500, for instance data nested 1,500 deep, and stores nothing', async () => {
    const { call, engine } = setup({ maxBodyBytes: 1 << 20 });
    let data: unknown = 1;
    for (let i = 0; i < 1_500; i++) data = [data];
    const reply = await call('POST', '/case-iapi/v1/initiateInstance', { tenant: 't', muid: 'u', methodType: 'CM', data });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ status: 'error', code: 'INVALID_ARGUMENT', message: 'initiateInstance: data must be nested at most 64 levels deep' });
    let shallow: unknown = 1;
    for (let i = 0; i < 40; i++) shallow = [shallow];
    const engineLimit = await call('POST', '/case-iapi/v1/initiateInstance', { tenant: 't', muid: 'u', methodType: 'CM', data: shallow });
    expect(engineLimit.body).toEqual({ status: 'error', code: 'INVALID_ARGUMENT', message: 'initiateInstance: data must be nested at most 32 levels deep' });
    expect((await engine.methodInfo({ tenantId: 't', muid: 'u', methodTypes: ['CM'] })).methodInfo[0]?.instances).toEqual([]);
  });

  it('serves every route below basePath, the OpenAPI document included', async () => {
    const { call } = setup({ basePath: '/auth' });
    expect((await call('POST', '/auth/ntp/v1/tenants/t/instances', { objectId: 'o' })).status).toBe(201);
    expect((await call('POST', '/ntp/v1/tenants/t/instances', { objectId: 'o' })).status).toBe(404);
    const doc = (await call('GET', '/auth/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/auth/otp/ntp/{tenantId}/{ntpId}');
    expect(Object.keys(doc.paths).every((path) => path.startsWith('/auth/'))).toBe(true);
  });

  describe('bulk issue', () => {
    const bulk = (handler: (r: Request) => Promise<Response>, body: unknown, accept?: string) =>
      handler(
        new Request('http://host/ntp/v1/tenants/t/instances/' + 'ID/codes/bulk', {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
        }),
      );
    async function instance(engine: Engine) {
      return engine.createNtpInstance({ tenantId: 't', objectId: 'o', ticketLength: 8 });
    }
    const at = (ntpId: string) => (handler: (r: Request) => Promise<Response>) => async (request: Request) =>
      handler(new Request(request.url.replace('/ID/', `/${ntpId}/`), { method: 'POST', body: await request.text(), headers: request.headers }));

    it('streams NDJSON, one code per line in request order, every one redeemable', async () => {
      const { engine, handler } = setup();
      const ntpId = await instance(engine);
      const response = await bulk(at(ntpId)(handler), { count: 25_000 }, 'application/x-ndjson');
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-ntpass-count')).toBe('25000');
      // Pulled in chunks, never as one string.
      const reader = response.body!.getReader();
      let text = '';
      let chunks = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks += 1;
        text += new TextDecoder().decode(value);
      }
      expect(chunks).toBeGreaterThan(10);
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      const codes = lines.map((line) => JSON.parse(line) as { token: string; userId: string });
      expect(codes).toHaveLength(25_000);
      expect(Object.keys(codes[0]!)).toEqual(['token', 'userId']);
      expect(new Set(codes.map((c) => c.token)).size).toBe(25_000);
      for (const c of [codes[0]!, codes[12_345]!, codes[24_999]!]) {
        expect(await engine.redeemCode({ tenantId: 't', code: c.token, includeNtpId: true })).toEqual({ objectId: 'o', ntpId });
      }
      expect((await engine.listNtpTickets({ tenantId: 't', ntpId, count: 1 })).total).toBe(25_000);
    });

    it('streams CSV with a header row when asked for text/csv', async () => {
      const { engine, handler } = setup();
      const ntpId = await instance(engine);
      const emails = ['a@x.org', 'b@x.org', 'c@x.org'];
      const response = await bulk(at(ntpId)(handler), { emails }, 'text/csv, application/x-ndjson;q=0.5');
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
      const rows = (await response.text()).split('\r\n');
      expect(rows[0]).toBe('token,userId');
      expect(rows.pop()).toBe('');
      expect(rows).toHaveLength(4);
      const [token, userId] = rows[2]!.split(',');
      expect(userId).toMatch(/^iusr/);
      expect(await engine.redeemCode({ tenantId: 't', code: token!, email: 'b@x.org' })).toBe('o');
    });

    it('answers the JSON envelope up to 10 000 codes and refuses more without a streamed format, issuing nothing', async () => {
      const { engine, handler } = setup();
      const ntpId = await instance(engine);
      const small = await bulk(at(ntpId)(handler), { count: 3 });
      expect(small.status).toBe(201);
      expect(((await small.json()) as { data: { tokens: unknown[] } }).data.tokens).toHaveLength(3);
      const big = await bulk(at(ntpId)(handler), { count: 10_001 }, 'application/json');
      expect(big.status).toBe(400);
      expect(await big.json()).toEqual({
        status: 'error',
        code: 'INVALID_ARGUMENT',
        message: 'issueNtpCodes: count must be at most 10000 in a JSON reply; ask for more with Accept: application/x-ndjson or text/csv',
      });
      expect((await engine.ntpInstance({ tenantId: 't', ntpId })).issuedTickets).toBe(3);
    });
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

describe('fuzzed requests', () => {
  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  const hostileJson = fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.integer({ min: 1, max: 20_000 }).map((n) => `{"tenant":"t","muid":"u","methodType":"CM","data":${nested(n)}}`),
    fc.integer({ min: 1, max: 20_000 }).map((n) => `{"objectId":${nested(n)}}`),
    fc.integer({ min: 1, max: 5_000 }).map((n) => `{"_PASSWORD":"x","_EMAIL":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
    fc.integer({ min: 1, max: 6_000 }).map((n) => `{"emails":[${Array.from({ length: n }, () => '"a@x.org"').join(',')}]}`),
    fc.constantFrom('', '{', 'null', '[]', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
  );
  const paths = fc.constantFrom(
    '/case-iapi/v1/initiateInstance',
    '/case-iapi/v1/blockMethod',
    '/case-iapi/v1/methodInfo',
    '/ntp/v1/tenants/t/instances',
    '/ntp/v1/tenants/t/instances/QOTP11111111111/codes/bulk',
    '/ntp/v1/tenants/t/codes/status',
    '/otp/ntp/t',
    '/otp/ntp/t/QOTP11111111111',
  );

  it('answers every body on every POST route with a 2xx or 4xx envelope, never a 500', async () => {
    const reported: unknown[] = [];
    const { handler } = setup({ maxBodyBytes: 1 << 20, onError: (e) => reported.push(e) });
    await fc.assert(
      fc.asyncProperty(paths, hostileJson, fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8'), async (path, body, type) => {
        const response = await handler(new Request(`http://host${path}`, { method: 'POST', body, headers: { 'content-type': type, 'x-tenant-id': 't' } }));
        expect(response.status, `${path} ${body.slice(0, 80)}`).toBeLessThan(500);
        const reply = (await response.json()) as { status: string };
        expect(['success', 'error']).toContain(reply.status);
      }),
      { numRuns: 300 },
    );
    expect(reported).toEqual([]);
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
