import { describe, expect, it } from 'vitest';
import { isNtpassError, type Engine, type InstanceState, type MethodState } from '../../src/index.js';
import type { InstanceAction } from '../../src/methods/transition-rules.js';
import { INSTANCE_TARGET, instanceCells } from './instance-table.js';
import { accept, activeInstance, reject, setup } from './setup.js';

/*
 * Every cell of SPEC §4.3's two tables, driven through the public API on a
 * real store: allowed cells change exactly what the table says, refused ones
 * throw INVALID_TRANSITION naming from and to and change nothing.
 */

const muid = 'u1';
const methodType = 'CM';

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isNtpassError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to throw');
}

const info = async (engine: Engine) => (await engine.methodInfo({ muid, methodTypes: [methodType] })).methodInfo[0]!;

/** A CM method with one instance in each state and two counted failures. */
async function seedMethod(engine: Engine) {
  const active = await activeInstance(engine, muid, methodType, 'a');
  await engine.initiateInstance({ muid, methodType, instanceId: 'b' });
  await activeInstance(engine, muid, methodType, 'c');
  await engine.blockInstance({ muid, methodType, instanceId: 'c' });
  await activeInstance(engine, muid, methodType, 'd');
  await engine.deactivateInstance({ muid, methodType, instanceId: 'd' });
  await engine.authenticate({ muid, methodType, instanceId: active, verify: reject });
  await engine.authenticate({ muid, methodType, instanceId: active, verify: reject });
}

type MethodSetup = 'ACTIVE' | 'BLOCKED by an operator' | 'BLOCKED by the lockout' | 'DEACTIVATED';

async function methodIn(setupName: MethodSetup) {
  const harness = setup();
  const { engine } = harness;
  await seedMethod(engine);
  if (setupName === 'BLOCKED by an operator') await engine.blockMethod({ muid, methodType });
  if (setupName === 'BLOCKED by the lockout') await engine.authenticate({ muid, methodType, instanceId: 'a', verify: reject });
  if (setupName === 'DEACTIVATED') await engine.deactivateMethod({ muid, methodType });
  harness.events.length = 0;
  return harness;
}

type OperatorAction = 'blockMethod' | 'unblockMethod' | 'deactivateMethod' | 'activateMethod';

/** Expected outcome per cell: the new state and failure count, or the refusal's from/to. */
const METHOD_CELLS: Record<MethodSetup, Record<OperatorAction, { state: MethodState; failed: number } | { from: string; to: string }>> = {
  ACTIVE: {
    blockMethod: { state: 'BLOCKED', failed: 2 },
    unblockMethod: { from: 'ACTIVE', to: 'ACTIVE' },
    deactivateMethod: { state: 'DEACTIVATED', failed: 2 },
    activateMethod: { from: 'ACTIVE', to: 'ACTIVE' },
  },
  'BLOCKED by an operator': {
    blockMethod: { from: 'BLOCKED', to: 'BLOCKED' },
    unblockMethod: { state: 'ACTIVE', failed: 0 },
    deactivateMethod: { state: 'DEACTIVATED', failed: 2 },
    activateMethod: { from: 'BLOCKED', to: 'ACTIVE' },
  },
  'BLOCKED by the lockout': {
    blockMethod: { from: 'BLOCKED', to: 'BLOCKED' },
    unblockMethod: { state: 'ACTIVE', failed: 0 },
    deactivateMethod: { state: 'DEACTIVATED', failed: 3 },
    activateMethod: { from: 'BLOCKED', to: 'ACTIVE' },
  },
  DEACTIVATED: {
    blockMethod: { from: 'DEACTIVATED', to: 'BLOCKED' },
    unblockMethod: { from: 'DEACTIVATED', to: 'ACTIVE' },
    deactivateMethod: { from: 'DEACTIVATED', to: 'DEACTIVATED' },
    activateMethod: { state: 'ACTIVE', failed: 0 },
  },
};

const INSTANCES_BEFORE: Record<MethodSetup, InstanceState[]> = {
  ACTIVE: ['ACTIVE', 'INITIATED', 'BLOCKED', 'DEACTIVATED'],
  'BLOCKED by an operator': ['ACTIVE', 'INITIATED', 'BLOCKED', 'DEACTIVATED'],
  'BLOCKED by the lockout': ['ACTIVE', 'INITIATED', 'BLOCKED', 'DEACTIVATED'],
  DEACTIVATED: ['DEACTIVATED', 'DEACTIVATED', 'DEACTIVATED', 'DEACTIVATED'],
};

