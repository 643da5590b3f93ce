import { createEngine, isNtpassError, type Store } from '@ntpass/core';
import type { RaceConfig } from './race.js';

/** One attempt's outcome: what it got, or the error code that refused it. */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

const refusal = (e: unknown): Outcome => {
  if (isNtpassError(e)) return { ok: false, code: e.code };
  throw e;
};

/**
 * The attempt a racing process repeats: a bounded add on one counter, a
 * redemption of one code, or an issue on one instance (the last two through
 * the engine, each process with its own engine and connection).
 */
export function raceTask(config: RaceConfig, store: Store): { attempt: () => Promise<Outcome>; close: () => Promise<void> } {
  if (config.task === 'counter') {
    const { partition, max } = config;
    const attempt = async (): Promise<Outcome> => {
      const r = await store.commit({ partition, now: Date.now(), ops: [{ type: 'add', key: 'c', by: 1, max }] });
      return r.ok ? { ok: true, value: r.counters['c'] } : { ok: false, code: 'REFUSED' };
    };
    return { attempt, close: async () => undefined };
  }
  const engine = createEngine({ store, secret: config.secret });
  const { tenantId, ntpId } = config;
  const attempt =
    config.task === 'redeem'
      ? () => engine.redeemCode({ tenantId, ntpId, code: config.code }).then((objectId): Outcome => ({ ok: true, value: objectId }), refusal)
      : () => engine.issueNtpCode({ tenantId, ntpId }).then((issued): Outcome => ({ ok: true, value: issued.userId }), refusal);
  return { attempt, close: () => engine.close() };
}
