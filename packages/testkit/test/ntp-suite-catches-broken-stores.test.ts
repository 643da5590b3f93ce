import { describe, expect, it } from 'vitest';
import type { Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { ignoredVersionCheckStore, lostIndexEntryStore, nonAtomicCounterStore } from './broken-stores.js';
import { runCollected } from './collect-tests.js';

// Only the NTP engine group: it must notice a store that breaks a guarantee the engine relies on.
const skip = ['contract', 'concurrency', 'model', 'engine-methods'] as const;

const failing = async (createStore: () => Store) =>
  (await runCollected({ name: 'under test', createStore, skip })).filter((o) => !o.passed).map((o) => o.name);

describe('the NTP engine suite', () => {
  it('passes the real memory store (control)', async () => {
    expect(await failing(() => memoryStore())).toEqual([]);
  }, 120_000);

  it('fails a store whose counters are read-then-write: a code redeems past its cap, tickets pass maxTickets', async () => {
    const failed = await failing(nonAtomicCounterStore);
    expect(failed.some((n) => n.includes('7-use code'))).toBe(true);
    expect(failed.some((n) => n.includes('maxTickets 5'))).toBe(true);
  }, 120_000);

  it('fails a store that ignores version checks: a stale cache redeems a suspended instance', async () => {
    const failed = await failing(ignoredVersionCheckStore);
    expect(failed.some((n) => n.includes('random workloads'))).toBe(true);
  }, 120_000);

  it('fails a store that loses index entries: tickets go missing from their listing', async () => {
    const failed = await failing(lostIndexEntryStore);
    expect(failed.some((n) => n.includes('maxTickets 5'))).toBe(true);
  }, 120_000);
});
