import { describe, expect, it } from 'vitest';
import { expectError, expectSuccess, useTestServer } from './harness.js';

/*
 * The identity provider's routes over real HTTP, with the seed's own request
 * and reply bodies.
 */

const { call } = useTestServer({ defaultTenantId: 'default-tenant' });

const iapi = (operation: string, body: unknown, options?: Parameters<typeof call>[3]) =>
  call('POST', `/case-iapi/v1/${operation}`, body, options);

interface MethodInfoData {
  methodInfo: { methodType: string; state: string; activeInstances: number; instances: { instanceId: string; state: string }[] }[];
}

describe('identity-provider routes', () => {
  it("answers methodInfo for a method never seen exactly as the seed's example", async () => {
    const reply = await iapi('methodInfo', { tenant: 'idport', muid: 'cg2t1', methodTypes: ['PASSWORD'] });
    expect(reply.body).toEqual({
      status: 'success',
      data: {
        methodInfo: [
          { methodType: 'PASSWORD', state: 'ACTIVE', activeInstances: 0, instances: [], failedAttempts: 0, remainingAttempts: 3 },
        ],
      },
    });
    expectSuccess(reply, 200, 'methodInfo');
  });

  it('walks an instance through initiate, activate, block, unblock and deactivate with data: null replies', async () => {
    const user = { tenant: 'idport', muid: 'walk-user', methodType: 'PASSWORD' };
    const { instanceId } = expectSuccess<{ instanceId: string }>(await iapi('initiateInstance', user), 200, 'initiateInstance');
    expect(instanceId).toMatch(/^PASSWORD:[0-9a-f-]{36}:walk-user$/);
    const instance = { ...user, instanceId };
    for (const operation of ['activateInstance', 'blockInstance']) {
      expect((await iapi(operation, instance)).body).toEqual({ status: 'success', data: null });
    }
    let info = expectSuccess<MethodInfoData>(await iapi('methodInfo', { ...user, methodType: undefined, methodTypes: ['PASSWORD'] }), 200, 'methodInfo');
    expect(info.methodInfo[0]).toMatchObject({ state: 'ACTIVE', activeInstances: 0, instances: [{ instanceId, state: 'BLOCKED' }] });
    expect((await iapi('unblockInstance', instance)).body).toEqual({ status: 'success', data: null });
    expect((await iapi('deactivateInstance', instance)).body).toEqual({ status: 'success', data: null });
    info = expectSuccess<MethodInfoData>(await iapi('methodInfo', { tenant: 'idport', muid: 'walk-user', methodTypes: ['PASSWORD'] }), 200, 'methodInfo');
    expect(info.methodInfo[0]?.instances).toEqual([expect.objectContaining({ instanceId, state: 'DEACTIVATED' })]);
  });

  it('blocks, unblocks, deactivates and reactivates a method', async () => {
    const method = { tenant: 'idport', muid: 'method-user', methodType: 'SMS' };
    const stateOf = async () =>
      expectSuccess<MethodInfoData>(await iapi('methodInfo', { tenant: 'idport', muid: 'method-user', methodTypes: ['SMS'] }), 200, 'methodInfo')
        .methodInfo[0]?.state;
    expect((await iapi('blockMethod', method)).body).toEqual({ status: 'success', data: null });
    expect(await stateOf()).toBe('BLOCKED');
    expect((await iapi('unblockMethod', method)).body).toEqual({ status: 'success', data: null });
    expect(await stateOf()).toBe('ACTIVE');
    expect((await iapi('deactivateMethod', method)).body).toEqual({ status: 'success', data: null });
    expect(await stateOf()).toBe('DEACTIVATED');
    expect((await iapi('activateMethod', method)).body).toEqual({ status: 'success', data: null });
    expect(await stateOf()).toBe('ACTIVE');
  });

  it('takes the tenant from the x-tenant-id header, else the default tenant, and keeps tenants apart', async () => {
    const method = { muid: 'tenant-user', methodType: 'CM' };
    await iapi('blockMethod', method, { headers: { 'x-tenant-id': 'tenant-a' } });
    const stateIn = async (tenant?: string) =>
      expectSuccess<MethodInfoData>(await iapi('methodInfo', { ...(tenant ? { tenant } : {}), muid: 'tenant-user', methodTypes: ['CM'] }), 200, 'methodInfo')
        .methodInfo[0]?.state;
    expect(await stateIn('tenant-a')).toBe('BLOCKED');
    expect(await stateIn('tenant-b')).toBe('ACTIVE');
    expect(await stateIn()).toBe('ACTIVE');
    await iapi('blockMethod', method);
    expect(await stateIn('default-tenant')).toBe('BLOCKED');
  });

  it('refuses a body tenant that differs from the header with 400', async () => {
    const reply = await iapi('blockMethod', { tenant: 'a', muid: 'u', methodType: 'SMS' }, { headers: { 'x-tenant-id': 'b' } });
    expectError(reply, 400, 'INVALID_ARGUMENT', 'blockMethod: tenant differs from the x-tenant-id header');
  });

  it('answers 400 naming the field for a missing muid, an unknown method type or an unknown field', async () => {
    expectError(await iapi('blockMethod', { tenant: 'idport', methodType: 'SMS' }), 400, 'INVALID_ARGUMENT', 'blockMethod: muid is required');
    expectError(await iapi('blockMethod', { tenant: 'idport', muid: 'u', methodType: 'FAX' }), 400, 'INVALID_ARGUMENT', 'blockMethod: methodType');
    expectError(await iapi('blockMethod', { tenant: 'idport', muid: 'u', methodType: 'SMS', tenantId: 'x' }), 400, 'INVALID_ARGUMENT', 'blockMethod: tenantId is not a known field');
  });

  it('answers 404 for an unknown instance', async () => {
    const reply = await iapi('blockInstance', { tenant: 'idport', muid: 'nobody', methodType: 'PASSWORD', instanceId: 'PASSWORD:none:nobody' });
    expectError(reply, 404, 'NOT_FOUND', 'blockInstance: ');
  });

  it('answers 409 for a transition the state machine refuses, and for a blocked method', async () => {
    const method = { tenant: 'idport', muid: 'conflict-user', methodType: 'PASSWORD' };
    expectError(await iapi('unblockMethod', method), 409, 'INVALID_TRANSITION', 'unblockMethod: ');
    await iapi('blockMethod', method);
    expectError(await iapi('initiateInstance', method), 409, 'METHOD_BLOCKED', 'initiateInstance: ');
    await iapi('deactivateMethod', method);
    expectError(await iapi('initiateInstance', method), 409, 'METHOD_DEACTIVATED', 'initiateInstance: ');
  });
});
