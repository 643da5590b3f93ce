import { afterEach, expect } from 'vitest';
import { TEST_SECRET } from '../../src/testing/index.js';
import {
  createEngine,
  isNtpassError,
  type Commit,
  type CommitResult,
  type Engine,
  type EngineOptions,
  type NtpassError,
  type NtpassErrorCode,
  type NtpassEvent,
  type Store,
} from '@ntpass/core';
import { createFakeClock, recordingStore, type FakeClock, type RecordingStore } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';

export const SECRET = TEST_SECRET;
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

/** What a {@link faultyStore} does with one commit; a promise delays it until settled. */
export type Fault = 'hang' | 'fail' | 'apply-then-fail' | Promise<void> | undefined;

/**
 * A real store behind a switch: `fault(commit)` may make one commit hang
 * forever (the process died), fail before reaching the store, apply and then
 * fail (the answer was lost), or wait. Everything else passes through.
 */
export function faultyStore(inner: Store, fault: (commit: Commit) => Fault): Store {
  const run = async (commit: Commit, apply: () => Promise<CommitResult>): Promise<CommitResult> => {
    const f = fault(commit);
    if (f instanceof Promise) await f;
    if (f === 'hang') return new Promise<CommitResult>(() => undefined);
    if (f === 'fail') throw new Error('connection lost');
    const result = await apply();
    if (f === 'apply-then-fail') throw new Error('connection lost after apply');
    return result;
  };
  return {
    ...inner,
    limits: inner.limits,
    read: (r) => inner.read(r),
    list: (r) => inner.list(r),
    scan: (r) => inner.scan(r),
    dropPartition: (r) => inner.dropPartition(r),
    close: () => inner.close(),
    commit: (c) => run(c, () => inner.commit(c)),
    commitBatch: async (commits) => {
      const out: CommitResult[] = [];
      for (const c of commits) out.push(await run(c, () => inner.commit(c)));
      return out;
    },
  };
}

/** Waits, a few real milliseconds at a time, until background work makes `done` hold. */
export async function eventually(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('condition never held');
}
