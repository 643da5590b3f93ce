import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { activeInstance, reject, SECRET, setup } from './setup.js';

describe('method events', () => {
  it('carry tenant, user, type and commit time, and none is emitted for reads or successes', async () => {
    const { engine, events, clock } = setup();
    const id = await activeInstance(engine, 'u', 'CM', 'phone');
    clock.advance(500);
    await engine.methodInfo({ muid: 'u', methodTypes: ['CM'] });
    await engine.authenticate({ muid: 'u', methodType: 'CM', verify: () => true });
    await engine.blockMethod({ tenantId: 'other', muid: 'u', methodType: 'CM' });
    expect(events).toEqual([
      { type: 'instance.initiated', tenantId: 't1', at: clock.now() - 500, muid: 'u', methodType: 'CM', instanceId: id },
      { type: 'instance.activated', tenantId: 't1', at: clock.now() - 500, muid: 'u', methodType: 'CM', instanceId: id },
      { type: 'method.blocked', tenantId: 'other', at: clock.now(), muid: 'u', methodType: 'CM', by: 'operator' },
    ]);
  });

  it('a handler that throws is isolated: the change is committed and the call succeeds', async () => {
    const engine = createEngine({
      store: memoryStore(),
      secret: SECRET,
      defaultTenantId: 't',
      onEvent: () => {
        throw new Error('host handler broke');
      },
    });
    await activeInstance(engine, 'u', 'PASSWORD');
    await engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: reject });
    await engine.blockMethod({ muid: 'u', methodType: 'PASSWORD' });
    expect((await engine.methodInfo({ muid: 'u', methodTypes: ['PASSWORD'] })).methodInfo[0]).toMatchObject({
      state: 'BLOCKED',
      failedAttempts: 1,
      activeInstances: 1,
    });
  });
});
