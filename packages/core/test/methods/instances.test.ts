import { describe, expect, it } from 'vitest';
import { MAX_KEPT_DEACTIVATED, MAX_LIVE_INSTANCES, type Engine } from '../../src/index.js';
import { activeInstance, reject, setup } from './setup.js';

const muid = 'u1';
const states = async (engine: Engine, methodType: string) =>
  (await engine.methodInfo({ muid, methodTypes: [methodType] })).methodInfo[0]!.instances.map((i) => [i.instanceId, i.state]);

describe('initiateInstance', () => {
  it('generates "<METHODTYPE>:<uuid>:<muid>" ids and emits instance.initiated', async () => {
    const { engine, events, clock } = setup();
    const { instanceId } = await engine.initiateInstance({ muid, methodType: 'SMS' });
    expect(instanceId).toMatch(/^SMS:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:u1$/);
    expect(events).toEqual([{ type: 'instance.initiated', tenantId: 't1', at: clock.now(), muid, methodType: 'SMS', instanceId }]);
    expect(await states(engine, 'SMS')).toEqual([[instanceId, 'INITIATED']]);
  });

  it('generated ids of a 256-character muid are longer than 256 and still usable', async () => {
    const { engine } = setup();
    const long = 'm'.repeat(256);
    const { instanceId } = await engine.initiateInstance({ muid: long, methodType: 'CM' });
    expect(instanceId.length).toBeGreaterThan(256);
    await engine.activateInstance({ muid: long, methodType: 'CM', instanceId });
    await engine.blockInstance({ muid: long, methodType: 'CM', instanceId });
    expect((await engine.methodInfo({ muid: long, methodTypes: ['CM'] })).methodInfo[0]!.instances[0]!.state).toBe('BLOCKED');
  });

  it('refuses an instanceId the user already has, under any method type, changing nothing', async () => {
    const { engine } = setup();
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'dev' });
    for (const methodType of ['CM', 'TLS_CLIENT']) {
      await expect(engine.initiateInstance({ muid, methodType, instanceId: 'dev' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'instanceId',
      });
    }
    expect(await states(engine, 'CM')).toEqual([['dev', 'INITIATED']]);
    expect(await states(engine, 'TLS_CLIENT')).toEqual([]);
    // Another user may use the same id.
    await engine.initiateInstance({ muid: 'u2', methodType: 'CM', instanceId: 'dev' });
  });

  it.each([
    ['blocked by an operator', 'METHOD_BLOCKED'],
    ['blocked by the lockout', 'METHOD_BLOCKED'],
    ['deactivated', 'METHOD_DEACTIVATED'],
  ] as const)('on a method %s: initiate and activate throw %s and change nothing', async (how, code) => {
    const { engine, events } = setup();
    await activeInstance(engine, muid, 'PASSWORD', 'old');
    await engine.initiateInstance({ muid, methodType: 'PASSWORD', instanceId: 'new' });
    if (how === 'blocked by an operator') await engine.blockMethod({ muid, methodType: 'PASSWORD' });
    if (how === 'blocked by the lockout') for (let i = 0; i < 3; i++) await engine.authenticate({ muid, methodType: 'PASSWORD', instanceId: 'old', verify: reject });
    if (how === 'deactivated') await engine.deactivateMethod({ muid, methodType: 'PASSWORD' });
    events.length = 0;
    const before = await engine.methodInfo({ muid, methodTypes: ['PASSWORD'] });
    await expect(engine.initiateInstance({ muid, methodType: 'PASSWORD' })).rejects.toMatchObject({ code });
    await expect(engine.activateInstance({ muid, methodType: 'PASSWORD', instanceId: 'new' })).rejects.toMatchObject({ code });
    await expect(engine.activateInstance({ muid, methodType: 'PASSWORD', instanceId: 'new' })).rejects.toThrow(
      /^activateInstance: method PASSWORD is (blocked|deactivated)$/,
    );
    expect(await engine.methodInfo({ muid, methodTypes: ['PASSWORD'] })).toEqual(before);
    expect(events).toEqual([]);
  });

  it(`refuses a ${MAX_LIVE_INSTANCES + 1}th live instance, and allows it again once one is deactivated`, async () => {
    const { engine } = setup();
    for (let i = 0; i < MAX_LIVE_INSTANCES; i++) await engine.initiateInstance({ muid, methodType: 'CM', instanceId: `d${i}` });
    await expect(engine.initiateInstance({ muid, methodType: 'CM' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'methodType' });
    await engine.deactivateInstance({ muid, methodType: 'CM', instanceId: 'd0' });
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'again' });
  });

  it(`keeps the ${MAX_KEPT_DEACTIVATED} most recent deactivated instances and forgets older ones`, async () => {
    const { engine } = setup();
    const total = MAX_KEPT_DEACTIVATED + 3;
    for (let i = 0; i < total; i++) {
      await engine.initiateInstance({ muid, methodType: 'CM', instanceId: `d${i}` });
      await engine.deactivateInstance({ muid, methodType: 'CM', instanceId: `d${i}` });
    }
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'live' });
    const listed = await states(engine, 'CM');
    expect(listed).toHaveLength(MAX_KEPT_DEACTIVATED + 1);
    expect(listed[0]).toEqual([`d${total - MAX_KEPT_DEACTIVATED}`, 'DEACTIVATED']);
    expect(listed.at(-1)).toEqual(['live', 'INITIATED']);
    // A forgotten instance is gone: NOT_FOUND, and its id is free again.
    await expect(engine.deactivateInstance({ muid, methodType: 'CM', instanceId: 'd0' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'd0' });
  });
});

