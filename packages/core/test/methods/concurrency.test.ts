import { memoryStore } from '@ntpass/store-memory';
import { describe, expect, it } from 'vitest';
import { createEngine, type AuthenticateResult, type NtpassEvent, type Store } from '../../src/index.js';
import { activeInstance, SECRET } from './setup.js';

/** The real memory store, but every call yields to the event loop first, so concurrent calls interleave. */
function interleavingStore(): Store {
  const store = memoryStore();
  const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    limits: store.limits,
    read: async (r) => (await pause(), store.read(r)),
    commit: async (c) => (await pause(), store.commit(c)),
    commitBatch: async (c) => (await pause(), store.commitBatch(c)),
    list: async (r) => (await pause(), store.list(r)),
    scan: async (r) => (await pause(), store.scan(r)),
    dropPartition: async (r) => (await pause(), store.dropPartition(r)),
    close: () => store.close(),
  };
}

function engineOn(store: Store) {
  const events: NtpassEvent[] = [];
  const engine = createEngine({ store, secret: SECRET, defaultTenantId: 't', onEvent: (e) => events.push(e) });
  return { engine, events };
}

const slowly = <T>(value: T) => () => new Promise<T>((resolve) => setTimeout(() => resolve(value), Math.random() * 3));
const count = (results: AuthenticateResult[], reason: string | undefined) => results.filter((r) => r.reason === reason).length;

describe.each([
  ['memory store', memoryStore],
  ['memory store with interleaving', interleavingStore],
])('authenticate under concurrency (%s)', (_name, createStore) => {
  it('30 concurrent failures leave exactly failedAttempts = 3 and the method BLOCKED by exactly one of them', async () => {
    const { engine, events } = engineOn(createStore());
    await activeInstance(engine, 'u', 'PASSWORD');
    events.length = 0;
    const results = await Promise.all(
      Array.from({ length: 30 }, () => engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: slowly(false) })),
    );
    expect(count(results, 'INVALID_CREDENTIALS')).toBe(3);
    expect(count(results, 'METHOD_BLOCKED')).toBe(27);
    expect(results.filter((r) => r.reason === 'INVALID_CREDENTIALS').map((r) => r.failedAttempts).sort()).toEqual([1, 2, 3]);
    expect(results.filter((r) => r.reason === 'INVALID_CREDENTIALS' && r.state === 'BLOCKED')).toHaveLength(1);
    const [info] = (await engine.methodInfo({ muid: 'u', methodTypes: ['PASSWORD'] })).methodInfo;
    expect(info).toMatchObject({ state: 'BLOCKED', failedAttempts: 3, remainingAttempts: 0 });
    expect(events.filter((e) => e.type === 'method.failure')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'method.blocked')).toHaveLength(1);
  });

  it('30 concurrent successes all succeed: never blocked, never CONFLICT', async () => {
    const { engine } = engineOn(createStore());
    await activeInstance(engine, 'u', 'PASSWORD');
    const results = await Promise.all(
      Array.from({ length: 30 }, () => engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: slowly(true) })),
    );
    expect(results.every((r) => r.ok && r.state === 'ACTIVE')).toBe(true);
  });

  it('successes racing with fewer failures than the limit are never blocked', async () => {
    const { engine } = engineOn(createStore());
    await activeInstance(engine, 'u', 'CM', 'phone');
    const calls = Array.from({ length: 30 }, (_, i) =>
      engine.authenticate({ muid: 'u', methodType: 'CM', instanceId: 'phone', verify: slowly(i % 15 !== 0) }),
    );
    const results = await Promise.all(calls);
    expect(count(results, undefined)).toBe(28);
    expect(count(results, 'INVALID_CREDENTIALS')).toBe(2);
    expect(results.every((r) => r.state === 'ACTIVE')).toBe(true);
  });

  it('successes and failures racing past the limit settle without CONFLICT and never pass it', async () => {
    const { engine } = engineOn(createStore());
    await activeInstance(engine, 'u', 'CM', 'phone');
    const settled = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        engine.authenticate({ muid: 'u', methodType: 'CM', instanceId: 'phone', verify: slowly(i % 2 === 0) }),
      ),
    );
    expect(settled.every((s) => s.status === 'fulfilled')).toBe(true);
    const results = settled.map((s) => (s as PromiseFulfilledResult<AuthenticateResult>).value);
    expect(results.every((r) => r.failedAttempts <= 3)).toBe(true);
    expect(results.every((r) => r.ok || r.reason === 'INVALID_CREDENTIALS' || r.reason === 'METHOD_BLOCKED')).toBe(true);
    const [info] = (await engine.methodInfo({ muid: 'u', methodTypes: ['CM'] })).methodInfo;
    expect(info!.failedAttempts === 3).toBe(info!.state === 'BLOCKED');
  });

  it('an operator block racing with successes: no success is recorded after the block committed', async () => {
    const { engine, events } = engineOn(createStore());
    await activeInstance(engine, 'u', 'PASSWORD');
    const auths = Array.from({ length: 20 }, () => engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: slowly(true) }));
    const block = engine.blockMethod({ muid: 'u', methodType: 'PASSWORD' });
    const results = await Promise.all(auths);
    await block;
    expect(results.every((r) => r.ok || r.reason === 'METHOD_BLOCKED')).toBe(true);
    expect(events.some((e) => e.type === 'method.blocked')).toBe(true);
    expect((await engine.authenticate({ muid: 'u', methodType: 'PASSWORD', verify: () => true })).reason).toBe('METHOD_BLOCKED');
  });

  it('operator actions on an instance are not starved by a stream of successes through it', async () => {
    const { engine } = engineOn(createStore());
    await activeInstance(engine, 'u', 'CM', 'phone');
    const stream = async () => {
      for (let i = 0; i < 20; i++) await engine.authenticate({ muid: 'u', methodType: 'CM', instanceId: 'phone', verify: () => true });
    };
    const streams = Array.from({ length: 10 }, stream);
    await engine.blockInstance({ muid: 'u', methodType: 'CM', instanceId: 'phone' });
    await engine.unblockInstance({ muid: 'u', methodType: 'CM', instanceId: 'phone' });
    await engine.deactivateMethod({ muid: 'u', methodType: 'CM' });
    await Promise.all(streams);
    expect((await engine.methodInfo({ muid: 'u', methodTypes: ['CM'] })).methodInfo[0]).toMatchObject({
      state: 'DEACTIVATED',
      instances: [{ instanceId: 'phone', state: 'DEACTIVATED' }],
    });
  });

  it('concurrent single-instance activations leave exactly one ACTIVE instance', async () => {
    const { engine } = engineOn(createStore());
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const instanceId of ids) await engine.initiateInstance({ muid: 'u', methodType: 'PASSWORD', instanceId });
    const settled = await Promise.allSettled(ids.map((instanceId) => engine.activateInstance({ muid: 'u', methodType: 'PASSWORD', instanceId })));
    const [info] = (await engine.methodInfo({ muid: 'u', methodTypes: ['PASSWORD'] })).methodInfo;
    expect(info!.activeInstances).toBe(1);
    // The winner activated; every other call lost to a deactivation and was refused as a transition.
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'INVALID_TRANSITION', from: 'DEACTIVATED' });
  });
});
