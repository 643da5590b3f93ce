import { describe, expect, it } from 'vitest';
import type { Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { ignoredVersionCheckStore, nonAtomicCounterStore } from './broken-stores.js';
import { runCollected } from './collect-tests.js';

// Only the method engine group: it must notice a store that breaks the guarantees it relies on.
const skip = ['contract', 'concurrency', 'model', 'engine-ntp'] as const;

const failing = async (createStore: () => Store) =>
  (await runCollected({ name: 'under test', createStore, skip })).filter((o) => !o.passed).map((o) => o.name);

describe('the method engine suite', () => {
  it('passes the real memory store (control)', async () => {
    expect(await failing(() => memoryStore())).toEqual([]);
  }, 120_000);

  it('fails a store whose counters are read-then-write: failures are lost or pass the limit', async () => {
    const failed = await failing(nonAtomicCounterStore);
    expect(failed.some((n) => n.includes('30 concurrent failures'))).toBe(true);
    expect(failed.some((n) => n.includes('never lose an increment'))).toBe(true);
  }, 120_000);

  it('fails a store that ignores version checks: a second failure blocks again past the limit', async () => {
    const failed = await failing(ignoredVersionCheckStore);
    expect(failed.some((n) => n.includes('never lose an increment nor pass the limit'))).toBe(true);
  }, 120_000);
});
