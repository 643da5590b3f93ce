import { expect } from 'vitest';

// Shared by the tests of examples/express, examples/fastify and examples/hono: one
// end-to-end flow, over real HTTP, whatever framework mounts the handler.

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export { TEST_SECRET as SECRET } from '@ntpass/core/testing';
export const BASE_PATH = '/api/ntpass';

interface Reply {
  readonly status: number;
  readonly body: { status?: string; data?: Record<string, unknown>; code?: string } & Record<string, unknown>;
}

async function call(url: string, init: { method?: string; body?: unknown; operator?: boolean } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (init.operator === true) headers['authorization'] = `Bearer ${ADMIN_TOKEN}`;
  // Operator routes require JSON bodies declared as such.
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  // The framework's own 404 is HTML or text: only JSON replies are parsed.
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, body: json ? (JSON.parse(text) as Reply['body']) : { text } };
}

/**
 * Creates an instance and issues a code (operator routes), redeems it once
 * and is refused the second time (public route), reads the report, and reads
 * the OpenAPI document, then guesses until throttled: all under the base
 * path of `origin` (`http://127.0.0.1:port`).
 * The framework's own `/health` route still answers beside the mount.
 */
export async function checkMountedFlow(origin: string): Promise<void> {
  const base = `${origin}${BASE_PATH}`;
  const tenant = `${base}/ntp/v1/tenants/acme`;

  expect(await call(`${origin}/health`)).toEqual({ status: 200, body: { ok: true } });

  const refused = await call(`${tenant}/instances`, { method: 'POST', body: { objectId: 'iq__gala' } });
  expect(refused).toMatchObject({ status: 401, body: { status: 'error', code: 'UNAUTHORIZED' } });

  const created = await call(`${tenant}/instances`, { method: 'POST', operator: true, body: { objectId: 'iq__gala', maxRedemptions: 1 } });
  expect(created).toMatchObject({ status: 201, body: { status: 'success' } });
  const ntpId = created.body.data?.['ntpId'] as string;
  expect(ntpId).toMatch(/^QOTP/);

  const issued = await call(`${tenant}/instances/${ntpId}/codes`, { method: 'POST', operator: true, body: {} });
  expect(issued).toMatchObject({ status: 201, body: { status: 'success' } });
  const token = issued.body.data?.['token'] as string;

  const redeemed = await call(`${base}/otp/ntp/acme/${ntpId}`, { method: 'POST', body: { _PASSWORD: token } });
  expect(redeemed).toEqual({ status: 200, body: { status: 'success', data: { objectId: 'iq__gala', ntpId } } });
  const again = await call(`${base}/otp/ntp/acme/${ntpId}`, { method: 'POST', body: { _PASSWORD: token } });
  expect(again).toMatchObject({ status: 403, body: { status: 'error', code: 'REDEMPTION_LIMIT' } });

  const report = await call(`${tenant}/instances/${ntpId}/report`, { operator: true });
  expect(report).toMatchObject({ status: 200, body: { status: 'success', data: { issued: 1, redeemedTickets: 1, totalRedemptions: 1 } } });

  const openapi = await call(`${base}/openapi.json`);
  expect(openapi.status).toBe(200);
  expect(openapi.body['openapi']).toBe('3.1.0');
  expect(Object.keys(openapi.body['paths'] as object)).toEqual(
    expect.arrayContaining([`${BASE_PATH}/otp/ntp/{tenantId}/{ntpId}`, `${BASE_PATH}/ntp/v1/tenants/{tenantId}/instances`]),
  );

  // The socket address reaches clientKey: wrong guesses from this client are throttled.
  let attempts = 0;
  let last: Reply = again;
  while (last.status !== 429 && attempts < 100) {
    attempts += 1;
    last = await call(`${base}/otp/ntp/acme/${ntpId}`, { method: 'POST', body: { _PASSWORD: `wrong${attempts}` } });
  }
  expect(last).toMatchObject({ status: 429, body: { code: 'THROTTLED' } });

  // Outside the base path, ntpass answers nothing: the framework's own 404.
  expect((await call(`${origin}/otp/ntp/acme/${ntpId}`, { method: 'POST', body: { _PASSWORD: token } })).status).toBe(404);
}
