import { describe, expect, it } from 'vitest';
import type { Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { ignoredVersionCheckStore, lostIndexEntryStore, nonAtomicCounterStore } from './broken-stores.js';
import { runCollected } from './collect-tests.js';

// The engine suites are left out here: they run on the memory store in its own
// package; this file proves the store-level suites fail on broken stores.
const skip = ['engine-ntp', 'engine-methods'] as const;

const failing = async (createStore: () => Store) =>
  (await runCollected({ name: 'under test', createStore, skip })).filter((o) => !o.passed).map((o) => o.name);

describe('the conformance kit', () => {
  it('passes the real memory store with the collecting runner (control)', async () => {
    expect(await failing(() => memoryStore())).toEqual([]);
  }, 120_000);

  it('fails a store whose counters are read-then-write', async () => {
    const failed = await failing(nonAtomicCounterStore);
    expect(failed.some((n) => n.includes('concurrent bounded adds on one counter'))).toBe(true);
    expect(failed.some((n) => n.includes('lose no increment'))).toBe(true);
  }, 120_000);

  it('fails a store that loses index entries', async () => {
    const failed = await failing(lostIndexEntryStore);
    expect(failed.some((n) => n.includes('maintained total'))).toBe(true);
    expect(failed.some((n) => n.includes('concurrent index puts'))).toBe(true);
  }, 120_000);

  it('fails a store that ignores version checks', async () => {
    const failed = await failing(ignoredVersionCheckStore);
    expect(failed.some((n) => n.includes('stale one'))).toBe(true);
    expect(failed.some((n) => n.includes('exactly one applies'))).toBe(true);
    expect(failed.some((n) => n.includes('reference model'))).toBe(true);
  }, 120_000);
});
