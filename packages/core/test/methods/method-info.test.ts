import { describe, expect, it } from 'vitest';
import { accept, activeInstance, reject, setup } from './setup.js';

describe('methodInfo', () => {
  it("describes a never-seen method exactly as the seed's example", async () => {
    const { engine } = setup();
    const result = await engine.methodInfo({ tenantId: 'idport', muid: 'cg2t1', methodTypes: ['PASSWORD'] });
    expect(JSON.stringify(result)).toBe(
      JSON.stringify({
        methodInfo: [{ methodType: 'PASSWORD', state: 'ACTIVE', activeInstances: 0, instances: [], failedAttempts: 0, remainingAttempts: 3 }],
      }),
    );
  });

  it('answers in the order asked, repeats included', async () => {
    const { engine } = setup();
    const { methodInfo } = await engine.methodInfo({ muid: 'u', methodTypes: ['SMS', 'PASSWORD', 'TLS_CLIENT', 'SMS'] });
    expect(methodInfo.map((m) => m.methodType)).toEqual(['SMS', 'PASSWORD', 'TLS_CLIENT', 'SMS']);
  });

  it('lists instances oldest first with exactly instanceId, state, createdAt and lastUsedAt once used', async () => {
    const { engine, clock } = setup();
    const t0 = clock.now();
    await activeInstance(engine, 'u', 'CM', 'phone');
    clock.advance(1000);
    await engine.initiateInstance({ muid: 'u', methodType: 'CM', instanceId: 'tablet' });
    clock.advance(1000);
    await engine.authenticate({ muid: 'u', methodType: 'CM', instanceId: 'phone', verify: accept });
    const [cm] = (await engine.methodInfo({ muid: 'u', methodTypes: ['CM'] })).methodInfo;
    expect(cm!.instances).toEqual([
      { instanceId: 'phone', state: 'ACTIVE', createdAt: t0, lastUsedAt: t0 + 2000 },
      { instanceId: 'tablet', state: 'INITIATED', createdAt: t0 + 1000 },
    ]);
    expect(Object.keys(cm!.instances[1]!)).toEqual(['instanceId', 'state', 'createdAt']);
    expect(cm!.activeInstances).toBe(1);
  });

  it('keeps method types of one user apart, and users and tenants apart', async () => {
    const { engine } = setup();
    await activeInstance(engine, 'u', 'PASSWORD');
    await engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: reject });
    const fresh = { state: 'ACTIVE', activeInstances: 0, instances: [], failedAttempts: 0, remainingAttempts: 3 };
    expect((await engine.methodInfo({ muid: 'u', methodTypes: ['SMS'] })).methodInfo[0]).toEqual({ methodType: 'SMS', ...fresh });
    expect((await engine.methodInfo({ muid: 'v', methodTypes: ['PASSWORD'] })).methodInfo[0]).toEqual({ methodType: 'PASSWORD', ...fresh });
    expect((await engine.methodInfo({ tenantId: 't2', muid: 'u', methodTypes: ['PASSWORD'] })).methodInfo[0]).toEqual({
      methodType: 'PASSWORD',
      ...fresh,
    });
    expect((await engine.methodInfo({ tenantId: 't1', muid: 'u', methodTypes: ['PASSWORD'] })).methodInfo[0]).toMatchObject({
      failedAttempts: 1,
      remainingAttempts: 2,
      activeInstances: 1,
    });
  });

  it('uses the per-type maxFailedAttempts for remainingAttempts', async () => {
    const { engine } = setup({ lockout: { maxFailedAttempts: 5, byMethodType: { SMS: { maxFailedAttempts: 2 } } } });
    const { methodInfo } = await engine.methodInfo({ muid: 'u', methodTypes: ['PASSWORD', 'SMS'] });
    expect(methodInfo.map((m) => m.remainingAttempts)).toEqual([5, 2]);
  });

  it('shows blockedUntil only while a temporary lockout runs, with exactly the listed keys', async () => {
    const { engine, clock } = setup({ lockout: { lockoutMs: 60_000 } });
    await activeInstance(engine, 'u', 'PASSWORD');
    for (let i = 0; i < 3; i++) await engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: reject });
    const blockedAt = clock.now();
    const [blocked] = (await engine.methodInfo({ muid: 'u', methodTypes: ['PASSWORD'] })).methodInfo;
    expect(Object.keys(blocked!)).toEqual([
      'methodType',
      'state',
      'activeInstances',
      'instances',
      'failedAttempts',
      'remainingAttempts',
      'blockedUntil',
    ]);
    expect(blocked).toMatchObject({ state: 'BLOCKED', failedAttempts: 3, remainingAttempts: 0, blockedUntil: blockedAt + 60_000 });
  });
});
