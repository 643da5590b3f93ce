import { memoryStore } from '@ntpass/store-memory';
import { createEngine, type Engine, type EngineOptions, type NtpassEvent } from '../../src/index.js';
import { createFakeClock, TEST_SECRET, type FakeClock } from '../../src/testing/index.js';

/** An engine on a fresh memory store with a fake clock and a record of its events. */
export interface MethodsHarness {
  readonly engine: Engine;
  readonly clock: FakeClock;
  readonly events: NtpassEvent[];
}

export const SECRET = TEST_SECRET;

export function setup(options: Partial<Omit<EngineOptions, 'store' | 'secret' | 'clock' | 'onEvent'>> = {}): MethodsHarness {
  const clock = createFakeClock();
  const events: NtpassEvent[] = [];
  const engine = createEngine({
    store: memoryStore(),
    secret: SECRET,
    clock: clock.now,
    defaultTenantId: 't1',
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { engine, clock, events };
}

/** Host credential checks for tests. */
export const accept = () => true;
export const reject = () => false;

/** An ACTIVE instance of `methodType` for `muid`, created through the public API. */
export async function activeInstance(engine: Engine, muid: string, methodType: string, instanceId?: string): Promise<string> {
  const { instanceId: id } = await engine.initiateInstance({ muid, methodType, ...(instanceId ? { instanceId } : {}) });
  await engine.activateInstance({ muid, methodType, instanceId: id });
  return id;
}
