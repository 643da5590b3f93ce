import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createEngine, isNtpassError, partitionName, type Engine, type IndexEntry, type NtpassErrorCode, type Store } from '@ntpass/core';
import { createFakeClock, recordingStore, type FakeClock, type RecordingStore, type StoreSnapshot } from '@ntpass/core/testing';

/*
 * What the NTP engine suite runs on: the store under test behind a recorder,
 * two engines on it (two "processes", both signing and verifying), a fake
 * clock they share, and two tenants of its own — fresh, random names, so a
 * store on a shared, long-lived server needs no cleaning.
 */

const SECRET = 'ntpass-testkit-secret-0123456789abcdef';

export interface NtpHarness {
  /** Two tenants no other run uses (the second holds a `{`, which a Redis hash tag must survive). */
  readonly tenants: readonly [string, string];
  /** Two engines on one store, as two processes would be. */
  readonly engines: readonly [Engine, Engine];
  readonly clock: FakeClock;
  readonly store: RecordingStore;
  /** The state rule errors must leave alone: every partition but the throttle's. */
  state(): Promise<StoreSnapshot>;
  /** Waits until every instance deleted in this harness's tenants is purged (so the state stops moving). */
  purged(): Promise<void>;
  close(): Promise<void>;
}

export function createNtpHarness(store: Store): NtpHarness {
  const clock = createFakeClock();
  const recorder = recordingStore(store);
  const { privateKey } = generateKeyPairSync('ed25519');
  const options = { store: recorder, secret: SECRET, clock: clock.now, signingKey: privateKey, signingKeyId: 'k1' };
  const engines = [createEngine(options), createEngine(options)] as const;
  const run = randomUUID();
  const tenants = [`tk-ntp-${run}`, `tk-ntp-{${run}}`] as const;
  return {
    tenants,
    engines,
    clock,
    store: recorder,
    async state() {
      const snapshot = await recorder.snapshot(clock.now());
      return Object.fromEntries(Object.entries(snapshot).filter(([partition]) => !partition.startsWith('client:')));
    },
    async purged() {
      // The purge registry (see the storage layout in @ntpass/core's README) loses each entry as its purge ends.
      const ours = (value: unknown) => tenants.some((t) => t === (value as { tenantId?: unknown } | null)?.tenantId);
      for (let i = 0; i < 5000; i++) {
        if (!(await registry(store)).some((e) => ours(e.value))) return;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      throw new Error('purge never finished');
    },
    async close() {
      await Promise.all(engines.map((e) => e.close()));
    },
  };
}

/** Every entry of the purge registry. */
async function registry(store: Store): Promise<IndexEntry[]> {
  const entries: IndexEntry[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.list({ partition: partitionName('purge'), index: 'instances', offset, count: 1000 });
    entries.push(...page.items);
    if (page.items.length < 1000) return entries;
  }
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
