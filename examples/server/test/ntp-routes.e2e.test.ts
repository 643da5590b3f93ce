import { describe, expect, it } from 'vitest';
import { expectError, expectSuccess, useTestServer } from './harness.js';

/*
 * The NTP operator routes and the public redeem path over real HTTP: every
 * route, every 403 reason, and the 409 of the ticket limit.
 */

const file = useTestServer();
const { call } = file;

interface Instance {
  ntpId: string;
  state: string;
  maxTickets: number;
  issuedTickets: number;
  redemptions: number;
  startTime?: number;
  endTime?: number;
}
interface Issued {
  token: string;
  userId: string;
}

const instances = (tenant: string) => `/ntp/v1/tenants/${tenant}/instances`;

async function createInstance(tenant: string, body: Record<string, unknown> = {}): Promise<string> {
  const reply = await call('POST', instances(tenant), { objectId: 'iq__object', ...body });
  return expectSuccess<{ ntpId: string }>(reply, 201, 'createNtpInstance').ntpId;
}

async function issue(tenant: string, ntpId: string, body: Record<string, unknown> = {}): Promise<Issued> {
  return expectSuccess<Issued>(await call('POST', `${instances(tenant)}/${ntpId}/codes`, body), 201, 'issueNtpCode');
}

const redeem = (path: string, body: Record<string, unknown>) => call('POST', `/otp/ntp/${path}`, body, { token: null });

describe('NTP instance routes', () => {
  it('creates, reads, lists, updates, suspends and deletes an instance', async () => {
    const tenant = 'crud';
    const ntpId = await createInstance(tenant, { maxTickets: 5, startTime: '2020-11-02T23:55:51.043Z', groupAddresses: ['0x96bb'] });
    expect(ntpId).toMatch(/^QOTP[1-9A-HJ-NP-Za-km-z]{11}$/);
    const second = await createInstance(tenant);

    const read = expectSuccess<Instance>(await call('GET', `${instances(tenant)}/${ntpId}`), 200, 'ntpInstance');
    expect(read).toMatchObject({ ntpId, tenantId: tenant, objectId: 'iq__object', state: 'active', maxTickets: 5, startTime: 1604361351043 });

    const page = expectSuccess<{ ntpInstances: Instance[]; start: number; end: number; total: number }>(
      await call('GET', `${instances(tenant)}?count=1&offset=1`),
      200,
      'listNtpInstances',
    );
    expect(page).toMatchObject({ start: 1, end: 2, total: 2 });
    expect(page.ntpInstances.map((i) => i.ntpId)).toEqual([second]);

    const updated = expectSuccess<Instance>(
      await call('PATCH', `${instances(tenant)}/${ntpId}`, { maxTickets: 0, startTime: null, endTime: '2999-01-01' }),
      200,
      'updateNtpInstance',
    );
    expect(updated).toMatchObject({ maxTickets: 0, endTime: Date.UTC(2999, 0, 1) });
    expect(updated.startTime).toBeUndefined();

    expect((await call('POST', `${instances(tenant)}/${ntpId}/suspend`)).body).toEqual({ status: 'success', data: null });
    expect(expectSuccess<Instance>(await call('GET', `${instances(tenant)}/${ntpId}`), 200, 'ntpInstance').state).toBe('suspended');

    expect((await call('DELETE', `${instances(tenant)}/${ntpId}`)).body).toEqual({ status: 'success', data: null });
    expectError(await call('GET', `${instances(tenant)}/${ntpId}`), 404, 'NOT_FOUND', 'ntpInstance: ');
    expectError(await call('DELETE', `${instances(tenant)}/${ntpId}`), 404, 'NOT_FOUND', 'deleteNtpInstance: ');
  });

  it('answers 400 naming the field for an invalid instance, and for a bad page size', async () => {
    expectError(await call('POST', instances('bad'), { objectId: 'o', ticketLength: 3 }), 400, 'INVALID_ARGUMENT', 'createNtpInstance: ticketLength');
    expectError(await call('POST', instances('bad'), { objectId: 'o', startTime: 2, endTime: 1 }), 400, 'INVALID_ARGUMENT', 'createNtpInstance: endTime');
    expectError(await call('POST', instances('bad'), {}), 400, 'INVALID_ARGUMENT', 'createNtpInstance: objectId is required');
    expectError(await call('GET', `${instances('bad')}?count=0`), 400, 'INVALID_ARGUMENT', 'listNtpInstances: count');
    expectError(await call('GET', `${instances('bad')}?limit=5`), 400, 'INVALID_ARGUMENT', 'listNtpInstances: limit is not a known parameter');
  });
});

