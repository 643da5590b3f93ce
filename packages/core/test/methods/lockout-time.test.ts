import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { accept, activeInstance, reject, setup } from './setup.js';

const muid = 'u1';
const methodType = 'PASSWORD';
const info = async (engine: Engine) => (await engine.methodInfo({ muid, methodTypes: [methodType] })).methodInfo[0]!;
const fail = (engine: Engine) => engine.authenticate({ muid, methodType, verify: reject });

describe('lockoutMs: a temporary automatic block', () => {
  it('ends by itself exactly lockoutMs after it began, with failures reset', async () => {
    const { engine, clock } = setup({ lockout: { lockoutMs: 60_000 } });
    await activeInstance(engine, muid, methodType);
    await fail(engine);
    await fail(engine);
    clock.advance(5_000);
    const blockedAt = clock.now();
    expect(await fail(engine)).toMatchObject({ state: 'BLOCKED', failedAttempts: 3 });
    clock.advance(59_999);
    expect(await info(engine)).toMatchObject({ state: 'BLOCKED', failedAttempts: 3, blockedUntil: blockedAt + 60_000 });
    expect((await engine.authenticate({ muid, methodType, verify: accept })).reason).toBe('METHOD_BLOCKED');
    clock.advance(1);
    const after = await info(engine);
    expect(after).toMatchObject({ state: 'ACTIVE', failedAttempts: 0, remainingAttempts: 3 });
    expect('blockedUntil' in after).toBe(false);
    expect(await fail(engine)).toMatchObject({ state: 'ACTIVE', failedAttempts: 1 });
  });

  it('lets the next lockout begin afresh after one ended', async () => {
    const { engine, clock, events } = setup({ lockout: { lockoutMs: 1_000 } });
    await activeInstance(engine, muid, methodType);
    for (let i = 0; i < 3; i++) await fail(engine);
    clock.advance(1_000);
    for (let i = 0; i < 3; i++) await fail(engine);
    expect(await info(engine)).toMatchObject({ state: 'BLOCKED', blockedUntil: clock.now() + 1_000 });
    expect(events.filter((e) => e.type === 'method.blocked')).toHaveLength(2);
  });

  it('can be ended early by an operator unblock', async () => {
    const { engine } = setup({ lockout: { lockoutMs: 60_000 } });
    await activeInstance(engine, muid, methodType);
    for (let i = 0; i < 3; i++) await fail(engine);
    await engine.unblockMethod({ muid, methodType });
    expect(await info(engine)).toEqual(expect.objectContaining({ state: 'ACTIVE', failedAttempts: 0 }));
    expect((await engine.authenticate({ muid, methodType, verify: accept })).ok).toBe(true);
  });

  it('is permanent by default: time does not unblock', async () => {
    const { engine, clock } = setup({ lockout: { failureResetMs: 1_000 } });
    await activeInstance(engine, muid, methodType);
    for (let i = 0; i < 3; i++) await fail(engine);
    clock.advance(365 * 24 * 3600 * 1000);
    const after = await info(engine);
    // The failure window does not apply to a blocked method: the count stays pinned at the limit.
    expect(after).toMatchObject({ state: 'BLOCKED', failedAttempts: 3, remainingAttempts: 0 });
    expect('blockedUntil' in after).toBe(false);
  });

  it('per method type: only the configured type unblocks by itself', async () => {
    const { engine, clock } = setup({ lockout: { byMethodType: { SMS: { lockoutMs: 1_000 } } } });
    await activeInstance(engine, muid, 'SMS');
    await activeInstance(engine, muid, 'PASSWORD');
    for (let i = 0; i < 3; i++) {
      await engine.authenticate({ muid, methodType: 'SMS', verify: reject });
      await engine.authenticate({ muid, methodType: 'PASSWORD', verify: reject });
    }
    clock.advance(1_000);
    const { methodInfo } = await engine.methodInfo({ muid, methodTypes: ['SMS', 'PASSWORD'] });
    expect(methodInfo.map((m) => m.state)).toEqual(['ACTIVE', 'BLOCKED']);
  });
});

describe('failureResetMs: the count restarts once the last failure is older', () => {
  it('slides with each failure and restarts exactly failureResetMs after the last one', async () => {
    const { engine, clock } = setup({ lockout: { failureResetMs: 10_000 } });
    await activeInstance(engine, muid, methodType);
    await fail(engine);
    clock.advance(5_000);
    await fail(engine);
    clock.advance(9_999);
    expect(await info(engine)).toMatchObject({ failedAttempts: 2 });
    clock.advance(1);
    expect(await info(engine)).toMatchObject({ state: 'ACTIVE', failedAttempts: 0, remainingAttempts: 3 });
    expect(await fail(engine)).toMatchObject({ failedAttempts: 1 });
  });

  it('still blocks when the limit is reached inside the window', async () => {
    const { engine, clock } = setup({ lockout: { failureResetMs: 10_000 } });
    await activeInstance(engine, muid, methodType);
    for (let i = 0; i < 3; i++) {
      await fail(engine);
      clock.advance(9_000);
    }
    expect(await info(engine)).toMatchObject({ state: 'BLOCKED', failedAttempts: 3 });
  });
});