const EVENT: Record<OperatorAction, string> = {
  blockMethod: 'method.blocked',
  unblockMethod: 'method.unblocked',
  deactivateMethod: 'method.deactivated',
  activateMethod: 'method.activated',
};

const methodCases = Object.entries(METHOD_CELLS).flatMap(([from, row]) =>
  Object.entries(row).map(([action, expected]) => ({ from: from as MethodSetup, action: action as OperatorAction, expected })),
);

describe('method table through the engine', () => {
  it.each(methodCases.filter((c) => 'state' in c.expected))('$from: $action is allowed', async ({ from, action, expected }) => {
    const { engine, events } = await methodIn(from);
    await engine[action]({ muid, methodType });
    const after = await info(engine);
    const { state, failed } = expected as { state: MethodState; failed: number };
    expect(after.state).toBe(state);
    expect(after.failedAttempts).toBe(failed);
    // Deactivating the method deactivates every live instance; nothing else touches instances.
    const instanceStates = action === 'deactivateMethod' ? ['DEACTIVATED', 'DEACTIVATED', 'DEACTIVATED', 'DEACTIVATED'] : INSTANCES_BEFORE[from];
    expect(after.instances.map((i) => i.state)).toEqual(instanceStates);
    expect(events[0]).toMatchObject({ type: EVENT[action], tenantId: 't1', muid, methodType, by: 'operator' });
    const cascaded = events.filter((e) => e.type === 'instance.deactivated').map((e) => ('instanceId' in e ? e.instanceId : ''));
    expect(cascaded).toEqual(action === 'deactivateMethod' ? ['a', 'b', 'c'] : []);
  });

  it.each(methodCases.filter((c) => 'from' in c.expected))('$from: $action is refused', async ({ from, action, expected }) => {
    const { engine, events } = await methodIn(from);
    const before = await info(engine);
    const error = await rejection(engine[action]({ muid, methodType }));
    expect(error.code).toBe('INVALID_TRANSITION');
    expect({ from: error.from, to: error.to }).toEqual(expected);
    expect(error.message).toBe(`${action}: method CM cannot go from ${error.from} to ${error.to}`);
    expect(await info(engine)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('ACTIVE: the failure that reaches the limit blocks the method (lockout column)', async () => {
    const { engine, events } = await methodIn('ACTIVE');
    const result = await engine.authenticate({ muid, methodType, instanceId: 'a', verify: reject });
    expect(result).toEqual({ ok: false, instanceId: 'a', state: 'BLOCKED', failedAttempts: 3, remainingAttempts: 0, reason: 'INVALID_CREDENTIALS' });
    expect(events.map((e) => e.type)).toEqual(['method.failure', 'method.blocked']);
    expect(events[1]).toMatchObject({ by: 'lockout' });
    expect((await info(engine)).instances.map((i) => i.state)).toEqual(INSTANCES_BEFORE.ACTIVE);
  });

  it.each(['BLOCKED by an operator', 'BLOCKED by the lockout', 'DEACTIVATED'] as const)(
    '%s: a failure is not counted (lockout column refused)',
    async (from) => {
      const { engine, events } = await methodIn(from);
      const before = await info(engine);
      let called = false;
      const result = await engine.authenticate({
        muid,
        methodType,
        instanceId: 'a',
        verify: () => {
          called = true;
          return false;
        },
      });
      expect(called).toBe(false);
      expect(result.reason).toBe(from === 'DEACTIVATED' ? 'METHOD_DEACTIVATED' : 'METHOD_BLOCKED');
      expect(await info(engine)).toEqual(before);
      expect(events).toEqual([]);
    },
  );

  it('an operator block never ends by itself; only unblock does', async () => {
    const { engine, clock } = setup({ lockout: { lockoutMs: 1000 } });
    await activeInstance(engine, muid, methodType, 'a');
    await engine.blockMethod({ muid, methodType });
    clock.advance(10_000_000);
    expect((await info(engine)).state).toBe('BLOCKED');
    expect((await info(engine)).blockedUntil).toBeUndefined();
  });

  it('a never-seen method can be blocked, and unblocked back to its never-seen view', async () => {
    const { engine } = setup();
    const fresh = await info(engine);
    await engine.blockMethod({ muid, methodType });
    expect((await info(engine)).state).toBe('BLOCKED');
    await engine.unblockMethod({ muid, methodType });
    expect(await info(engine)).toEqual(fresh);
  });

  it('blocking or unblocking the method leaves the instances, and authentication through them, for later', async () => {
    const { engine } = setup();
    await activeInstance(engine, muid, methodType, 'a');
    await engine.blockMethod({ muid, methodType });
    expect((await engine.authenticate({ muid, methodType, verify: accept })).reason).toBe('METHOD_BLOCKED');
    await engine.unblockMethod({ muid, methodType });
    expect((await engine.authenticate({ muid, methodType, verify: accept })).ok).toBe(true);
  });
});

const INSTANCE_EVENT: Record<InstanceAction, string> = {
  activate: 'instance.activated',
  block: 'instance.blocked',
  unblock: 'instance.unblocked',
  deactivate: 'instance.deactivated',
};

async function instanceIn(state: InstanceState) {
  const harness = setup();
  const { engine } = harness;
  await engine.initiateInstance({ muid, methodType, instanceId: 'x' });
  if (state !== 'INITIATED') await engine.activateInstance({ muid, methodType, instanceId: 'x' });
  if (state === 'BLOCKED') await engine.blockInstance({ muid, methodType, instanceId: 'x' });
  if (state === 'DEACTIVATED') await engine.deactivateInstance({ muid, methodType, instanceId: 'x' });
  harness.events.length = 0;
  return harness;
}

// Each action of the table is the engine operation `<action>Instance`.
const instanceCases = instanceCells.map((c) => ({ ...c, op: `${c.action}Instance` as const }));

describe('instance table through the engine', () => {
  it.each(instanceCases.filter((c) => c.to !== null))('$from: $op → $to', async ({ from, action, op, to }) => {
    const { engine, events } = await instanceIn(from);
    await engine[op]({ muid, methodType, instanceId: 'x' });
    const after = await info(engine);
    expect(after.instances).toEqual([expect.objectContaining({ instanceId: 'x', state: to })]);
    expect(after.state).toBe('ACTIVE');
    expect(events).toEqual([{ type: INSTANCE_EVENT[action], tenantId: 't1', at: expect.any(Number), muid, methodType, instanceId: 'x' }]);
  });

  it.each(instanceCases.filter((c) => c.to === null))('$from: $op is refused', async ({ from, action, op }) => {
    const { engine, events } = await instanceIn(from);
    const before = await info(engine);
    const error = await rejection(engine[op]({ muid, methodType, instanceId: 'x' }));
    expect(error.code).toBe('INVALID_TRANSITION');
    expect({ from: error.from, to: error.to }).toEqual({ from, to: INSTANCE_TARGET[action] });
    expect(error.message).toBe(`${op}: instance x cannot go from ${from} to ${INSTANCE_TARGET[action]}`);
    expect(await info(engine)).toEqual(before);
    expect(events).toEqual([]);
  });

  it('blocking or unblocking an instance leaves the method state and its failures alone', async () => {
    const { engine } = setup();
    await activeInstance(engine, muid, methodType, 'x');
    await engine.authenticate({ muid, methodType, verify: reject });
    await engine.blockInstance({ muid, methodType, instanceId: 'x' });
    expect(await info(engine)).toMatchObject({ state: 'ACTIVE', failedAttempts: 1 });
    await engine.unblockInstance({ muid, methodType, instanceId: 'x' });
    expect(await info(engine)).toMatchObject({ state: 'ACTIVE', failedAttempts: 1 });
  });

  it('instance actions work on a BLOCKED method and leave it BLOCKED', async () => {
    const { engine } = setup();
    await activeInstance(engine, muid, methodType, 'x');
    await engine.blockMethod({ muid, methodType });
    await engine.blockInstance({ muid, methodType, instanceId: 'x' });
    await engine.unblockInstance({ muid, methodType, instanceId: 'x' });
    expect(await info(engine)).toMatchObject({ state: 'BLOCKED', instances: [{ instanceId: 'x', state: 'ACTIVE' }] });
  });
});