describe('issuing and redeeming', () => {
  it('issues a code that redeems by tenant and instance, and by tenant alone', async () => {
    const ntpId = await createInstance('redeem', { maxRedemptions: 2 });
    const { token, userId } = await issue('redeem', ntpId);
    expect(token).toMatch(/^[1-9A-HJ-NP-Za-km-z]{6}$/);
    expect(userId).toMatch(/^iusr[1-9A-HJ-NP-Za-km-z]{28}$/);
    const first = await redeem(`redeem/${ntpId}`, { _PASSWORD: token });
    expect(expectSuccess(first, 200, 'redeemInstanceCode')).toEqual({ objectId: 'iq__object', ntpId });
    expect(expectSuccess(await redeem('redeem', { _PASSWORD: token, _EMAIL: '' }), 200, 'redeemCode')).toEqual({ objectId: 'iq__object', ntpId });
    expectError(await redeem(`redeem/${ntpId}`, { _PASSWORD: token }), 403, 'REDEMPTION_LIMIT', 'redeemCode: ');
  });

  it('binds a code to an email: it redeems only with that email', async () => {
    const ntpId = await createInstance('email');
    const { token } = await issue('email', ntpId, { email: 'Person@Example.com' });
    expectError(await redeem(`email/${ntpId}`, { _PASSWORD: token }), 403, 'INVALID_CODE', 'redeemCode: ');
    expectError(await redeem(`email/${ntpId}`, { _PASSWORD: token, _EMAIL: 'other@example.com' }), 403, 'INVALID_CODE');
    expectSuccess(await redeem(`email/${ntpId}`, { _PASSWORD: token, _EMAIL: ' person@example.com ' }), 200, 'redeemInstanceCode');
  });

  it('answers 403 NOT_STARTED before the window and EXPIRED after suspension, for redeem and issue', async () => {
    const later = await createInstance('window', { startTime: '2999-01-01' });
    const { token } = await issue('window', later);
    expectError(await redeem(`window/${later}`, { _PASSWORD: token }), 403, 'NOT_STARTED', 'redeemCode: ');

    const open = await createInstance('window');
    const code = await issue('window', open);
    await call('POST', `${instances('window')}/${open}/suspend`);
    expectError(await redeem(`window/${open}`, { _PASSWORD: code.token }), 403, 'EXPIRED', 'redeemCode: ');
    expectError(await call('POST', `${instances('window')}/${open}/codes`, {}), 403, 'EXPIRED', 'issueNtpCode: ');
    await call('PATCH', `${instances('window')}/${open}`, { endTime: null });
    expectSuccess(await redeem(`window/${open}`, { _PASSWORD: code.token }), 200, 'redeemInstanceCode');
  });

  it('answers 409 TICKET_LIMIT once maxTickets codes were issued', async () => {
    const ntpId = await createInstance('limit', { maxTickets: 2 });
    await issue('limit', ntpId);
    await issue('limit', ntpId);
    expectError(await call('POST', `${instances('limit')}/${ntpId}/codes`, {}), 409, 'TICKET_LIMIT', 'issueNtpCode: ');
  });

  it('issues in bulk by count and by emails, all of which redeem', async () => {
    const ntpId = await createInstance('bulk');
    const byCount = expectSuccess<{ tokens: Issued[] }>(await call('POST', `${instances('bulk')}/${ntpId}/codes/bulk`, { count: 3 }), 201, 'issueNtpCodes');
    expect(byCount.tokens).toHaveLength(3);
    const emails = ['a@example.com', 'b@example.com'];
    const byEmail = expectSuccess<{ tokens: Issued[] }>(await call('POST', `${instances('bulk')}/${ntpId}/codes/bulk`, { emails }), 201, 'issueNtpCodes');
    expect(byEmail.tokens).toHaveLength(2);
    for (const { token } of byCount.tokens) expectSuccess(await redeem(`bulk/${ntpId}`, { _PASSWORD: token }), 200, 'redeemInstanceCode');
    for (const [i, { token }] of byEmail.tokens.entries()) {
      expectSuccess(await redeem('bulk', { _PASSWORD: token, _EMAIL: emails[i] }), 200, 'redeemCode');
    }
  });

  it('issues a signed code that redeems, while its bare code does not', async () => {
    const ntpId = await createInstance('signed');
    const { token } = expectSuccess<Issued>(await call('POST', `${instances('signed')}/${ntpId}/codes/signed`, {}), 201, 'issueSignedNtpCode');
    const [code, payload, signature] = token.split('.');
    expect(payload).toBeDefined();
    expect(signature).toBeDefined();
    expectError(await redeem(`signed/${ntpId}`, { _PASSWORD: code }), 403, 'INVALID_CODE');
    expectSuccess(await redeem('signed', { _PASSWORD: token }), 200, 'redeemCode');
  });
});

