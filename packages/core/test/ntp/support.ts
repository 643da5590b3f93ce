import { afterEach, expect } from 'vitest';
import { createEngine, isNtpassError, type Engine, type EngineOptions, type NtpassError, type NtpassErrorCode, type NtpassEvent, type Store } from '@ntpass/core';
import { createFakeClock, recordingStore, type FakeClock, type RecordingStore } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';

export const SECRET = 'test-secret-test-secret-test-secret!';
export const T = 'tenant-a';

export interface Setup {
  readonly engine: Engine;
  /** The engine's store, recording every call. */
  readonly store: RecordingStore;
  readonly clock: FakeClock;
  readonly events: NtpassEvent[];
}

const open: Engine[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

/** A fresh engine on a fresh memory store, with a fake clock and an event log. Closed after the test. */
export function setup(options: Partial<Omit<EngineOptions, 'store'>> & { readonly store?: Store } = {}): Setup {
  const clock = createFakeClock();
  const store = recordingStore(options.store ?? memoryStore());
  const events: NtpassEvent[] = [];
  const engine = createEngine({ secret: SECRET, clock: clock.now, onEvent: (e) => events.push(e), ...options, store });
  open.push(engine);
  return { engine, store, clock, events };
}

/** A second engine (another "process") on the same store and secret. */
export function sibling(s: Setup, options: Partial<Omit<EngineOptions, 'store'>> = {}): Engine {
  const engine = createEngine({ secret: SECRET, clock: s.clock.now, ...options, store: s.store });
  open.push(engine);
  return engine;
}

/** Awaits a rejection and checks it is an NtpassError with `code`. */
export async function rejects(promise: Promise<unknown>, code: NtpassErrorCode): Promise<NtpassError> {
  try {
    await promise;
  } catch (e) {
    expect(isNtpassError(e), `expected an NtpassError, got ${String(e)}`).toBe(true);
    const error = e as NtpassError;
    expect(error.code, error.message).toBe(code);
    return error;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

/** An instance with `options` in tenant T. */
export function instance(s: Setup, options: Record<string, unknown> = {}): Promise<string> {
  return s.engine.createNtpInstance({ tenantId: T, objectId: 'iq__object', ...options });
}
