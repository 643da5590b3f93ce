import { describe, expect, it } from 'vitest';
import type { VerifyInput } from '../../src/index.js';
import { accept, activeInstance, reject, setup } from './setup.js';

const muid = 'u1';

describe('authenticate', () => {
  it('passes the instance id and the host data to verify, and records a success', async () => {
    const { engine, clock } = setup();
    const { instanceId } = await engine.initiateInstance({ muid, methodType: 'SMS', data: { phone: '+420 777 000 111' } });
    await engine.activateInstance({ muid, methodType: 'SMS', instanceId });
    const seen: VerifyInput[] = [];
    const result = await engine.authenticate({
      muid,
      methodType: 'SMS',
      verify: (input) => {
        seen.push(input);
        return true;
      },
    });
    expect(seen).toEqual([{ instanceId, data: { phone: '+420 777 000 111' } }]);
    expect(result).toEqual({ ok: true, instanceId, state: 'ACTIVE', failedAttempts: 0, remainingAttempts: 3 });
    const [sms] = (await engine.methodInfo({ muid, methodTypes: ['SMS'] })).methodInfo;
    expect(sms!.instances[0]!.lastUsedAt).toBe(clock.now());
  });

  it('gives verify data: null when the instance has none, and accepts an async verify', async () => {
    const { engine } = setup();
    const id = await activeInstance(engine, muid, 'PASSWORD');
    let data: unknown = 'unset';
    const result = await engine.authenticate({
      muid,
      methodType: 'PASSWORD',
      verify: async (input) => {
        data = input.data;
        return true;
      },
    });
    expect(data).toBeNull();
    expect(result).toMatchObject({ ok: true, instanceId: id });
  });

  it('counts a failure per false verify and resets the count on success', async () => {
    const { engine, events } = setup();
    await activeInstance(engine, muid, 'PASSWORD');
    const r1 = await engine.authenticate({ muid, methodType: 'PASSWORD', verify: reject });
    const r2 = await engine.authenticate({ muid, methodType: 'PASSWORD', verify: reject });
    expect([r1, r2].map((r) => [r.ok, r.reason, r.failedAttempts, r.remainingAttempts])).toEqual([
      [false, 'INVALID_CREDENTIALS', 1, 2],
      [false, 'INVALID_CREDENTIALS', 2, 1],
    ]);
    expect(events.filter((e) => e.type === 'method.failure').map((e) => ('failedAttempts' in e ? e.failedAttempts : -1))).toEqual([1, 2]);
    const ok = await engine.authenticate({ muid, methodType: 'PASSWORD', verify: accept });
    expect(ok).toMatchObject({ ok: true, failedAttempts: 0, remainingAttempts: 3 });
    expect((await engine.methodInfo({ muid, methodTypes: ['PASSWORD'] })).methodInfo[0]!.failedAttempts).toBe(0);
  });

  it('treats anything but true from verify as a failure', async () => {
    const { engine } = setup();
    await activeInstance(engine, muid, 'PASSWORD');
    const truthy = (() => 'yes') as unknown as () => boolean;
    expect((await engine.authenticate({ muid, methodType: 'PASSWORD', verify: truthy })).reason).toBe('INVALID_CREDENTIALS');
  });

  it('blocks the method with exactly the failure that reaches the limit, then stops counting', async () => {
    const { engine, events } = setup();
    await activeInstance(engine, muid, 'PASSWORD');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await engine.authenticate({ muid, methodType: 'PASSWORD', verify: reject }));
    expect(results.map((r) => [r.state, r.failedAttempts, r.reason])).toEqual([
      ['ACTIVE', 1, 'INVALID_CREDENTIALS'],
      ['ACTIVE', 2, 'INVALID_CREDENTIALS'],
      ['BLOCKED', 3, 'INVALID_CREDENTIALS'],
      ['BLOCKED', 3, 'METHOD_BLOCKED'],
      ['BLOCKED', 3, 'METHOD_BLOCKED'],
    ]);
    expect(events.filter((e) => e.type.startsWith('method.')).map((e) => e.type)).toEqual([
      'method.failure',
      'method.failure',
      'method.failure',
      'method.blocked',
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'method.blocked', by: 'lockout', muid, methodType: 'PASSWORD', tenantId: 't1' });
  });

  it('blocks at the first failure with maxFailedAttempts 1, per method type', async () => {
    const { engine } = setup({ lockout: { byMethodType: { SMS: { maxFailedAttempts: 1 } } } });
    await activeInstance(engine, muid, 'SMS');
    await activeInstance(engine, muid, 'PASSWORD');
    expect(await engine.authenticate({ muid, methodType: 'SMS', verify: reject })).toMatchObject({ state: 'BLOCKED', failedAttempts: 1 });
    expect(await engine.authenticate({ muid, methodType: 'PASSWORD', verify: reject })).toMatchObject({ state: 'ACTIVE', failedAttempts: 1 });
  });

  it('a verify that throws propagates and counts nothing', async () => {
    const { engine, events } = setup();
    await activeInstance(engine, muid, 'PASSWORD');
    events.length = 0;
    const boom = new Error('credential backend down');
    await expect(engine.authenticate({ muid, methodType: 'PASSWORD', verify: () => Promise.reject(boom) })).rejects.toBe(boom);
    await expect(
      engine.authenticate({
        muid,
        methodType: 'PASSWORD',
        verify: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    expect((await engine.methodInfo({ muid, methodTypes: ['PASSWORD'] })).methodInfo[0]!.failedAttempts).toBe(0);
    expect(events).toEqual([]);
  });

  describe('calls verify only when the method and the instance are both ACTIVE', () => {
    const cases = [
      ['a BLOCKED instance', 'INSTANCE_BLOCKED'],
      ['a DEACTIVATED instance', 'INSTANCE_DEACTIVATED'],
      ['an INITIATED instance', 'INSTANCE_NOT_ACTIVE'],
      ['a BLOCKED method', 'METHOD_BLOCKED'],
      ['a DEACTIVATED method', 'METHOD_DEACTIVATED'],
    ] as const;
    it.each(cases)('%s → %s, nothing counted', async (what, reason) => {
      const { engine, events } = setup();
      const instanceId = 'x';
      await engine.initiateInstance({ muid, methodType: 'CM', instanceId });
      if (what !== 'an INITIATED instance') await engine.activateInstance({ muid, methodType: 'CM', instanceId });
      if (what === 'a BLOCKED instance') await engine.blockInstance({ muid, methodType: 'CM', instanceId });
      if (what === 'a DEACTIVATED instance') await engine.deactivateInstance({ muid, methodType: 'CM', instanceId });
      if (what === 'a BLOCKED method') await engine.blockMethod({ muid, methodType: 'CM' });
      if (what === 'a DEACTIVATED method') await engine.deactivateMethod({ muid, methodType: 'CM' });
      events.length = 0;
      let calls = 0;
      const verify = () => {
        calls += 1;
        return true;
      };
      const result = await engine.authenticate({ muid, methodType: 'CM', instanceId, verify });
      expect(calls).toBe(0);
      expect(result).toMatchObject({ ok: false, instanceId, reason, failedAttempts: 0 });
      expect(events).toEqual([]);
    });
  });

  describe('without instanceId', () => {
    it('uses the single ACTIVE instance among others', async () => {
      const { engine } = setup();
      await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'new' });
      await activeInstance(engine, muid, 'CM', 'phone');
      await activeInstance(engine, muid, 'CM', 'old');
      await engine.deactivateInstance({ muid, methodType: 'CM', instanceId: 'old' });
      expect(await engine.authenticate({ muid, methodType: 'CM', verify: accept })).toMatchObject({ ok: true, instanceId: 'phone' });
    });

    it('is INVALID_ARGUMENT naming instanceId when several are ACTIVE, and verify is not called', async () => {
      const { engine } = setup();
      await activeInstance(engine, muid, 'CM', 'a');
      await activeInstance(engine, muid, 'CM', 'b');
      let called = false;
      const call = engine.authenticate({
        muid,
        methodType: 'CM',
        verify: () => {
          called = true;
          return true;
        },
      });
      await expect(call).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'instanceId' });
      await expect(call).rejects.toThrow(/^authenticate: instanceId /);
      expect(called).toBe(false);
    });

    it('is NO_INSTANCE when the method has no instance', async () => {
      const { engine } = setup();
      expect(await engine.authenticate({ muid, methodType: 'PASSWORD', verify: accept })).toEqual({
        ok: false,
        state: 'ACTIVE',
        failedAttempts: 0,
        remainingAttempts: 3,
        reason: 'NO_INSTANCE',
      });
    });

    it('is NO_INSTANCE when only deactivated or several non-ACTIVE instances exist', async () => {
      const { engine } = setup();
      await activeInstance(engine, muid, 'CM', 'a');
      await engine.deactivateInstance({ muid, methodType: 'CM', instanceId: 'a' });
      expect((await engine.authenticate({ muid, methodType: 'CM', verify: accept })).reason).toBe('NO_INSTANCE');
      await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'b' });
      await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'c' });
      expect((await engine.authenticate({ muid, methodType: 'CM', verify: accept })).reason).toBe('NO_INSTANCE');
    });

    it("names why the method's one live instance cannot be used", async () => {
      const { engine } = setup();
      await activeInstance(engine, muid, 'PASSWORD', 'pw');
      await engine.blockInstance({ muid, methodType: 'PASSWORD', instanceId: 'pw' });
      expect(await engine.authenticate({ muid, methodType: 'PASSWORD', verify: accept })).toMatchObject({
        ok: false,
        instanceId: 'pw',
        reason: 'INSTANCE_BLOCKED',
      });
    });
  });

  it('an unknown instance, or one of another method type, is NOT_FOUND', async () => {
    const { engine } = setup();
    const sms = await activeInstance(engine, muid, 'SMS');
    await expect(engine.authenticate({ muid, methodType: 'SMS', instanceId: 'nope', verify: accept })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(engine.authenticate({ muid, methodType: 'PASSWORD', instanceId: sms, verify: accept })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(engine.authenticate({ muid: 'other', methodType: 'SMS', instanceId: sms, verify: accept })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
