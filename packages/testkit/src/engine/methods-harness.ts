import { randomUUID } from 'node:crypto';
import { createEngine, isNtpassError, type Engine, type NtpassEvent, type Store } from '@ntpass/core';
import { createFakeClock, type FakeClock } from '@ntpass/core/testing';
import type { ModelAction, ModelEvent, ModelPolicy, Outcome } from './methods-model.js';

/** One engine under test for one user, with its clock and the events it emitted. */
export interface MethodsHarness {
  readonly engine: Engine;
  readonly clock: FakeClock;
  readonly events: NtpassEvent[];
  readonly tenantId: string;
  readonly muid: string;
}

const SECRET = 'ntpass-testkit-methods-secret-0123456789';

/**
 * An engine on `store` whose events are recorded. Each harness gets a random
 * tenant, so its partitions are fresh even on a shared, long-lived server.
 */
export function methodsHarness(store: Store, lockout: ModelPolicy): MethodsHarness {
  const clock = createFakeClock();
  const events: NtpassEvent[] = [];
  const tenantId = `tk-methods-${randomUUID()}`;
  const engine = createEngine({ store, secret: SECRET, clock: clock.now, defaultTenantId: tenantId, lockout, onEvent: (e) => events.push(e) });
  return { engine, clock, events, tenantId, muid: 'alice' };
}

/** Thrown by the host's `verify` in steps that ask for it. */
export const VERIFY_FAILURE = new Error('testkit: verify threw');

/** Runs one model action on the real engine and reports what happened in the model's terms. */
export async function runOnEngine(h: MethodsHarness, action: ModelAction): Promise<Outcome> {
  const { engine, muid } = h;
  try {
    switch (action.kind) {
      case 'advance':
        h.clock.advance(action.ms);
        return { kind: 'done' };
      case 'initiate':
        await engine.initiateInstance({ muid, methodType: action.methodType, instanceId: action.instanceId });
        return { kind: 'done' };
      case 'activateInstance':
      case 'blockInstance':
      case 'unblockInstance':
      case 'deactivateInstance':
        await engine[action.kind]({ muid, methodType: action.methodType, instanceId: action.instanceId });
        return { kind: 'done' };
      case 'blockMethod':
      case 'unblockMethod':
      case 'deactivateMethod':
      case 'activateMethod':
        await engine[action.kind]({ muid, methodType: action.methodType });
        return { kind: 'done' };
      case 'authenticate': {
        const verdict = action.verdict;
        const verify = async () => {
          if (verdict === 'throw') throw VERIFY_FAILURE;
          return verdict === 'accept';
        };
        const base = { muid, methodType: action.methodType, verify };
        const result = await engine.authenticate(action.instanceId === undefined ? base : { ...base, instanceId: action.instanceId });
        return { kind: 'authenticated', result };
      }
    }
  } catch (e) {
    if (e === VERIFY_FAILURE) return { kind: 'verify-threw' };
    if (!isNtpassError(e)) throw e;
    return e.code === 'INVALID_TRANSITION'
      ? { kind: 'error', code: e.code, from: e.from ?? '?', to: e.to ?? '?' }
      : { kind: 'error', code: e.code };
  }
}

/** The events emitted since `from`, reduced to what the model predicts; also checks their common fields. */
export function eventsSince(h: MethodsHarness, from: number): ModelEvent[] {
  return h.events.slice(from).map((e) => {
    if (e.tenantId !== h.tenantId || !('muid' in e) || e.muid !== h.muid || e.at !== h.clock.now()) {
      throw new Error(`event ${e.type} has the wrong tenant, user or time`);
    }
    return {
      type: e.type,
      ...('methodType' in e ? { methodType: e.methodType } : {}),
      ...('instanceId' in e ? { instanceId: e.instanceId } : {}),
      ...('by' in e ? { by: e.by } : {}),
      ...('failedAttempts' in e ? { failedAttempts: e.failedAttempts } : {}),
    };
  });
}
