import type { Store } from '@ntpass/core';
import type { RaceConfig } from './race.js';

/** One attempt's outcome: what it got, or what refused it. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

/** The attempt a racing process repeats: a bounded add on one counter. */
export function raceTask(config: RaceConfig, store: Store): { attempt: () => Promise<Outcome>; close: () => Promise<void> } {
  const { partition, max } = config;
  const attempt = async (): Promise<Outcome> => {
    const r = await store.commit({ partition, now: Date.now(), ops: [{ type: 'add', key: 'c', by: 1, max }] });
    return r.ok ? { ok: true, value: r.counters['c'] } : { ok: false, code: 'REFUSED' };
  };
  return { attempt, close: async () => undefined };
}
