import { httpRoutes } from '@ntpass/http';
import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { client, expectError, expectSuccess, startTestServer, useTestServer } from './harness.js';
import { outageStore } from './outage-store.js';

/* Every error status of SPEC §7 over real HTTP, and the OpenAPI document. */

const file = useTestServer();
const { call } = file;

describe('error statuses', () => {
  it('401 without a token, with a wrong token, or with another scheme, on every operator route', async () => {
    const operatorRoutes = httpRoutes().filter((route) => route.access === 'operator');
    expect(operatorRoutes.length).toBeGreaterThanOrEqual(23);
    for (const route of operatorRoutes) {
      const path = route.path.replace('{tenantId}', 't').replace('{ntpId}', 'QOTP11111111111');
      // x-tenant-id: the identity-provider routes name no tenant in this body, and one naming none at all is 400 before authorize.
      for (const headers of [{ 'x-tenant-id': 't' }, { 'x-tenant-id': 't', authorization: 'Bearer wrong-token-wrong-token' }, { 'x-tenant-id': 't', authorization: 'Basic YWRtaW46YWRtaW4=' }]) {
        const reply = await call(route.method, path, route.body ? {} : undefined, { token: null, headers });
        expectError(reply, 401, 'UNAUTHORIZED', `${route.operation}: not authorized`);
        expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="ntpass"');
      }
    }
  });

  it('400 for malformed JSON, without echoing it', async () => {
    const reply = await call('POST', '/otp/ntp/t', undefined, { raw: '{"_PASSWORD": "Abc123', token: null });
    expectError(reply, 400, 'INVALID_ARGUMENT', 'redeemCode: request body is not valid JSON');
    expect(reply.text).not.toContain('Abc123');
    expectError(await call('POST', '/case-iapi/v1/blockMethod', undefined, { raw: 'muid=x' }), 400, 'INVALID_ARGUMENT');
  });

  it('404 for a path no route serves', async () => {
    expectError(await call('GET', '/nothing/here'), 404, 'NOT_FOUND');
    expectError(await call('POST', '/case-iapi/v1/unknownOperation', {}), 404, 'NOT_FOUND');
  });

  it('405 with Allow for a served path and another method', async () => {
    const reply = await call('GET', '/case-iapi/v1/methodInfo');
    expectError(reply, 405, 'METHOD_NOT_ALLOWED');
    expect(reply.headers.get('allow')).toBe('POST');
    const instance = await call('PUT', '/ntp/v1/tenants/t/instances/QOTP11111111111', {});
    expect(instance.status).toBe(405);
    expect(instance.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  it('413 for a body over 64 KiB, on public and operator routes', async () => {
    const big = { _PASSWORD: 'x'.repeat(64 * 1024) };
    expectError(await call('POST', '/otp/ntp/t', big, { token: null }), 413, 'PAYLOAD_TOO_LARGE', 'redeemCode: request body is larger than 65536 bytes');
    const emails = Array.from({ length: 5000 }, (_, i) => `person-${i}@example.com`);
    expectError(await call('POST', '/ntp/v1/tenants/t/instances/QOTP11111111111/codes/bulk', { emails }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('429 with Retry-After once a client sent 10 invalid codes, even for a valid code then', async () => {
    const created = await call('POST', '/ntp/v1/tenants/throttle/instances', { objectId: 'o' });
    const { ntpId } = expectSuccess<{ ntpId: string }>(created, 201, 'createNtpInstance');
    const issued = await call('POST', `/ntp/v1/tenants/throttle/instances/${ntpId}/codes`, {});
    const { token } = expectSuccess<{ token: string }>(issued, 201, 'issueNtpCode');
    for (let i = 0; i < 10; i += 1) {
      expectError(await call('POST', '/otp/ntp/throttle', { _PASSWORD: `wrong${i}` }, { token: null }), 403, 'INVALID_CODE');
    }
    const refused = await call('POST', `/otp/ntp/throttle/${ntpId}`, { _PASSWORD: token }, { token: null });
    expectError(refused, 429, 'THROTTLED', 'redeemCode: ');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(Number.isInteger(retryAfter)).toBe(true);
    // The throttle counts per client across tenants (SPEC §3.5): the same client elsewhere is throttled too.
    expectError(await call('POST', '/otp/ntp/elsewhere', { _PASSWORD: 'wrong' }, { token: null }), 429, 'THROTTLED');
  });

  it('503 when the store is unreachable, without the driver message, and reported in the log', async () => {
    const store = outageStore(memoryStore());
    const failing = await startTestServer({ store });
    try {
      const failingCall = client(failing.url);
      const created = await failingCall('POST', '/ntp/v1/tenants/t/instances', { objectId: 'o' });
      const { ntpId } = expectSuccess<{ ntpId: string }>(created, 201, 'createNtpInstance');
      store.fail();
      const read = await failingCall('GET', `/ntp/v1/tenants/t/instances/${ntpId}`);
      expectError(read, 503, 'STORE_UNAVAILABLE', 'ntpInstance: store unavailable');
      expect(read.text).not.toContain('ECONNREFUSED');
      const redeem = await failingCall('POST', '/otp/ntp/t', { _PASSWORD: 'Abc123' }, { token: null });
      expectError(redeem, 503, 'STORE_UNAVAILABLE');
      const method = await failingCall('POST', '/case-iapi/v1/methodInfo', { tenant: 't', muid: 'u', methodTypes: ['PASSWORD'] });
      expectError(method, 503, 'STORE_UNAVAILABLE', 'methodInfo: store unavailable');
      expect(failing.logs).toContain('ntpInstance failed with 503: NtpassError');
      expect(failing.logs.join('\n')).not.toContain('ECONNREFUSED');
    } finally {
      await failing.close();
    }
  });
});

describe('GET /openapi.json', () => {
  it('is public and documents every route with its method, body and responses', async () => {
    const reply = await call('GET', '/openapi.json', undefined, { token: null });
    expect(reply.status).toBe(200);
    const doc = reply.body as unknown as { openapi: string; paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    const served = httpRoutes().map((route) => `${route.method} ${route.path} ${route.operationId ?? route.operation}`);
    expect(documented.sort()).toEqual(served.sort());
    expect(served).toContain('POST /otp/ntp/{tenantId}/{ntpId} redeemInstanceCode');
    expect(doc.paths['/case-iapi/v1/blockInstance']?.['post']?.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/otp/ntp/{tenantId}']?.['post']?.responses ?? {})).toEqual(['200', '400', '403', '409', '413', '415', '429', '500', '503']);
  });
});
