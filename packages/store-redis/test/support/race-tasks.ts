import type { Store } from '@ntpass/core';
import type { RaceConfig } from './race.js';

type Outcome = { ok: true; value: unknown } | { ok: false };

/** The attempt one racing process repeats: here a bounded add on one counter. */
export async function raceTask(config: RaceConfig, store: Store): Promise<(i: number) => Promise<Outcome>> {
  const { partition, max } = config;
  return async () => {
    const r = await store.commit({ partition, now: Date.now(), ops: [{ type: 'add', key: 'c', by: 1, max }] });
    return r.ok ? { ok: true, value: r.counters['c'] } : { ok: false };
  };
}
