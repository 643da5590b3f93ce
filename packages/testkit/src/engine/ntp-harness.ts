import { generateKeyPairSync } from 'node:crypto';
import { createEngine, isNtpassError, partitionName, type Engine, type NtpassErrorCode, type Store } from '@ntpass/core';
import { createFakeClock, recordingStore, type FakeClock, type RecordingStore, type StoreSnapshot } from '@ntpass/core/testing';

/*
 * What the NTP engine suite runs on: the store under test behind a recorder,
 * two engines on it (two "processes", one signing, both verifying), and a
 * fake clock they share.
 */

const SECRET = 'ntpass-testkit-secret-0123456789abcdef';

export interface NtpHarness {
  /** Two engines on one store, as two processes would be. */
  readonly engines: readonly [Engine, Engine];
  readonly clock: FakeClock;
  readonly store: RecordingStore;
  /** The state rule errors must leave alone: every partition but the throttle's. */
  state(): Promise<StoreSnapshot>;
  /** Waits until every deleted instance is purged (so the state stops moving). */
  purged(): Promise<void>;
  close(): Promise<void>;
}

export function createNtpHarness(store: Store): NtpHarness {
  const clock = createFakeClock();
  const recorder = recordingStore(store);
  const { privateKey } = generateKeyPairSync('ed25519');
  const options = { store: recorder, secret: SECRET, clock: clock.now, signingKey: privateKey, signingKeyId: 'k1' };
  const engines = [createEngine(options), createEngine(options)] as const;
  return {
    engines,
    clock,
    store: recorder,
    async state() {
      const snapshot = await recorder.snapshot(clock.now());
      return Object.fromEntries(Object.entries(snapshot).filter(([partition]) => !partition.startsWith('client:')));
    },
    async purged() {
      // The purge registry (see the storage layout in @ntpass/core's README) empties as purges finish.
      for (let i = 0; i < 5000; i++) {
        const { total } = await store.list({ partition: partitionName('purge'), index: 'instances', offset: 0, count: 1 });
        if (total === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      throw new Error('purge never finished');
    },
    async close() {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}

/** The code of a rule error, or `'ok'`; anything but an NtpassError is rethrown. */
export async function outcome(call: Promise<unknown>): Promise<'ok' | NtpassErrorCode> {
  try {
    await call;
    return 'ok';
  } catch (e) {
    if (!isNtpassError(e)) throw e;
    return e.code;
  }
}
