import type { EngineContext } from '../context.js';

/*
 * The `ntp.guessing` event (issue 13): a tenant whose failed redemptions in
 * one window reach `guessingThreshold` is probably being guessed at, from
 * many clients at once (each within its own throttle), so the host may alert
 * or add a challenge. Counted in this process only, in an LRU of tenants: a
 * guess against a made-up tenant must grow no store state, and this memory
 * stays bounded whatever tenants are named. Evicting a tenant's count takes
 * guesses against 1 024 other tenants, each one spending the guesser's own
 * per-client throttle.
 */

/** Tenants whose window is tracked at once. */
export const GUESSING_TENANTS = 1024;

interface Window {
  readonly since: number;
  failures: number;
}

export interface GuessingAlert {
  /** Counts one `INVALID_CODE` against the tenant; the one reaching the threshold emits `ntp.guessing`. */
  failed(tenantId: string): void;
}

export function createGuessingAlert(ctx: EngineContext): GuessingAlert {
  const threshold = ctx.options.guessingThreshold;
  const { windowMs } = ctx.options.redeemThrottle;
  const windows = new Map<string, Window>();
  return {
    failed(tenantId) {
      const now = ctx.now();
      let window = windows.get(tenantId);
      windows.delete(tenantId);
      if (!window || now >= window.since + windowMs) window = { since: now, failures: 0 };
      windows.set(tenantId, window);
      if (windows.size > GUESSING_TENANTS) {
        const oldest = windows.keys().next();
        if (!oldest.done) windows.delete(oldest.value);
      }
      window.failures += 1;
      if (window.failures === threshold) ctx.emit({ type: 'ntp.guessing', tenantId, at: now, failures: window.failures, windowMs });
    },
  };
}
