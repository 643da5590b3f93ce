import { ERROR_CODES, NtpassError, type NtpassErrorCode } from '@ntpass/core';
import { describe, expect, it } from 'vitest';
import { STATUS_BY_ERROR_CODE } from '../src/error-status.js';
import type { HttpAction, HttpHandlerOptions } from '../src/options.js';
import { createRouteHandler } from '../src/route-handler.js';
import { bodyTenantRoutes, echoRoutes, type Echo } from './fixtures/echo-routes.js';

const routes = [...echoRoutes, ...bodyTenantRoutes];

function setup(options: Partial<HttpHandlerOptions> = {}) {
  const engine: Echo = { calls: [] };
  const actions: HttpAction[] = [];
  const reported: unknown[] = [];
  const handler = createRouteHandler(engine, routes, {
    authorize: (request, action) => {
      actions.push(action);
      return request.headers.get('authorization') === 'Bearer ok';
    },
    onError: (error) => reported.push(error),
    ...options,
  });
  return { engine, actions, reported, handler };
}

const auth = { authorization: 'Bearer ok' };
const JSON_TYPE = { 'content-type': 'application/json' };

function post(path: string, body: string, headers: Record<string, string> = auth): Request {
  return new Request(`http://x${path}`, { method: 'POST', body, headers: { ...JSON_TYPE, ...headers } });
}