describe('operator views of tickets', () => {
  it('lists tickets without their codes, reports, checks status, and revokes by code and by user id', async () => {
    const tenant = 'views';
    const ntpId = await createInstance(tenant);
    const a = await issue(tenant, ntpId, { email: 'x@example.com' });
    const b = await issue(tenant, ntpId);
    const c = await issue(tenant, ntpId);
    expectSuccess(await redeem(`${tenant}/${ntpId}`, { _PASSWORD: b.token }), 200, 'redeemInstanceCode');

    const list = await call('GET', `${instances(tenant)}/${ntpId}/tickets?count=2`);
    const tickets = expectSuccess<{ tickets: { userId: string; emailBound: boolean; redemptions: number }[]; total: number; end: number }>(
      list,
      200,
      'listNtpTickets',
    );
    expect(tickets).toMatchObject({ total: 3, end: 2 });
    expect(tickets.tickets.map((t) => [t.userId, t.emailBound, t.redemptions])).toEqual([
      [a.userId, true, 0],
      [b.userId, false, 1],
    ]);
    expect(list.text).not.toContain(a.token);
    expect(list.text).not.toContain('x@example.com');

    const status = (body: Record<string, unknown>) => call('POST', `/ntp/v1/tenants/${tenant}/codes/status`, body);
    expect(expectSuccess(await status({ code: c.token, ntpId }), 200, 'ntpCodeStatus')).toMatchObject({ valid: true, objectId: 'iq__object', ntpId });
    expect(expectSuccess(await status({ code: 'unknown1' }), 200, 'ntpCodeStatus')).toMatchObject({ valid: false, reason: 'INVALID_CODE' });

    const revoke = (body: Record<string, unknown>) => call('POST', `${instances(tenant)}/${ntpId}/tickets/revoke`, body);
    expect((await revoke({ code: c.token })).body).toEqual({ status: 'success', data: null });
    expect((await revoke({ userId: a.userId })).body).toEqual({ status: 'success', data: null });
    expectError(await revoke({}), 400, 'INVALID_ARGUMENT', 'revokeNtpCode: code or userId is required');
    expectError(await redeem(`${tenant}/${ntpId}`, { _PASSWORD: c.token }), 403, 'INVALID_CODE');
    expectError(await redeem(`${tenant}/${ntpId}`, { _PASSWORD: a.token, _EMAIL: 'x@example.com' }), 403, 'INVALID_CODE');

    const report = expectSuccess(await call('GET', `${instances(tenant)}/${ntpId}/report`), 200, 'ntpInstanceReport');
    expect(report).toEqual({ issued: 3, redeemedTickets: 1, totalRedemptions: 1, revoked: 2 });
  });
});

describe('the logs', () => {
  it('never contain a code or an email', async () => {
    const ntpId = await createInstance('logs');
    const { token } = await issue('logs', ntpId, { email: 'secret-person@example.com' });
    await redeem(`logs/${ntpId}`, { _PASSWORD: token, _EMAIL: 'secret-person@example.com' });
    await redeem(`logs/${ntpId}`, { _PASSWORD: 'WRONG1', _EMAIL: 'secret-person@example.com' });
    const logs = file.server.logs.join('\n');
    expect(logs).toContain(`POST /otp/ntp/logs/${ntpId} 200`);
    expect(logs).toContain(`POST /otp/ntp/logs/${ntpId} 403`);
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('WRONG1');
    expect(logs).not.toContain('example.com');
  });
});