describe('activateInstance', () => {
  it('for a single-instance type deactivates every other live instance in the same step', async () => {
    const { engine, events } = setup();
    await activeInstance(engine, muid, 'PASSWORD', 'active');
    await activeInstance(engine, muid, 'SMS', 'other-type');
    await engine.initiateInstance({ muid, methodType: 'PASSWORD', instanceId: 'blocked' });
    await engine.initiateInstance({ muid, methodType: 'PASSWORD', instanceId: 'pending' });
    await engine.initiateInstance({ muid, methodType: 'PASSWORD', instanceId: 'new' });
    await engine.deactivateInstance({ muid, methodType: 'PASSWORD', instanceId: 'pending' });
    await engine.initiateInstance({ muid, methodType: 'PASSWORD', instanceId: 'initiated' });
    events.length = 0;
    await engine.activateInstance({ muid, methodType: 'PASSWORD', instanceId: 'new' });
    expect(await states(engine, 'PASSWORD')).toEqual([
      ['active', 'DEACTIVATED'],
      ['blocked', 'DEACTIVATED'],
      ['pending', 'DEACTIVATED'],
      ['new', 'ACTIVE'],
      ['initiated', 'DEACTIVATED'],
    ]);
    expect(await states(engine, 'SMS')).toEqual([['other-type', 'ACTIVE']]);
    expect(events.map((e) => [e.type, 'instanceId' in e ? e.instanceId : ''])).toEqual([
      ['instance.activated', 'new'],
      ['instance.deactivated', 'active'],
      ['instance.deactivated', 'blocked'],
      ['instance.deactivated', 'initiated'],
    ]);
    expect(new Set(events.map((e) => e.at)).size).toBe(1);
  });

  it('for a multi-instance type leaves the other instances alone', async () => {
    const { engine } = setup();
    await activeInstance(engine, muid, 'TLS_CLIENT', 'a');
    await activeInstance(engine, muid, 'TLS_CLIENT', 'b');
    expect(await states(engine, 'TLS_CLIENT')).toEqual([
      ['a', 'ACTIVE'],
      ['b', 'ACTIVE'],
    ]);
  });
});

describe('deactivateMethod', () => {
  it('deactivates every live instance; activateMethod brings the method back without them', async () => {
    const { engine } = setup();
    await activeInstance(engine, muid, 'CM', 'a');
    await engine.initiateInstance({ muid, methodType: 'CM', instanceId: 'b' });
    await engine.deactivateMethod({ muid, methodType: 'CM' });
    await engine.activateMethod({ muid, methodType: 'CM' });
    expect(await states(engine, 'CM')).toEqual([
      ['a', 'DEACTIVATED'],
      ['b', 'DEACTIVATED'],
    ]);
    // The method is usable again: new instances can be initiated and activated.
    await activeInstance(engine, muid, 'CM', 'c');
    expect((await engine.methodInfo({ muid, methodTypes: ['CM'] })).methodInfo[0]).toMatchObject({ state: 'ACTIVE', activeInstances: 1 });
  });
});