describe('createRouteHandler', () => {
  it('wraps a result in the success envelope with the route status', async () => {
    const { handler, engine } = setup();
    const response = await handler(post('/things/t1', '{"name":"a"}'));
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'success', data: { id: 't1/a' } });
    expect(engine.calls).toEqual([{ params: { tenantId: 't1' }, body: { name: 'a' } }]);
  });

  it('answers null data for an operation that returns nothing', async () => {
    const { handler } = setup();
    const response = await handler(post('/public/t1', ''));
    expect(await response.json()).toEqual({ status: 'success', data: null });
  });

  it('serves routes only below basePath', async () => {
    const { handler } = setup({ basePath: '/api/v1' });
    expect((await handler(post('/api/v1/things/t1', '{"name":"a"}'))).status).toBe(201);
    const outside = await handler(post('/things/t1', '{"name":"a"}'));
    expect(outside.status).toBe(404);
    expect(await outside.json()).toEqual({ status: 'error', code: 'NOT_FOUND', message: 'no route for this path' });
    expect((await handler(post('/api/v1x/things/t1', '{"name":"a"}'))).status).toBe(404);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const { handler } = setup();
    const response = await handler(new Request('http://x/things/t1', { method: 'DELETE', headers: auth }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, GET');
    expect(await response.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
  });

  it('decodes path parameters and refuses a malformed escape', async () => {
    const { handler, engine } = setup();
    await handler(post('/things/a%2Fb%20c', '{"name":"a"}'));
    expect(engine.calls).toEqual([{ params: { tenantId: 'a/b c' }, body: { name: 'a' } }]);
    const bad = await handler(post('/things/%E0%A4%A', '{"name":"a"}'));
    expect(bad.status).toBe(400);
  });

  describe('authorize', () => {
    it('refuses with 401 unless authorize returns exactly true, before reading the body', async () => {
      for (const verdict of [false, undefined, 'yes', 1]) {
        const { handler, engine } = setup({ authorize: () => verdict as boolean });
        const response = await handler(post('/things/t1', 'not json'));
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="ntpass"');
        expect(await response.json()).toEqual({ status: 'error', code: 'UNAUTHORIZED', message: 'createThing: not authorized' });
        expect(engine.calls).toEqual([]);
      }
    });

    it('names the operation and the tenant of the path, else of the x-tenant-id header', async () => {
      const { handler, actions } = setup();
      await handler(post('/things/t1', '{"name":"a"}', { ...auth, 'x-tenant-id': 'other' }));
      await handler(new Request('http://x/things/t2?count=1', { headers: auth }));
      expect(actions).toEqual([
        { operation: 'createThing', tenantId: 't1' },
        { operation: 'listThings', tenantId: 't2' },
      ]);
    });

    it('gets the tenant the operation acts on: body tenant, else header, else defaultTenantId', async () => {
      const { handler, actions, engine } = setup({ defaultTenantId: 'fallback' });
      await handler(post('/moves', '{"tenant":"acme","name":"a"}'));
      await handler(post('/moves', '{"tenant":"acme","name":"b"}', { ...auth, 'x-tenant-id': 'acme' }));
      await handler(post('/moves', '{"name":"c"}', { ...auth, 'x-tenant-id': 'globex' }));
      await handler(post('/moves', '{"name":"d"}'));
      expect(actions).toEqual([
        { operation: 'moveThing', tenantId: 'acme' },
        { operation: 'moveThing', tenantId: 'acme' },
        { operation: 'moveThing', tenantId: 'globex' },
        { operation: 'moveThing', tenantId: 'fallback' },
      ]);
      // The engine acts on exactly the tenant authorize saw, never an implicit default of its own.
      expect(engine.calls).toEqual([
        { tenantId: 'acme', name: 'a' },
        { tenantId: 'acme', name: 'b' },
        { tenantId: 'globex', name: 'c' },
        { tenantId: 'fallback', name: 'd' },
      ]);
    });

    it('lets an operator scoped to one tenant change nothing of another, wherever the request names it', async () => {
      const calls: unknown[] = [];
      const handler = createRouteHandler({ calls }, routes, {
        defaultTenantId: 'globex',
        authorize: (_request, action) => action.tenantId === 'acme',
      });
      const refused = [
        post('/moves', '{"tenant":"globex","name":"a"}'),
        post('/moves', '{"name":"a"}', { ...auth, 'x-tenant-id': 'globex' }),
        post('/moves', '{"name":"a"}'),
        post('/things/globex', '{"name":"a"}', { ...auth, 'x-tenant-id': 'acme' }),
      ];
      for (const request of refused) expect((await handler(request)).status).toBe(401);
      expect(calls).toEqual([]);
      expect((await handler(post('/moves', '{"tenant":"acme","name":"a"}'))).status).toBe(200);
      expect(calls).toEqual([{ tenantId: 'acme', name: 'a' }]);
    });

    it('refuses a request naming no tenant, or two, or a malformed one, with 400 before authorize', async () => {
      const { handler, actions, engine } = setup();
      const cases: [Request, string][] = [
        [post('/moves', '{"name":"a"}'), 'moveThing: tenant is required (in the body, the x-tenant-id header, or createHttpHandler({ defaultTenantId }))'],
        [post('/moves', '{"tenant":"acme","name":"a"}', { ...auth, 'x-tenant-id': 'globex' }), 'moveThing: tenant differs from the x-tenant-id header'],
        [post('/moves', '{"name":"a"}', { ...auth, 'x-tenant-id': 'x'.repeat(257) }), 'moveThing: x-tenant-id must be 1 to 256 characters'],
        [post('/moves', '{"tenant":7,"name":"a"}'), 'moveThing: tenant must be a string'],
        [post('/moves', '{"tenant":"","name":"a"}', { ...auth, 'x-tenant-id': 'acme' }), 'moveThing: tenant must be 1 to 256 characters'],
      ];
      for (const [request, message] of cases) {
        const response = await handler(request);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ status: 'error', code: 'INVALID_ARGUMENT', message });
      }
      expect(actions).toEqual([]);
      expect(engine.calls).toEqual([]);
    });

    it('on a body-tenant route, reads only the tenant before authorize: an unauthorized caller gets 401, never a schema error', async () => {
      const { handler, engine } = setup();
      const refused = await handler(post('/moves', '{"tenant":"acme","name":1,"extra":true}', {}));
      expect(refused.status).toBe(401);
      const allowed = await handler(post('/moves', '{"tenant":"acme","name":1}'));
      expect(allowed.status).toBe(400);
      expect(engine.calls).toEqual([]);
    });

    it('is not asked for public routes, which get the clientKey instead', async () => {
      const { handler, actions, engine } = setup({ clientKey: (request) => request.headers.get('x-client') ?? undefined });
      await handler(post('/public/t1', '{}', { 'x-client': '10.0.0.1' }));
      await handler(post('/public/t1', '{}', { 'x-client': '' }));
      expect(actions).toEqual([]);
      expect(engine.calls).toEqual(['10.0.0.1', undefined]);
    });
  });

  describe('bodies', () => {
    it('answers 400 for malformed JSON without quoting the body', async () => {
      const { handler } = setup();
      const response = await handler(post('/things/t1', '{"name":"SECRET-CODE'));
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ status: 'error', code: 'INVALID_ARGUMENT', message: 'createThing: request body is not valid JSON' });
      expect(text).not.toContain('SECRET');
    });

    it('answers 400 for a body that is not an object, naming the field otherwise', async () => {
      const { handler } = setup();
      const cases: [string, string][] = [
        ['[1]', 'createThing: request body must be a JSON object'],
        ['"x"', 'createThing: request body must be a JSON object'],
        ['{}', 'createThing: name is required'],
        ['{"name":1}', 'createThing: name Invalid input: expected string, received number'],
        ['{"name":"a","extra":1}', 'createThing: extra is not a known field'],
      ];
      for (const [body, message] of cases) {
        const response = await handler(post('/things/t1', body));
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ status: 'error', code: 'INVALID_ARGUMENT', message });
      }
    });

    it('answers 415 for a body that is not declared application/json, reading none of it', async () => {
      const { handler, engine } = setup();
      const types = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'json'];
      for (const type of types) {
        for (const path of ['/things/t1', '/public/t1']) {
          const response = await handler(new Request(`http://x${path}`, { method: 'POST', body: '{"name":"a"}', headers: { ...auth, 'content-type': type } }));
          expect(response.status).toBe(415);
          expect(await response.json()).toMatchObject({ status: 'error', code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/: request body must be application\/json$/) });
        }
      }
      // A body with no type at all is refused too; no body at all is {}.
      const untyped = new Request('http://x/things/t1', { method: 'POST', body: new TextEncoder().encode('{"name":"a"}'), headers: auth });
      expect((await handler(untyped)).status).toBe(415);
      expect((await handler(new Request('http://x/public/t1', { method: 'POST' }))).status).toBe(200);
      expect(engine.calls).toEqual([undefined]);
      for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/json;charset=UTF-8']) {
        const response = await handler(new Request('http://x/things/t1', { method: 'POST', body: '{"name":"a"}', headers: { ...auth, 'content-type': type } }));
        expect(response.status).toBe(201);
      }
    });

    it('answers 400 naming the field for JSON nested deeper than 64 levels, never a RangeError', async () => {
      const { handler, engine, reported } = setup({ maxBodyBytes: 1 << 20 });
      for (const levels of [65, 1_500, 100_000]) {
        const body = `{"name":"a","deep":${'['.repeat(levels)}${']'.repeat(levels)}}`;
        const response = await handler(post('/moves', body, { ...auth, 'x-tenant-id': 'acme' }));
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ status: 'error', code: 'INVALID_ARGUMENT', message: 'moveThing: deep must be nested at most 64 levels deep' });
      }
      const top = await handler(post('/things/t1', '['.repeat(70) + ']'.repeat(70)));
      expect(await top.json()).toMatchObject({ message: 'createThing: request body must be nested at most 64 levels deep' });
      const fits = `{"name":"a","deep":${'['.repeat(63)}${']'.repeat(63)}}`;
      expect((await handler(post('/moves', fits, { ...auth, 'x-tenant-id': 'acme' }))).status).toBe(200);
      expect(engine.calls).toHaveLength(1);
      expect(reported).toEqual([]);
    });

    it('answers 400 for a body that is not UTF-8', async () => {
      const { handler } = setup();
      const response = await handler(new Request('http://x/things/t1', { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { ...auth, ...JSON_TYPE } }));
      expect(response.status).toBe(400);
    });

    it('reads an empty body as {}', async () => {
      const { handler, engine } = setup();
      expect((await handler(post('/public/t1', ''))).status).toBe(200);
      expect(engine.calls).toHaveLength(1);
    });

    it('answers 413 for a declared length over maxBodyBytes', async () => {
      const { handler, engine } = setup({ maxBodyBytes: 16 });
      const response = await handler(post('/things/t1', JSON.stringify({ name: 'x'.repeat(20) })));
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        status: 'error',
        code: 'PAYLOAD_TOO_LARGE',
        message: 'createThing: request body is larger than 16 bytes',
      });
      expect(engine.calls).toEqual([]);
    });

    it('answers 413 for a streamed body once it passes the limit, reading no further', async () => {
      const { handler } = setup({ maxBodyBytes: 100 });
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(40).fill(0x20));
        },
      });
      const request = new Request('http://x/things/t1', { method: 'POST', body, headers: { ...auth, ...JSON_TYPE }, duplex: 'half' } as RequestInit);
      expect((await handler(request)).status).toBe(413);
      expect(pulled).toBeLessThanOrEqual(4);
    });

    it('accepts a body of exactly maxBodyBytes', async () => {
      const body = JSON.stringify({ name: 'abc' });
      const { handler } = setup({ maxBodyBytes: new TextEncoder().encode(body).length });
      expect((await handler(post('/things/t1', body))).status).toBe(201);
    });
  });

  describe('query strings', () => {
    it('reads digits as numbers and refuses unknown or repeated parameters', async () => {
      const { handler } = setup();
      const get = (query: string) => handler(new Request(`http://x/things/t1${query}`, { headers: auth }));
      expect(await (await get('?count=5')).json()).toEqual({ status: 'success', data: { count: 5 } });
      expect(await (await get('')).json()).toEqual({ status: 'success', data: {} });
      const text = await get('?count=five');
      expect(text.status).toBe(400);
      expect(await text.json()).toMatchObject({ message: expect.stringMatching(/^listThings: count /) });
      expect(await (await get('?count=1&count=2')).json()).toMatchObject({ message: 'listThings: count is given more than once' });
      expect(await (await get('?__proto__=1')).json()).toMatchObject({ message: 'listThings: __proto__ is not a known parameter' });
    });
  });

  describe('errors', () => {
    it('maps every engine error code to its SPEC §7 status', async () => {
      const expected: Record<NtpassErrorCode, number> = {
        INVALID_ARGUMENT: 400,
        NOT_FOUND: 404,
        INVALID_CODE: 403,
        REDEMPTION_LIMIT: 403,
        EXPIRED: 403,
        NOT_STARTED: 403,
        INVALID_TRANSITION: 409,
        METHOD_BLOCKED: 409,
        METHOD_DEACTIVATED: 409,
        TICKET_LIMIT: 409,
        CONFLICT: 409,
        THROTTLED: 429,
        STORE_UNAVAILABLE: 503,
      };
      expect(STATUS_BY_ERROR_CODE).toEqual(expected);
      for (const code of ERROR_CODES) {
        const { handler, engine } = setup();
        engine.fail = new NtpassError(code, `createThing: failed with ${code}`, { retryAfterMs: 1 });
        const response = await handler(post('/things/t1', '{"name":"a"}'));
        expect(response.status).toBe(expected[code]);
        expect(await response.json()).toEqual({ status: 'error', code, message: `createThing: failed with ${code}` });
      }
    });

    it('sends Retry-After in whole seconds, rounded up', async () => {
      for (const [ms, seconds] of [[1, '1'], [1000, '1'], [1001, '2'], [899_999, '900']] as const) {
        const { handler, engine } = setup();
        engine.fail = new NtpassError('THROTTLED', 'createThing: too many failures', { retryAfterMs: ms });
        const response = await handler(post('/things/t1', '{"name":"a"}'));
        expect(response.headers.get('retry-after')).toBe(seconds);
      }
    });

    it('answers an unknown error with a bare 500 and reports it', async () => {
      const { handler, engine, reported } = setup();
      const failure = new Error('connection to 10.1.2.3 lost while reading user@example.com');
      engine.fail = failure;
      const response = await handler(post('/things/t1', '{"name":"a"}'));
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ status: 'error', code: 'INTERNAL', message: 'createThing: internal error' });
      expect(text).not.toMatch(/10\.1\.2\.3|example\.com|at /);
      expect(reported).toEqual([failure]);
    });

    it('reports a 503 but not a client error', async () => {
      const { handler, engine, reported } = setup();
      engine.fail = new NtpassError('NOT_FOUND', 'createThing: no such thing');
      await handler(post('/things/t1', '{"name":"a"}'));
      expect(reported).toEqual([]);
      engine.fail = new NtpassError('STORE_UNAVAILABLE', 'createThing: store unavailable');
      expect((await handler(post('/things/t1', '{"name":"a"}'))).status).toBe(503);
      expect(reported).toEqual([engine.fail]);
    });

    it('answers 500 when authorize throws', async () => {
      const { handler } = setup({
        authorize: () => {
          throw new Error('auth backend down');
        },
      });
      expect((await handler(post('/things/t1', '{"name":"a"}'))).status).toBe(500);
    });
  });

  describe('options', () => {
    it('refuses a missing authorize, a bad basePath, a bad limit and unknown options', () => {
      const make = (options: unknown) => () => createRouteHandler({ calls: [] }, echoRoutes, options as HttpHandlerOptions);
      expect(make({})).toThrow('createHttpHandler: authorize is required');
      expect(make({ authorize: () => true, basePath: 'api' })).toThrow('createHttpHandler: basePath must be empty or a path');
      expect(make({ authorize: () => true, basePath: '/api/' })).toThrow('createHttpHandler: basePath');
      expect(make({ authorize: () => true, maxBodyBytes: 0 })).toThrow('createHttpHandler: maxBodyBytes must be a positive integer');
      expect(make({ authorize: () => true, clientKey: 'ip' })).toThrow('createHttpHandler: clientKey must be a function');
      expect(make({ authorize: () => true, cors: true })).toThrow('createHttpHandler: cors is not a known option');
    });
  });
});
